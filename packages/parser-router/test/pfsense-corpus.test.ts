import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { SPECIAL_RANGES, splitLines } from '@portcullis/model';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { CORPUS, device, expectAccounted, forwardView, parseText, rules, type Vendor } from './pfsense-helpers.js';

/*
 * pfSense and OPNsense configurations other people wrote (../shared/corpus/router/{pfsense,opnsense},
 * beside the checkout). Each loads without an error and accounts for every line; the numbers of lines
 * recognised, ignored and reported, and of diagnostics saying a line was not understood, are pinned.
 */

interface CorpusCase {
  vendor: Vendor;
  file: string;
  /** recognised / ignored / reported, as recorded */
  lines: [number, number, number];
  /** Diagnostics whose code says unrecognised or unsupported: exactly this many. */
  unrecognised: number;
  forwards: number;
  externalInterfaces: string[];
  family: string;
}

const cases: CorpusCase[] = [
  { vendor: 'pfsense', file: 'nat-port-forward.config.xml', lines: [752, 1641, 0], unrecognised: 0, forwards: 3, externalInterfaces: ['wan'], family: 'mixed' },
  { vendor: 'opnsense', file: 'factory-default.config.xml', lines: [66, 109, 0], unrecognised: 0, forwards: 0, externalInterfaces: ['wan'], family: 'mixed' },
];

const read = (c: CorpusCase): string => readFileSync(`${CORPUS}${c.vendor}/${c.file}`, 'utf8');

describeIf(existsSync(CORPUS), NO_CORPUS)('corpus: pfsense and opnsense', () => {
  it('has a case for every file', () => {
    for (const vendor of ['pfsense', 'opnsense'] as const) {
      expect(cases.filter((c) => c.vendor === vendor).map((c) => c.file)).toEqual(readdirSync(`${CORPUS}${vendor}`).sort());
    }
  });

  for (const c of cases) {
    it(`${c.vendor}/${c.file}`, () => {
      const text = read(c);
      const result = parseText(text, c.vendor, c.file);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expectAccounted(result, splitLines(text).length);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(result.diagnostics.filter((d) => /unrecogni[sz]ed|unsupported/.test(d.code))).toHaveLength(c.unrecognised);
      const d = device(result);
      expect(d.forwards).toHaveLength(c.forwards);
      expect(d.externalInterfaces).toEqual(c.externalInterfaces);
      expect(d.family).toBe(c.family);
    });
  }

  it('pfsense nat-port-forward: three forwards of one port, the first takes them all; rules per interface', () => {
    const c = cases[0]!;
    const d = device(parseText(read(c), c.vendor, c.file));
    expect(d.forwards.map(forwardView)).toEqual([
      'tcp 192.168.240.137/32:22022 -> 10.255.1.20/32:22 via wan @263',
      'tcp 192.168.240.137/32:22022 -> 10.255.1.20/32:22 via wan @287',
      'tcp 192.168.240.137/32:22022 -> 10.255.1.20/32:22 via wan @311',
    ]);
    // The forward with `pass` is taken entirely by the one before it: it passes nothing itself.
    expect(rules(d, 'filter').filter((r) => r.action === 'allow' && r.line === 287)).toEqual([]);
    // The WAN address is private (a lab behind another router): nothing for `not-self` to take.
    expect(Object.keys(d.rulesets).sort()).toEqual(['filter', 'floating:out', 'interfaces:disabled', 'nat', 'rules:lan', 'rules:opt1', 'rules:opt2', 'rules:opt3', 'rules:wan', 'to-self']);
    // `test_lan_100_1` is disabled; `not_rule_dst` passes SSH to anything but srv_admin.
    expect(rules(d, 'rules:opt3').map((r) => r.enabled).slice(0, 2)).toEqual([false, true]);
    expect(rules(d, 'rules:lan').find((r) => r.line === 666)).toMatchObject({ destinations: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/9', '192.128.0.0/11', '192.160.0.0/13', '192.168.0.0/24', '192.168.1.0/25', '192.168.1.128/27', '192.168.1.160/30', '192.168.1.164/32', '192.168.1.166/31', '192.168.1.168/29', '192.168.1.176/28', '192.168.1.192/26', '192.168.2.0/23', '192.168.4.0/22', '192.168.8.0/21', '192.168.16.0/20', '192.168.32.0/19', '192.168.64.0/18', '192.168.128.0/17', '192.169.0.0/16', '192.170.0.0/15', '192.172.0.0/14', '192.176.0.0/12', '192.192.0.0/10', '193.0.0.0/8', '194.0.0.0/7', '196.0.0.0/6', '200.0.0.0/5', '208.0.0.0/4', '224.0.0.0/3'], destinationPorts: '22' });
  });

  it('opnsense factory default: its own LAN rules, the WAN blocking private and bogon sources', () => {
    const c = cases[1]!;
    const d = device(parseText(read(c), c.vendor, c.file));
    expect(rules(d, 'rules:lan').map((r) => `${r.action} ${r.sources.join(',')} -> ${r.destinations.join(',')}`)).toEqual([
      'allow 192.168.1.0/24 -> 0.0.0.0/0',
      // The LAN's IPv6 prefix is delegated by the provider (`idassoc6`): some public IPv6 network.
      `allow ${SPECIAL_RANGES.publicIpv6.toCidrs().join(',')} -> ::/0`,
    ]);
    expect(rules(d, 'filter').filter((r) => r.action === 'deny').map((r) => `${r.inInterface} ${r.line}`)).toEqual(['wan 58', 'wan 57', 'wan 57']);
  });
});
