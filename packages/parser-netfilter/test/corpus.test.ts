import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { formatPorts, splitLines } from '@portcullis/model';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { CORPUS, codes, device, expectAccounted, parseFile, pick, protocolsText, ruleAt, view } from './helpers.js';

/*
 * Configurations other people wrote (../shared/corpus, beside the checkout). Each parses without an
 * error, accounts for every line, and yields the rules and forwards counted by hand.
 */

const hasCorpus = existsSync(CORPUS);

interface CorpusCase {
  file: string;
  /** recognised / ignored / reported */
  lines: [number, number, number];
  /** `-A` lines in the file. */
  rules: number;
  forwards: number;
  externalInterfaces: string[];
}

const cases: CorpusCase[] = [
  { file: 'batfish-host2.iptables-save', lines: [19, 6, 0], rules: 2, forwards: 0, externalInterfaces: [] },
  { file: 'docker-host.iptables-save', lines: [49, 4, 0], rules: 36, forwards: 0, externalInterfaces: [] },
  { file: 'ferm-dsl-router.iptables-save', lines: [34, 4, 0], rules: 23, forwards: 0, externalInterfaces: ['ppp0'] },
  { file: 'ferm-webserver.iptables-save', lines: [13, 2, 0], rules: 8, forwards: 0, externalInterfaces: [] },
  { file: 'fwbuilder-edge-cases.iptables-save', lines: [169, 151, 0], rules: 151, forwards: 9, externalInterfaces: ['eth0', 'eth1', 'eth+', 'eth2'] },
  { file: 'home-router.iptables-save', lines: [18, 2, 0], rules: 11, forwards: 0, externalInterfaces: [] },
  { file: 'medium-company-mainfw.iptables-save', lines: [629, 10, 0], rules: 598, forwards: 1, externalInterfaces: ['ppp0'] },
  { file: 'openwrt-forum-wrapped.iptables-save', lines: [108, 8, 13], rules: 65, forwards: 6, externalInterfaces: ['eth0.2'] },
  { file: 'synology-nas.iptables-save', lines: [51, 2, 0], rules: 43, forwards: 0, externalInterfaces: [] },
  { file: 'ufw-server.iptables-save', lines: [106, 2, 0], rules: 70, forwards: 0, externalInterfaces: [] },
  { file: 'ugent.iptables-save', lines: [242, 4, 0], rules: 232, forwards: 0, externalInterfaces: [] },
];

