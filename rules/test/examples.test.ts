// Every example in a rule's YAML file (and so on its docs page) does what it says: each incorrect
// example fires the rule, and no correct one does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinRules, scan, type RuleExample } from '@portcullis/engine';

/** Scans the example's text as its format says, with no config, and returns the findings of `ruleId` (`line: message`). */
function findingsOf(ruleId: string, example: RuleExample): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-example-'));
  try {
    writeFileSync(join(dir, 'example'), example.text);
    const result = scan({ paths: ['example'], cwd: dir, config: false, as: example.format });
    expect(result.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.line ?? 0}: ${d.code}: ${d.message}`)).toEqual([]);
    expect(result.files.map((f) => f.format)).toHaveLength(1);
    return result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.location.line}: ${f.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rules = loadBuiltinRules();

describe('rule examples', () => {
  it('there are examples to check', () => {
    expect(rules.filter((r) => r.examples?.incorrect?.length).length).toBeGreaterThan(0);
  });

  for (const rule of rules) {
    const incorrect = rule.examples?.incorrect ?? [];
    const correct = rule.examples?.correct ?? [];
    if (incorrect.length + correct.length === 0) continue;
    describe(rule.id, () => {
      incorrect.forEach((example, i) => {
        it(`incorrect #${i + 1}${example.title ? ` (${example.title})` : ''} fires the rule`, () => {
          expect(findingsOf(rule.id, example)).not.toEqual([]);
        });
      });
      correct.forEach((example, i) => {
        it(`correct #${i + 1}${example.title ? ` (${example.title})` : ''} does not fire it`, () => {
          expect(findingsOf(rule.id, example)).toEqual([]);
        });
      });
    });
  }
});
