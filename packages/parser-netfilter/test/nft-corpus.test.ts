import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { formatPorts, splitLines, type Device } from '@portcullis/model';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { expectAccounted, protocolsText, view } from './helpers.js';
import { CORPUS, comparable, device, parseNftFile, scanText } from './nft-helpers.js';

/*
 * nftables rulesets other people wrote (../shared/corpus/netfilter, beside the checkout). Each loads
 * without an error, accounts for every line, and yields the counts pinned here.
 */

const hasCorpus = existsSync(CORPUS);

interface CorpusCase {
  file: string;
  /** recognised / ignored / reported */
  lines: [number, number, number];
  /** Diagnostics whose code says unrecognised or unsupported (what check-corpus counts). */
  unrecognised: number;
  rules: number;
  forwards: number;
  externalInterfaces: string[];
  family: Device['family'];
  pipeline: Device['pipeline'];
}

const natAddrPortPipeline = { prerouting: [], dnat: ['ip ipfoo/c', 'ip6 ip6foo/c', 'inet inetfoo/c'], input: [], forward: [] };

const cases: CorpusCase[] = [
  // 30 rules, and one rule per ip/ip6 chain that lets the other family by (the device has both).
  { file: 'nft-nat-addr-port.nft', lines: [109, 20, 0], unrecognised: 0, rules: 33, forwards: 28, externalInterfaces: [], family: 'mixed', pipeline: natAddrPortPipeline },
  { file: 'nft-nat-addr-port.nft.json', lines: [1415, 4, 0], unrecognised: 0, rules: 33, forwards: 28, externalInterfaces: [], family: 'mixed', pipeline: natAddrPortPipeline },
  {
    file: 'nft-old-syntax.nft', lines: [45, 6, 0], unrecognised: 0, rules: 23, forwards: 2, externalInterfaces: ['eth0'], family: 'ipv4',
    pipeline: { prerouting: [], dnat: ['ip nat/pre'], input: ['ip filter/input'], forward: ['ip filter/forward'] },
  },
  {
    file: 'nft-sample-ruleset.nft', lines: [207, 32, 0], unrecognised: 0, rules: 119, forwards: 0, externalInterfaces: ['eth0'], family: 'mixed',
    pipeline: { prerouting: ['inet filter/PREROUTING_RAW', 'inet filter/PREROUTING_MANGLE'], dnat: [], input: ['inet filter/INPUT'], forward: ['inet filter/FORWARD_MANGLE', 'inet filter/FORWARD'] },
  },
];

/** A device in comparable terms: every ruleset and rule without its lines, every forward. */
function modelView(d: Device): unknown {
  return {
    name: d.name,
    family: d.family,
    pipeline: d.pipeline,
    externalInterfaces: d.externalInterfaces,
    rulesets: Object.values(d.rulesets).map((rs) => ({
      name: rs.name, builtin: rs.builtin, defaultAction: rs.defaultAction,
      // A JSON listing has no text of its own: the rules are compared by what they match and do.
      rules: rs.rules.map((r) => ({ ...view(r), text: undefined })),
    })),
    forwards: d.forwards.map((f) => ({
      ruleId: f.ruleId, protocols: protocolsText(f.protocols), ports: formatPorts(f.externalPorts), sources: f.sources.toCidrs(),
      to: f.internalAddresses?.toCidrs(), toPorts: f.internalPorts && formatPorts(f.internalPorts), via: f.inInterface, enabled: f.enabled,
    })),
  };
}

