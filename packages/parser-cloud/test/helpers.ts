import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scan, type ScanResult } from '@portcullis/engine';
import type { Device, FilterRule, FormatParser, ParseResult } from '@portcullis/model';
import { expect } from 'vitest';
import type { Document } from '../src/common/document.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = 'fixtures/cloud';

/** Scans paths under the repository as the CLI would from its root, without any config file. */
export function scanPaths(paths: string[]): ScanResult {
  return scan({ paths, cwd: repoRoot, config: false, now: new Date('2026-11-26T00:00:00Z') });
}

/** `ruleId@line` for each unsuppressed finding, in report order. */
export function findingKeys(result: ScanResult): string[] {
  return result.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId}@${f.location.line}`);
}

export function readFixture(path: string): string {
  return readFileSync(`${repoRoot}${FIXTURES}/${path}`, 'utf8');
}

export function parseText(parser: FormatParser, path: string, text: string): ParseResult {
  return parser.parse({ path, text });
}

export function deviceNamed(result: ParseResult, name: string): Device {
  const d = result.devices.find((x) => x.name === name);
  if (!d) throw new Error(`no device ${name}; have ${result.devices.map((x) => x.name).join(', ')}`);
  return d;
}

/** A rule in the terms tests compare. */
export function ruleView(r: FilterRule): { id: string; action: string; sources: string[]; ports: string; exact: boolean; symbolic: string[]; line: number } {
  const ports = r.destinationPorts.isFull ? 'all' : [...r.destinationPorts.ranges()].map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
  return { id: r.id, action: r.action, sources: r.sources.toCidrs(), ports, exact: r.exact, symbolic: r.symbolic, line: r.origin.line };
}

export function codes(result: { diagnostics: { code: string; line?: number }[] }): string[] {
  return result.diagnostics.map((d) => `${d.code}@${d.line ?? 0}`);
}

/** Every line is recognised, ignored or reported, and nothing is counted twice. */
export function expectAccounted(result: ParseResult, lines: number): void {
  const l = result.lines;
  expect(l.recognised + l.ignored + l.reported).toBe(l.total);
  expect(l.total).toBe(lines);
}

/** keyLines of an object, as a plain list of [line, endLine] pairs. */
export function keyLines(doc: Document, owner: Record<string, unknown>): number[][] {
  const keys = Object.keys(owner);
  const lines = doc.positions.keyLines(owner, keys);
  return keys.map((_, i) => [lines[2 * i]!, lines[2 * i + 1]!]);
}

/** The same pairs from each key's own span. */
export function keyLinesByKey(doc: Document, owner: Record<string, unknown>): number[][] {
  return Object.keys(owner).map((k) => {
    const span = doc.positions.key(owner, k);
    return span ? [span.line, span.endLine] : [0, 0];
  });
}
