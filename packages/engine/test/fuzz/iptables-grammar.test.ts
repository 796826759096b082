// Generated valid iptables-save files: no diagnostics, and every rule reads back as the model the
// generator says it is (a round trip: the printed rule, parsed, gives the generated fields).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iptablesSave } from '@portcullis/parser-netfilter';
import { SUITE_SEED } from './campaign.js';
import { checkParse, describeProblems, ScanBench } from './check.js';
import { expectedRule, iptablesFileArb, observedRule, printIptablesSave } from './iptables-gen.js';

describe('iptables-save grammar fuzzing (fixed seed)', () => {
  it('generated valid files parse without a diagnostic and round-trip every rule (300 files)', () => {
    fc.assert(
      fc.property(iptablesFileArb(), (spec) => {
        const printed = printIptablesSave(spec);
        const outcome = checkParse(iptablesSave, 'gen.iptables-save', printed.text);
        expect(outcome.problems, describeProblems(outcome.problems)).toEqual([]);
        const result = outcome.result!;
        expect(result.diagnostics, printed.text).toEqual([]);
        expect(result.lines.reported).toBe(0);
        const device = result.devices[0]!;
        expect(device.family).toBe(spec.family);
        for (const p of printed.rules) {
          const [table, rest] = [p.table, p.id.slice(p.table.length + 1)];
          const chain = rest.slice(0, rest.lastIndexOf('#'));
          const ruleset = device.rulesets[`${table}/${chain}`];
          const rule = ruleset?.rules.find((r) => r.id === p.id);
          expect(rule, `${p.id} missing`).toBeDefined();
          expect(observedRule(rule!), `line ${p.line}: ${p.text}`).toEqual(expectedRule(p, spec.family));
        }
      }),
      { seed: SUITE_SEED, numRuns: 300 },
    );
  });

  it('a scan of generated valid files never fails inside (40 files)', () => {
    const bench = new ScanBench();
    try {
      fc.assert(
        fc.property(iptablesFileArb(), (spec) => {
          const problems = bench.check('iptables-save', 'gen.iptables-save', printIptablesSave(spec).text);
          expect(problems, describeProblems(problems)).toEqual([]);
        }),
        { seed: SUITE_SEED, numRuns: 40 },
      );
    } finally {
      bench.dispose();
    }
  });
});
