import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '@portcullis/engine';
import type { InputFile, ParseResult } from '@portcullis/model';
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';
import { loadJson, type PiecewiseDocument } from '../src/common/document.js';

/*
 * What the CLI output tests share: JSON printed as the CLIs print it, the other layouts users save
 * it in, results compared as text, a reader's result read piecewise and whole, and findings of a
 * scan of saved outputs.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON as the CLIs print it: two-space indentation, keys in alphabetical order, a final line break. */
export function cliJson(value: Json): string {
  const sorted = (v: Json): Json =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k]!)])) : v;
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

/** The ways an output is saved: as the CLI prints it, on one line, with tabs, with CRLF line breaks. */
export const layouts = fc.constantFrom<(v: Json) => string>(cliJson, (v) => JSON.stringify(v), (v) => JSON.stringify(v, null, '\t'), (v) => cliJson(v).replace(/\n/g, '\r\n'));

/** A parse result as text (address bounds are bigints). */
export const asText = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** A reader's result, as text, for a file read piecewise (as its format reads it) and read whole: the two must agree. */
export function piecewiseAndWhole(
  file: InputFile,
  parse: (file: InputFile) => ParseResult,
  read: (file: InputFile, doc: PiecewiseDocument) => ParseResult,
): { piecewise: string; whole: string } {
  return { piecewise: asText(parse(file)), whole: asText(read(file, { ...loadJson(file.text), items: (list) => list })) };
}

/** Devices and diagnostics without their lines, which differ with the layout (and so order the diagnostics differently). */
export const unplaced = (r: ParseResult): string =>
  JSON.stringify({ devices: r.devices, diagnostics: r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`).sort() }, (key, v: unknown) =>
    ['origin', 'file', 'line', 'endLine', 'column'].includes(key) ? undefined : typeof v === 'bigint' ? `${v}n` : v);

/**
 * For a describe block: saves outputs in a folder of their own (removed after the block) and scans
 * each alone, giving its findings as `rule@line resource`. A scan must report no error.
 */
export function savedOutputFindings(prefix: string): (name: string, text: string) => string[] {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, text) => {
    writeFileSync(join(dir, name), text);
    const result = scan({ paths: [name], cwd: dir, config: false, now: new Date('2026-11-26T00:00:00Z') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return result.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId}@${f.location.line} ${f.location.resource}`);
  };
}
