import type { PfText } from './syntax.js';

/*
 * How config.xml writes values: flags, lists and ports. Plain string scans; no regular expression
 * that could backtrack on a long value.
 */

/** A flag element's value: present and not `0`/`no`/`off`/`false` (`<disabled/>`, `<enable>1</enable>`). */
export function flagValue(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t !== '0' && t !== 'no' && t !== 'off' && t !== 'false';
}

/** A value-based toggle (OPNsense `<quick>1</quick>`): set and not `0`/`no`/`off`/`false`. */
export function truthy(text: string): boolean {
  return text.trim() !== '' && flagValue(text);
}

/** Splits a list on white space and commas, keeping each entry's line (an entry per line in OPNsense). */
export function listEntries(raw: string, line: number, column: number): PfText[] {
  const out: PfText[] = [];
  let current = line;
  let start = -1;
  let startLine = line;
  const flush = (end: number): void => {
    if (start < 0) return;
    out.push({ value: raw.slice(start, end), line: startLine, column: startLine === line ? column : 1 });
    start = -1;
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const separator = c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2c;
    if (separator) {
      flush(i);
      if (c === 0x0a) current++;
    } else if (start < 0) {
      start = i;
      startLine = current;
    }
  }
  flush(raw.length);
  return out;
}

/** Splits on one character, trimming each part and dropping empty ones. */
export function splitOn(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A port number 0–65535 written as digits, else undefined. */
export function portNumber(text: string): number | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 5) return undefined;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const n = Number(t);
  return n <= 65535 ? n : undefined;
}

/** `80`, `1000-2000`, `1000:2000` as a range; undefined when it is not one (an alias or a name). */
export function portRange(text: string): [number, number] | undefined {
  const t = text.trim();
  const single = portNumber(t);
  if (single !== undefined) return [single, single];
  let sep = t.indexOf('-');
  if (sep < 0) sep = t.indexOf(':');
  if (sep <= 0) return undefined;
  const lo = portNumber(t.slice(0, sep));
  const hi = portNumber(t.slice(sep + 1));
  if (lo === undefined || hi === undefined || hi < lo) return undefined;
  return [lo, hi];
}

/** Whether the text looks like a host name (letters, digits, dots, hyphens, with a dot). */
export function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253 || !text.includes('.')) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x2d || c === 0x5f;
    if (!ok) return false;
  }
  return /[a-z]/i.test(text);
}

/** Appends one by one: `push(...items)` passes each item as an argument and overflows past ~100,000. */
export function extend<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
