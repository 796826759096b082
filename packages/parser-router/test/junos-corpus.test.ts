import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { splitLines } from '@portcullis/model';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { CORPUS, codes, device, expectAccounted, parseFile, pick, rules } from './junos-helpers.js';

/*
 * Junos configurations other people wrote (../shared/corpus/router/junos, beside the checkout).
 * Each loads without an error and accounts for every line; the lines it does not understand stay
 * at or below the numbers recorded here.
 */

const hasCorpus = existsSync(CORPUS);

interface CorpusCase {
  file: string;
  /** recognised / ignored / reported, as recorded */
  lines: [number, number, number];
  /** Lines reported as unrecognised or unsupported: at most this many. */
  maxUnrecognised: number;
  forwards: number;
  externalInterfaces: string[];
}

const cases: CorpusCase[] = [
  { file: 'combined-policies.conf', lines: [26, 7, 0], maxUnrecognised: 0, forwards: 0, externalInterfaces: ['ge-0/0/1.0'] },
  { file: 'nat-dest.conf', lines: [28, 13, 0], maxUnrecognised: 0, forwards: 2, externalInterfaces: ['ge-0/0/0.0'] },
];

describeIf(hasCorpus, NO_CORPUS)('corpus: junos', () => {
  it('has a case for every file', () => {
    expect(cases.map((c) => c.file)).toEqual(readdirSync(CORPUS).sort());
  });

  for (const c of cases) {
    it(c.file, () => {
      const text = readFileSync(CORPUS + c.file, 'utf8');
      const result = parseFile(CORPUS, c.file);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expectAccounted(result, splitLines(text).length);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      const unrecognised = result.diagnostics.filter((d) => /unrecogni[sz]ed|unsupported/.test(d.code));
      expect(unrecognised.length).toBeLessThanOrEqual(c.maxUnrecognised);
      const d = device(result);
      expect(d.forwards).toHaveLength(c.forwards);
      expect(d.externalInterfaces).toEqual(c.externalInterfaces);
    });
  }

  it('combined-policies: zone policies, a global deny, `default-policy permit-all`, an output filter', () => {
    const d = device(parseFile(CORPUS, 'combined-policies.conf'));
    expect(pick(d.rulesets['security-policies']!, ['defaultAction', 'origin'])).toEqual({ defaultAction: 'allow', origin: { file: 'combined-policies.conf', line: 23 } });
    expect(rules(d, 'policy:trust>untrust').map((r) => `${r.action} ${r.sources.join(',')} @${r.line}`)).toEqual(['allow 1.2.3.1/32 @9', 'deny 1.2.3.0/30 @13']);
    expect(rules(d, 'policy:global').map((r) => `${r.action} ${r.sources.join(',')} @${r.line}`)).toEqual(['deny 1.2.3.0/29 @18']);
    expect(rules(d, 'filters:output').map((r) => pick(r, ['action', 'target', 'outInterface']))).toEqual([
      { action: 'jump', target: 'filter:FILTER1', outInterface: { names: ['ge-0/0/1.0'], negated: false } },
      { action: 'deny', target: undefined, outInterface: { names: ['ge-0/0/1.0'], negated: false } },
    ]);
  });

  it('nat-dest: rule-sets by context (interface, zone, routing instance), `off`, pools, unresolved names', () => {
    const result = parseFile(CORPUS, 'nat-dest.conf');
    const d = device(result);
    expect(rules(d, 'nat:destination').map((r) => `${r.action} ${r.protocols} src ${r.sources.join(',')} sport ${r.sourcePorts} dport ${r.destinationPorts} -> ${r.translation?.text ?? '-'} @${r.line}`)).toEqual([
      'allow udp src 0.0.0.0/0 sport 6 dport all -> - @32',
      'allow tcp,udp src  sport 80 dport 100-200 -> - @17',
      'dnat all src 2.2.2.0/24 sport all dport all -> 50.50.50.50-50.50.50.60 @23',
      'dnat all src 3.3.3.0/24 sport all dport all -> 10.10.10.10/24 @27',
      'allow tcp,udp src 0.0.0.0/0 sport 5 dport all -> - @13',
    ]);
    expect(codes(result)).toEqual([
      { code: 'unresolved-reference', line: 19 }, { code: 'unresolved-reference', line: 20 }, { code: 'unresolved-reference', line: 24 },
    ]);
  });
});