describeIf(hasCorpus, NO_CORPUS)('corpus: nftables', () => {
  it('has a case for every nftables file', () => {
    const files = readdirSync(CORPUS).filter((f) => /\.nft(\.json)?$/.test(f)).sort();
    expect(cases.map((c) => c.file)).toEqual(files);
  });

  for (const c of cases) {
    it(c.file, () => {
      const result = parseNftFile(CORPUS + c.file);
      const d = device(result);
      expect(result.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
      expectAccounted(result, splitLines(readFileSync(CORPUS + c.file, 'utf8')).length);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(result.diagnostics.filter((x) => /unrecogni[sz]ed|unsupported/.test(x.code))).toHaveLength(c.unrecognised);
      expect(Object.values(d.rulesets).reduce((n, r) => n + r.rules.length, 0)).toBe(c.rules);
      expect(d.forwards).toHaveLength(c.forwards);
      expect(d.externalInterfaces).toEqual(c.externalInterfaces);
      expect(d.family).toBe(c.family);
      expect(d.pipeline).toEqual(c.pipeline);
    });
  }

  it('the text and JSON listings of one ruleset give the same model and the same findings', () => {
    const text = parseNftFile(CORPUS + 'nft-nat-addr-port.nft');
    const json = parseNftFile(CORPUS + 'nft-nat-addr-port.nft.json');
    expect(device(json).format).toBe('nftables-json');
    expect(modelView(device(json))).toEqual(modelView(device(text)));
    const scannedText = scanText('nft-nat-addr-port.nft', readFileSync(CORPUS + 'nft-nat-addr-port.nft', 'utf8'));
    const scannedJson = scanText('nft-nat-addr-port.nft.json', readFileSync(CORPUS + 'nft-nat-addr-port.nft.json', 'utf8'));
    expect(scannedJson.files.map((f) => f.format)).toEqual(['nftables-json']);
    expect(comparable(scannedJson)).toEqual(comparable(scannedText));
    expect(scannedText.findings.length).toBeGreaterThan(0);
  });

  it('listed as one line, as `nft -j` prints it, the JSON gives the same findings as the text listing', () => {
    const oneLine = JSON.stringify(JSON.parse(readFileSync(CORPUS + 'nft-nat-addr-port.nft.json', 'utf8')));
    const scannedText = scanText('nft-nat-addr-port.nft', readFileSync(CORPUS + 'nft-nat-addr-port.nft', 'utf8'));
    const scannedJson = scanText('nft-nat-addr-port.nft.json', oneLine);
    expect(splitLines(oneLine)).toHaveLength(1);
    expect(comparable(scannedJson)).toEqual(comparable(scannedText));
  });

  it('nft-nat-addr-port: every dnat form, and maps listed empty stay symbolic', () => {
    const d = device(parseNftFile(CORPUS + 'nft-nat-addr-port.nft'));
    const forwards = d.forwards.filter((f) => f.ruleId?.startsWith('ip ipfoo/c#')).map((f) => ({
      ruleId: f.ruleId, ports: formatPorts(f.externalPorts), sources: f.sources.toCidrs(), to: f.internalAddresses?.toCidrs(), toPorts: f.internalPorts && formatPorts(f.internalPorts),
    }));
    expect(forwards).toEqual([
      // `dnat to ip daddr map @x`: @x is empty in the listing, so anywhere (IPv4: an ip table).
      { ruleId: 'ip ipfoo/c#2', ports: 'all', sources: ['0.0.0.0/0'], to: ['0.0.0.0/0'], toPorts: 'all' },
      { ruleId: 'ip ipfoo/c#3', ports: 'all', sources: ['10.1.1.1/32'], to: ['10.2.3.4/32'], toPorts: 'all' },
      { ruleId: 'ip ipfoo/c#4', ports: '42', sources: ['10.1.1.2/32'], to: ['10.2.3.4/32'], toPorts: '4242' },
      // `dnat ip to ip saddr map @y` with one element: one rule for it.
      { ruleId: 'ip ipfoo/c#5', ports: 'all', sources: ['192.168.7.2/32'], to: ['10.1.1.1/32'], toPorts: '4242' },
      { ruleId: 'ip ipfoo/c#6', ports: '42', sources: ['192.168.7.2/32'], to: ['10.1.1.1/32'], toPorts: '4242' },
      { ruleId: 'ip ipfoo/c#7', ports: 'all', sources: ['0.0.0.0/0'], to: ['0.0.0.0/0'], toPorts: 'all' },
      { ruleId: 'ip ipfoo/c#8', ports: 'all', sources: ['0.0.0.0/0'], to: ['0.0.0.0/0'], toPorts: 'all' },
    ]);
    expect(d.rulesets['ip ipfoo/c']!.rules[0]!.id).toBe('ip ipfoo/c#other-family');
    expect(d.rulesets['ip ipfoo/c']!.rules[2]).toMatchObject({ exact: false, symbolic: ['map:x'] });
  });

  it('nft-old-syntax: the pre-1.0 dnat and snat without `to`', () => {
    const d = device(parseNftFile(CORPUS + 'nft-old-syntax.nft'));
    expect(d.forwards.map((f) => [f.origin.line, formatPorts(f.externalPorts), f.internalAddresses?.toCidrs(), f.inInterface?.names])).toEqual([
      [10, '5050,8080', ['10.13.37.100/32'], ['eth0']],
      [11, '5900', ['10.13.37.100/32'], ['eth0']],
    ]);
    expect(d.rulesets['ip nat/post']!.rules.map((r) => r.action)).toEqual(['snat']);
    expect(d.rulesets['ip filter/input']).toMatchObject({ builtin: true, defaultAction: 'allow' });
  });

  it('nft-sample-ruleset: verdict maps become one rule per element; anonymous chains their own rulesets', () => {
    const d = device(parseNftFile(CORPUS + 'nft-sample-ruleset.nft'));
    expect(d.rulesets['inet filter/INPUT']!.rules.map((r) => [r.action, r.target ?? '', r.inInterface?.names.join(',') ?? ''])).toEqual([
      ['allow', '', 'lo'],
      ['allow', '', ''],
      ['jump', 'inet filter/public_input', 'eth0'],
      ['jump', 'inet filter/home_input', 'eth1'],
      ['jump', 'inet filter/home_input', 'eth2.10'],
      ['jump', 'inet filter/home_input', 'eth2.20'],
      ['reject', '', ''],
    ]);
    expect(Object.keys(d.rulesets).filter((n) => n.includes('{'))).toEqual([
      'inet filter/PREROUTING_RAW{2}', 'inet filter/home_input{9}', 'inet filter/FORWARD_MANGLE{1}',
      'inet filter/public_forward{1}', 'inet filter/trusted_forward{7}', 'inet filter/voip_forward{2}',
    ]);
    expect(d.rulesets['inet filter/trusted_forward']!.rules.slice(3, 6).map((r) => [r.action, formatPorts(r.destinationPorts), r.destinations.toCidrs()])).toEqual([
      ['allow', '22', ['192.168.3.30/32', '192.168.4.40/32']],
      ['deny', '80', ['192.168.3.30/32', '192.168.4.40/32']],
      ['allow', '443', ['192.168.3.30/32', '192.168.4.40/32']],
    ]);
  });
});
