import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { afterAll } from 'vitest';
import { scan, type ScanOptions, type ScanResult } from '@portcullis/engine';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A day after every `until` in the fixtures that should still hold, before the ones that should not. */
export const TODAY = new Date('2027-01-15T12:00:00Z');

/** Scans as the CLI would, with no config unless one is given, on a fixed day. */
export function scanAt(cwd: string, paths: string[], options: Partial<ScanOptions> = {}): ScanResult {
  return scan({ paths, cwd, config: false, now: TODAY, ...options });
}

/**
 * The SARIF 2.1.0 JSON Schema as Microsoft's SARIF SDK ships it on npm (`@microsoft/jest-sarif`,
 * MIT): the 2.1.0 schema of the OASIS SARIF TC, draft-04, so it needs Ajv's draft-04 build. Formats
 * are checked too (`uri`, `uri-reference`): GitHub's upload validates them.
 */
export function sarifValidator(): (log: unknown) => string[] {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]`, legal only outside
  // JavaScript's unicode mode (the errata of the standard fixed it; it never matters for us).
  // Both are CommonJS modules whose `default` is the class or plugin.
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder holding the given files (path relative to it -> text). */
export function estate(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-report-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** An iptables-save filter table whose INPUT chain drops by default; its rules start on line 5. */
export function filterTable(...rules: string[]): string {
  return ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
}

export const SSH = '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT';
export const TELNET = '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT';
export const RDP = '-A INPUT -p tcp -m tcp --dport 3389 -j ACCEPT';
