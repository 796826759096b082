// Generated valid nftables rulesets: no diagnostics, every line accounted for, and each rule reads
// back with the action, ports, addresses and comment it was written with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nftablesText } from '@portcullis/parser-netfilter';
import { SUITE_SEED } from './campaign.js';
import { checkParse, describeProblems } from './check.js';
import { expectedNftRule, nftablesRulesetArb, observedNftRule, printNftables } from './nftables-gen.js';

describe('nftables grammar fuzzing (fixed seed)', () => {
  it('generated valid rulesets parse without a diagnostic and round-trip every rule (300 rulesets)', () => {
    fc.assert(
      fc.property(nftablesRulesetArb(), (tables) => {
        const printed = printNftables(tables);
        const outcome = checkParse(nftablesText, 'gen.nft', printed.text);
        expect(outcome.problems, describeProblems(outcome.problems)).toEqual([]);
        const result = outcome.result!;
        expect(result.diagnostics, printed.text).toEqual([]);
        const rules = new Map(result.devices.flatMap((d) => Object.values(d.rulesets).flatMap((rs) => rs.rules)).map((r) => [r.id, r]));
        for (const p of printed.rules) {
          const rule = rules.get(p.id);
          expect(rule, `${p.id} missing in\n${printed.text}`).toBeDefined();
          expect(observedNftRule(rule!, p.spec), `line ${p.line}: ${printed.text.split('\n')[p.line - 1]}`).toEqual(expectedNftRule(p, p.id));
        }
      }),
      { seed: SUITE_SEED, numRuns: 300 },
    );
  });
});
