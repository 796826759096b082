import type { Origin } from '@portcullis/model';
import { isRecord, type Document } from './document.js';
import type { Inputs, Span } from './report.js';
import { Unresolved, type Maybe } from './unresolved.js';

/**
 * Reads the objects of one positioned document (JSON or YAML) and accounts for their lines: the
 * fields a reader uses are recognised, the ones it knows to be irrelevant are ignored, any other is
 * reported, so a field we do not understand never passes unnoticed.
 */
export class FieldReader {
  constructor(
    readonly inputs: Inputs,
    readonly file: string,
    readonly doc: Document,
  ) {}

  span(value: unknown): Span | undefined {
    return this.doc.positions.of(value);
  }

  keySpan(owner: unknown, key: string): Span | undefined {
    return this.doc.positions.key(owner, key);
  }

  itemSpan(owner: unknown, index: number): Span | undefined {
    return this.doc.positions.item(owner, index);
  }

  /** The origin of an object (a rule, a list item), with the resource it belongs to. */
  origin(value: unknown, resource?: string, fallback?: Span): Origin {
    const s = this.span(value) ?? fallback ?? { line: 1, endLine: 1 };
    const { file } = this;
    const { line, endLine, column } = s;
    // One literal with every field there is (a field added after the literal takes a second object).
    if (column === undefined) return resource === undefined ? { file, line, endLine } : { file, line, endLine, resource };
    return resource === undefined ? { file, line, endLine, column } : { file, line, endLine, column, resource };
  }

  recognise(span: Span | undefined): void {
    if (span) this.inputs.recognise(this.file, span);
  }

  ignore(span: Span | undefined): void {
    if (span) this.inputs.ignore(this.file, span);
  }

  /**
   * Accounts for an object's fields. Keys in `used` are recognised, keys in `ignored` ignored; any
   * other key is reported (`unsupported-field`), named with `what` (`security group rule`).
   */
  fields(obj: Record<string, unknown>, used: readonly string[], ignored: readonly string[], what: string): void {
    const ledger = this.inputs.ledger(this.file);
    const own = this.span(obj);
    if (own) ledger?.recognise(own.line);
    const keys = Object.keys(obj);
    const lines = this.doc.positions.keyLines(obj, keys);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const line = lines[2 * i]!;
      if (line === 0) continue;
      const endLine = lines[2 * i + 1]!;
      if (used.includes(key)) {
        if (ledger) for (let l = line; l <= endLine; l++) ledger.recognise(l);
      } else if (ignored.includes(key)) {
        if (ledger) for (let l = line; l <= endLine; l++) ledger.ignore(l);
      } else this.inputs.report({ file: this.file, line }, 'info', 'unsupported-field', `${what}: field '${key}' is not read`);
    }
  }
}

/** A string field, as a string; numbers and booleans become their text. */
export function stringField(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A number field; numeric strings (`"22"`) count, as the APIs accept them. */
export function numberField(obj: Record<string, unknown>, key: string): number | undefined {
  const v = obj[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d{1,6}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

export function arrayField(obj: Record<string, unknown>, key: string): unknown[] {
  const v = obj[key];
  return Array.isArray(v) ? v : [];
}

export function records(values: unknown[]): Record<string, unknown>[] {
  return values.filter(isRecord);
}

/** A value that must be a string: anything else is unresolved, with what it was. */
export function asString(value: unknown, what: string): Maybe<string> {
  if (value instanceof Unresolved) return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return new Unresolved(JSON.stringify(value) ?? 'null', `${what} is not a string`);
}

export function asNumber(value: unknown, what: string): Maybe<number> {
  if (value instanceof Unresolved) return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d{1,6}\s*$/.test(value)) return Number(value.trim());
  return new Unresolved(JSON.stringify(value) ?? 'null', `${what} is not a number`);
}
