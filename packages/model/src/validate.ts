import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';

let ajv: Ajv | undefined;

function instance(): Ajv {
  if (!ajv) {
    // Loaded on first use: a scan without a config file or user rules never needs it, and it is a
    // good part of the time a small scan takes to start.
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof AjvModule;
    ajv = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true });
  }
  return ajv;
}

/** A problem found by a schema: where in the document (`rules.no-public-ssh.severity`) and what is wrong. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export type Validator<T> = (value: unknown) => { ok: true; value: T } | { ok: false; problems: SchemaProblem[] };

/** Compiles a JSON Schema once; the validator explains failures in words a user can act on. */
export function compileSchema<T>(schema: object): Validator<T> {
  const fn: ValidateFunction = instance().compile(schema);
  return (value) => {
    if (fn(value)) return { ok: true, value: value as T };
    return { ok: false, problems: explain(fn.errors ?? []) };
  };
}

function explain(errors: ErrorObject[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  // oneOf/anyOf failures repeat their branches' errors; keep the most specific ones.
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const path = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.') || '(top level)';
    let message = e.message ?? 'is invalid';
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') message = `unknown key "${String(p['additionalProperty'])}"`;
    else if (e.keyword === 'enum') message = `must be one of: ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    else if (e.keyword === 'required') message = `missing required key "${String(p['missingProperty'])}"`;
    const key = `${path}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

export function formatProblems(file: string, problems: SchemaProblem[]): string {
  return problems.map((p) => `${file}: ${p.path}: ${p.message}`).join('\n');
}

const schemaCache = new Map<string, object>();

/** The JSON Schemas shipped with the model: `config`, `inventory`, `report`, `exposure`, `model`. */
export function loadSchema(name: 'config' | 'inventory' | 'report' | 'exposure' | 'model'): object {
  let s = schemaCache.get(name);
  if (!s) {
    s = JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object;
    schemaCache.set(name, s);
  }
  return s;
}
