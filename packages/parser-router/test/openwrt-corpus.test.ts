import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { detectOpenwrt } from '../src/openwrt/index.js';
import { CORPUS, codes, device, expectAccounted, lineCount, parseText, rules } from './openwrt-helpers.js';

/*
 * OpenWrt firewall configurations other people wrote (../shared/corpus/router/openwrt, beside the
 * checkout). Each is detected, loads without an error, accounts for every line, and keeps the line
 * counts and the number of unrecognised or unsupported lines recorded here.
 */

const hasCorpus = existsSync(CORPUS);

interface CorpusCase {
  file: string;
  /** recognised / ignored / reported */
  lines: [number, number, number];
  /** Diagnostics whose code says unrecognised or unsupported. */
  unrecognised: number;
  forwards: number;
  externalInterfaces: string[];
}

const cases: CorpusCase[] = [
  { file: 'firewall4-default.uci', lines: [103, 86, 0], unrecognised: 0, forwards: 0, externalInterfaces: ['wan', 'wan6'] },
];

describeIf(hasCorpus, NO_CORPUS)('corpus: openwrt', () => {
  it('has a case for every file', () => {
    expect(cases.map((c) => c.file)).toEqual(readdirSync(CORPUS).sort());
  });

  for (const c of cases) {
    it(c.file, () => {
      const text = readFileSync(CORPUS + c.file, 'utf8');
      expect(detectOpenwrt({ path: c.file, text })).toBeGreaterThanOrEqual(0.9);
      const result = parseText(text, c.file);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expectAccounted(result, lineCount(text));
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(result.diagnostics.filter((d) => /unrecogni[sz]ed|unsupported/.test(d.code))).toHaveLength(c.unrecognised);
      const d = device(result);
      expect(d.forwards).toHaveLength(c.forwards);
      expect(d.externalInterfaces).toEqual(c.externalInterfaces);
    });
  }

  it('firewall4-default: the WAN input rules of the stock configuration, and nothing to report', () => {
    const result = parseText(readFileSync(`${CORPUS}firewall4-default.uci`, 'utf8'), 'firewall4-default.uci');
    expect(codes(result)).toEqual([]);
    expect(rules(device(result), 'input:wan').map((r) => `${r.action} ${r.protocols} ${r.destinationPorts} ${r.destinations.join(',')} exact=${r.exact} @${r.line}`)).toEqual([
      'allow udp 68 0.0.0.0/0 exact=true @32',
      // ICMP with icmp_type: only some types, so the rule may match.
      'allow icmp all 0.0.0.0/0 exact=false @41',
      'allow 2 all 0.0.0.0/0 exact=true @49',
      'allow udp 546 ::/0 exact=true @58',
      'allow icmpv6 all ::/0 exact=false @66',
      'allow icmpv6 all ::/0 exact=false @79',
    ]);
    expect(rules(device(result), 'forward:wan').map((r) => `${r.action} ${r.protocols} ${r.destinationPorts} out=${r.outInterface?.names.join(',') ?? '*'} @${r.line}`)).toEqual([
      'allow icmpv6 all out=* @99',
      'allow esp all out=lan @115',
      'allow udp 500 out=lan @122',
      // The zone's forward policy (DROP) for what stays in the zone.
      'deny all all out=wan,wan6 @22',
    ]);
  });
});
