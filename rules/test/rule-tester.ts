import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan, type Finding } from '@portcullis/engine';

export interface ValidCase {
  name: string;
  /** An iptables-save dump (the format the tests use until other parsers land). */
  code: string;
  inventory?: string;
  /** More files scanned with it (an nmap report, a socket listing), by name. */
  files?: Record<string, string>;
}

export interface InvalidCase extends ValidCase {
  errors: { line: number; severity?: Finding['severity']; message?: string | RegExp }[];
}

function run(ruleId: string, c: ValidCase): Finding[] {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-rule-'));
  try {
    writeFileSync(join(dir, 'input.iptables-save'), c.code);
    const extra: { inventory?: string } = {};
    if (c.inventory) {
      writeFileSync(join(dir, 'services.yaml'), c.inventory);
      extra.inventory = 'services.yaml';
    }
    const more = Object.entries(c.files ?? {});
    for (const [name, text] of more) writeFileSync(join(dir, name), text);
    const result = scan({ paths: ['input.iptables-save', ...more.map(([name]) => name)], cwd: dir, config: false, ...extra });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return result.findings.filter((f) => f.ruleId === ruleId);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ESLint's RuleTester, for exposure rules: valid inputs must not fire, invalid ones must fire exactly as listed. */
export function ruleTester(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(ruleId, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        expect(run(ruleId, c).map((f) => `${f.location.line}: ${f.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const found = run(ruleId, c);
        expect(found.map((f) => f.location.line)).toEqual(c.errors.map((e) => e.line));
        c.errors.forEach((e, i) => {
          const f = found[i]!;
          if (e.severity) expect(f.severity).toBe(e.severity);
          if (typeof e.message === 'string') expect(f.message).toBe(e.message);
          else if (e.message) expect(f.message).toMatch(e.message);
        });
      });
    }
  });
}

/** An iptables-save filter table with the given INPUT policy and rules (rules start on line 5). */
export function filterTable(policy: 'ACCEPT' | 'DROP', ...rules: string[]): string {
  return ['*filter', `:INPUT ${policy} [0:0]`, ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
}