describeIf(hasCorpus, NO_CORPUS)('corpus: netfilter', () => {
  it('has a case for every iptables-save file', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.iptables-save')).sort();
    expect(cases.map((c) => c.file)).toEqual(files);
  });

  for (const c of cases) {
    it(c.file, () => {
      const text = readFileSync(CORPUS + c.file, 'utf8');
      const result = parseFile(CORPUS, c.file);
      const d = device(result);
      expect(result.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
      expectAccounted(result, splitLines(text).length);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(Object.values(d.rulesets).reduce((n, r) => n + r.rules.length, 0)).toBe(c.rules);
      expect(d.forwards).toHaveLength(c.forwards);
      expect(d.externalInterfaces).toEqual(c.externalInterfaces);
      expect(d.family).toBe('ipv4');
    });
  }

  it('medium-company-mainfw: one DNAT, from ppp0, to 172.16.2.34', () => {
    const d = device(parseFile(CORPUS, 'medium-company-mainfw.iptables-save'));
    expect(d.forwards.map((f) => ({
      ruleId: f.ruleId, protocols: protocolsText(f.protocols), ports: formatPorts(f.externalPorts),
      to: f.internalAddresses?.toCidrs(), via: f.inInterface?.names, enabled: f.enabled,
    }))).toEqual([{ ruleId: 'nat/PREROUTING#1', protocols: 'tcp', ports: '4081', to: ['172.16.2.34/32'], via: ['ppp0'], enabled: true }]);
    // The accounting rules of FORWARD (no target) match and go on.
    expect(d.rulesets['filter/FORWARD']!.rules[0]).toMatchObject({ action: 'continue', exact: true });
  });

  it('openwrt-forum-wrapped: the shell prompt and the mid-word wraps are reported, the DNATs still read', () => {
    const result = parseFile(CORPUS, 'openwrt-forum-wrapped.iptables-save');
    // 9 lines mention DNAT: 6 DNAT targets and 3 `--ctstate DNAT` matches (3 more are wrapped as `DN AT`).
    const reportedLines = [...new Set(codes(result).filter((x) => x.code === 'unrecognised-line').map((x) => x.line))];
    expect(reportedLines).toEqual([1, 24, 25, 26, 27, 28, 29, 86, 88, 103, 118, 122, 123]);
    const d = device(result);
    const dnat = Object.values(d.rulesets).flatMap((r) => r.rules).filter((r) => r.action === 'dnat');
    expect(dnat.map((r) => [r.origin.line, r.translation?.text])).toEqual([
      [24, '192.168.1.1:22'], [25, '192.168.1.1:55555'], [26, '192.168.1.1:55555'],
      [27, '192.168.1.1:1194'], [28, '192.168.1.1:21'], [29, '192.168.1.1:21'],
    ]);
    // Nothing jumps to zone_wan_prerouting in this paste: its forwards are dead configuration.
    expect(d.forwards.map((f) => f.enabled)).toEqual([false, false, false, false, false, false]);
    // `--ctstate DNAT` lets the forwarded connections' first packets in.
    expect(pick(view(ruleAt(result, 119)), ['action', 'destinationPorts', 'matchesNew', 'exact'])).toEqual({ action: 'allow', destinationPorts: '55555', matchesNew: true, exact: false });
  });

  it('fwbuilder-edge-cases: old negation, undeclared chains, NAT targets', () => {
    const result = parseFile(CORPUS, 'fwbuilder-edge-cases.iptables-save');
    // Only the jumps to a chain that exists nowhere are warned about.
    expect(codes(result)).toEqual([{ code: 'unsupported-target', line: 34 }, { code: 'unsupported-target', line: 37 }]);
    expect(pick(view(ruleAt(result, 159)), ['action', 'exact'])).toEqual({ action: 'continue', exact: false });
    expect(ruleAt(result, 159).sources.intervals.has(0x808f0001n)).toBe(false); // 128.143.0.1 is excluded by `-s ! 128.143.0.0/16`
    expect(ruleAt(result, 159).sources.intervals.has(0x0a000001n)).toBe(true); // 10.0.0.1
    const d = device(result);
    expect(d.rulesets['filter/scan_checks_chain']!).toMatchObject({ builtin: false, origin: { line: 42 } });
    expect(view(ruleAt(result, 296)).action).toBe('snat'); // NETMAP in POSTROUTING
    expect(view(ruleAt(result, 314)).action).toBe('redirect');
    expect(view(ruleAt(result, 317)).action).toBe('dnat'); // nat OUTPUT: a rule, not a forward
    expect(d.forwards.map((f) => f.origin.line)).toEqual([298, 299, 300, 301, 302, 303, 305, 308, 314]);
  });

  it('ugent: dotted netmasks and old-style negated destinations', () => {
    const result = parseFile(CORPUS, 'ugent.iptables-save');
    expect(pick(view(ruleAt(result, 71)), ['action', 'sources', 'protocols'])).toEqual({ action: 'masquerade', sources: ['192.168.122.0/24'], protocols: 'tcp' });
    expect(ruleAt(result, 71).destinations.intervals.has(0xc0a87a01n)).toBe(false); // 192.168.122.1
    expect(view(ruleAt(result, 9)).sources).toEqual(['192.168.134.0/24']);
  });

  it('docker-host: negated addresses and interfaces, iprange, recent', () => {
    const result = parseFile(CORPUS, 'docker-host.iptables-save');
    const first = view(ruleAt(result, 22));
    expect(pick(first, ['destinations', 'inInterface', 'outInterface', 'matchesNew'])).toEqual({
      destinations: ['10.0.0.4/32'],
      inInterface: { names: ['br-b74b417b331f'], negated: true },
      outInterface: { names: ['br-b74b417b331f'], negated: false },
      matchesNew: false,
    });
    expect(ruleAt(result, 22).sources.intervals.has(0x0a000001n)).toBe(false);
    expect(ruleAt(result, 32).destinations.intervals.has(0x0a010203n)).toBe(false); // ! --dst-range 10.0.0.0-10.255.255.255
    expect(pick(view(ruleAt(result, 49)), ['action', 'exact'])).toEqual({ action: 'deny', exact: false });
  });

  it('ufw-server: ufw chains become rulesets', () => {
    const result = parseFile(CORPUS, 'ufw-server.iptables-save');
    const d = device(result);
    expect(d.rulesets['filter/ufw-user-input']!.rules.map((r) => formatPorts(r.destinationPorts))).toEqual([
      '22', '80', 'all', 'all', '60000-61000', '8832', '27562', '9340', '9341', 'all',
    ]);
    expect(d.rulesets['filter/INPUT']!.rules.map((r) => r.target)).toEqual([
      'filter/ufw-before-logging-input', 'filter/ufw-before-input', 'filter/ufw-after-input',
      'filter/ufw-after-logging-input', 'filter/ufw-reject-input', 'filter/ufw-track-input',
    ]);
  });
});
