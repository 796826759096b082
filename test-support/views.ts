import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Device, ParseResult } from '@portcullis/model';
import { scan, type ScanResult } from '@portcullis/engine';

/*
 * Helpers every parser's tests use the same way: the one device of a result, the diagnostics as
 * code and line, a case's chosen fields, and a scan of repository files as the CLI would make it.
 * Each package's helpers add what is its own (how it views a rule, which codes report a line).
 */

/** The repository root (the shared corpus lies beside the checkout). */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export function device(result: ParseResult): Device {
  expect(result.devices).toHaveLength(1);
  return result.devices[0]!;
}

/** `{ code, line }` of every diagnostic, in file order. */
export function codes(result: ParseResult): { code: string; line: number | undefined }[] {
  return result.diagnostics.map((d) => ({ code: d.code, line: d.line }));
}

/** Only the fields a case states, so each case says what it is about. */
export function pick<T extends object>(value: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = (value as Record<string, unknown>)[k];
  return out as Partial<T>;
}

/** Scans files under the repository as the CLI would from its root, without any config file. */
export function scanFiles(paths: string[], options: { inventory?: string } = {}): ScanResult {
  return scan({ paths, cwd: repoRoot, config: false, now: new Date('2026-11-26T00:00:00Z'), ...options });
}

/** `ruleId@line` for each unsuppressed finding. */
export function findingKeys(result: ScanResult): string[] {
  return result.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId}@${f.location.line}`);
}
