import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { FormatParser, Observation, ParseResult } from '@portcullis/model';

/** The project's own fixtures and the shared corpus (beside the checkout), from this file's place. */
export const FIXTURES = fileURLToPath(new URL('../../../fixtures/observed/', import.meta.url));
export const SHARED_CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
export const CORPUS = `${SHARED_CORPUS}observed/`;

export function parseFile(parser: FormatParser, dir: string, name: string): ParseResult {
  return parser.parse({ path: name, text: readFileSync(dir + name, 'utf8') });
}

/** `{ code, line }` of every diagnostic, in file order. */
export function codes(result: ParseResult): { code: string; line: number | undefined }[] {
  return result.diagnostics.map((d) => ({ code: d.code, line: d.line }));
}

/** One observation in a line: `22 tcp/443 listening * python3 (pid 9)` and the like. */
export interface ObservationRow {
  line: number;
  host: string;
  port: string;
  state: Observation['state'];
  bind?: string;
  process?: string;
}

/** The fields a socket listing is about, so a table of cases reads like the listing. */
export function rows(result: ParseResult): ObservationRow[] {
  return (result.observations ?? []).map((o) => {
    const row: ObservationRow = { line: o.origin.line, host: o.host, port: `${o.protocol}/${o.port}`, state: o.state };
    if (o.bind !== undefined) row.bind = o.bind;
    if (o.process !== undefined) row.process = o.process;
    return row;
  });
}

/** Codes that mean "this line was not (fully) understood": the line counts as reported. */
export const REPORTING_CODES = new Set(['unrecognised-line', 'invalid-value', 'unknown-state', 'parse-error', 'internal-error']);

/**
 * The line accounting adds up, and the reported lines are exactly the lines that carry a
 * reporting diagnostic (every reported line says why).
 */
export function expectAccounted(result: ParseResult, lineCount: number): void {
  const { total, recognised, ignored, reported } = result.lines;
  expect(total).toBe(lineCount);
  expect(recognised + ignored + reported).toBe(total);
  const reportedLines = new Set(result.diagnostics.filter((d) => REPORTING_CODES.has(d.code)).map((d) => d.line));
  expect(reportedLines.size).toBe(reported);
  for (const line of reportedLines) expect(line).toBeGreaterThanOrEqual(1);
  expect(result.devices).toEqual([]);
}

/** No diagnostic is an error. */
export function expectNoError(result: ParseResult): void {
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
}
