import { readFileSync } from 'node:fs';
import { formatPorts, splitLines } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { FIXTURES, codes, device, expectAccounted, parseFile, parseLines, pick, protocolsText, rules } from './junos-helpers.js';

/*
 * Parser-level cases: each fixture's converted model (device, pipeline, rulesets, rules, forwards)
 * and its diagnostics by code and line.
 */

interface DeviceCase {
  file: string;
  name: string;
  pipeline: { prerouting: string[]; dnat: string[]; input: string[]; forward: string[] };
  externalInterfaces: string[];
  /** recognised / ignored / reported */
  lines: [number, number, number];
  diagnostics: { code: string; line: number }[];
}

const ZONES = { prerouting: [], dnat: ['nat:destination'], input: ['host-inbound-traffic'], forward: ['security-policies'] };

const devices: DeviceCase[] = [
  {
    file: 'estate-edge-srx.set.conf', name: 'edge-srx',
    pipeline: { prerouting: ['filters:input'], dnat: ['nat:destination'], input: ['filters:lo0', 'host-inbound-traffic'], forward: ['security-policies'] },
    externalInterfaces: ['ge-0/0/0.0'], lines: [90, 12, 0], diagnostics: [],
  },
  {
    file: 'estate-edge-srx.conf', name: 'edge-srx',
    pipeline: { prerouting: ['filters:input'], dnat: ['nat:destination'], input: ['filters:lo0', 'host-inbound-traffic'], forward: ['security-policies'] },
    externalInterfaces: ['ge-0/0/0.0'], lines: [307, 42, 0], diagnostics: [],
  },
  { file: 'nat-destination-rdp.set.conf', name: 'branch-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [15, 2, 0], diagnostics: [] },
  { file: 'nat-destination-rdp.conf', name: 'branch-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [77, 1, 0], diagnostics: [] },
  { file: 'default-policy-permit-all.set.conf', name: 'lab-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [14, 2, 0], diagnostics: [] },
  {
    file: 'firewall-filter-input.set.conf', name: 'filter-srx', pipeline: { ...ZONES, prerouting: ['filters:input'] },
    externalInterfaces: ['ge-0/0/0.0'], lines: [35, 3, 0], diagnostics: [],
  },
  {
    file: 'host-inbound-traffic.conf', name: 'edge-srx-2', pipeline: { ...ZONES, dnat: [] },
    externalInterfaces: ['ge-0/0/0.0', 'ge-0/0/3.0'], lines: [90, 1, 0], diagnostics: [],
  },
  {
    file: 'packet-mode-lo0-filter.conf', name: 'core-mx', pipeline: { prerouting: [], dnat: [], input: ['filters:lo0', 'system-services'], forward: [] },
    externalInterfaces: [], lines: [73, 11, 0], diagnostics: [{ code: 'unresolved-reference', line: 62 }],
  },
  {
    file: 'packet-mode-system-services.set.conf', name: 'edge-mx', pipeline: { prerouting: [], dnat: [], input: ['system-services'], forward: [] },
    externalInterfaces: [], lines: [5, 5, 0], diagnostics: [],
  },
  { file: 'zone-address-books.conf', name: 'books-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [130, 2, 0], diagnostics: [] },
  {
    file: 'applications-warn.set.conf', name: 'apps-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [26, 5, 0],
    diagnostics: [{ code: 'incomplete-application', line: 16 }, { code: 'unresolved-reference', line: 21 }, { code: 'unresolved-reference', line: 25 }],
  },
  {
    file: 'hierarchical-syntax.conf', name: 'syntax-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [92, 30, 0],
    diagnostics: [{ code: 'unsupported-groups', line: 14 }],
  },
  { file: 'suppressions.set.conf', name: 'quiet-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [15, 4, 0], diagnostics: [] },
  { file: 'deactivate.set.conf', name: 'inactive-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [19, 6, 0], diagnostics: [] },
  { file: 'nat-rule-set-context.set.conf', name: 'context-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [18, 2, 0], diagnostics: [] },
  { file: 'nat-destination-rdp-denied.set.conf', name: 'branch-srx', pipeline: ZONES, externalInterfaces: ['ge-0/0/0.0'], lines: [20, 2, 0], diagnostics: [] },
  {
    file: 'unrecognised-lines-warn.conf', name: 'warn-srx', pipeline: { ...ZONES, dnat: [] }, externalInterfaces: [], lines: [23, 11, 6],
    diagnostics: [
      { code: 'invalid-value', line: 8 }, { code: 'unrecognised-line', line: 13 }, { code: 'unrecognised-line', line: 14 },
      { code: 'unresolved-reference', line: 18 }, { code: 'incomplete-policy', line: 19 }, { code: 'unrecognised-line', line: 24 },
      { code: 'unrecognised-line', line: 27 }, { code: 'missing-semicolon', line: 35 }, { code: 'unbalanced-brace', line: 40 },
    ],
  },
  {
    file: 'unrecognised-lines-warn.set.conf', name: 'warn-srx', pipeline: { ...ZONES, dnat: [] }, externalInterfaces: [], lines: [2, 0, 7],
    diagnostics: [
      { code: 'invalid-value', line: 2 }, { code: 'unrecognised-line', line: 3 }, { code: 'unrecognised-line', line: 4 },
      { code: 'incomplete-policy', line: 4 }, { code: 'unresolved-reference', line: 4 }, { code: 'unrecognised-line', line: 5 },
      { code: 'invalid-value', line: 6 }, { code: 'unsupported-command', line: 8 }, { code: 'unrecognised-line', line: 9 },
    ],
  },
];

describe('junos fixtures: device, pipeline, accounting, diagnostics', () => {
  for (const c of devices) {
    it(c.file, () => {
      const result = parseFile(FIXTURES, c.file);
      const d = device(result);
      expect(pick(d, ['name', 'vendor', 'format', 'family'])).toEqual({ name: c.name, vendor: 'junos', format: 'junos', family: 'ipv4' });
      expect(d.pipeline).toEqual(c.pipeline);
      expect(d.externalInterfaces).toEqual(c.externalInterfaces);
      expectAccounted(result, splitLines(readFileSync(FIXTURES + c.file, 'utf8')).length);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(codes(result)).toEqual(c.diagnostics);
      expect(result.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    });
  }
});

describe('destination and static NAT', () => {
  it('pools translate address and port; static NAT comes first; each rule is a forward', () => {
    const d = device(parseFile(FIXTURES, 'estate-edge-srx.set.conf'));
    expect(rules(d, 'nat:destination').map((r) => pick(r, ['id', 'action', 'protocols', 'destinations', 'destinationPorts', 'inInterface', 'translation', 'line']))).toEqual([
      {
        id: 'nat:destination#1', action: 'dnat', protocols: 'all', destinations: ['203.0.113.5/32'], destinationPorts: 'all',
        inInterface: { names: ['ge-0/0/0.0'], negated: false }, translation: { addresses: ['172.16.20.5/32'], text: '172.16.20.5/32' }, line: 61,
      },
      {
        id: 'nat:destination#2', action: 'dnat', protocols: 'tcp,udp', destinations: ['203.0.113.3/32'], destinationPorts: '443',
        inInterface: { names: ['ge-0/0/0.0'], negated: false }, translation: { addresses: ['10.0.10.10/32'], ports: '8443', text: '10.0.10.10/32:8443' }, line: 54,
      },
      {
        id: 'nat:destination#3', action: 'dnat', protocols: 'tcp,udp', destinations: ['203.0.113.4/32'], destinationPorts: '3389',
        inInterface: { names: ['ge-0/0/0.0'], negated: false }, translation: { addresses: ['10.0.10.20/32'], ports: '3389', text: '10.0.10.20/32:3389' }, line: 57,
      },
    ]);
    expect(d.forwards.map((f) => ({ rule: f.ruleId, ports: formatPorts(f.externalPorts), to: f.internalAddresses?.toCidrs(), toPorts: f.internalPorts && formatPorts(f.internalPorts), line: f.origin.line, endLine: f.origin.endLine }))).toEqual([
      { rule: 'nat:destination#1', ports: 'all', to: ['172.16.20.5/32'], toPorts: 'all', line: 61, endLine: 62 },
      { rule: 'nat:destination#2', ports: '443', to: ['10.0.10.10/32'], toPorts: '8443', line: 54, endLine: 56 },
      { rule: 'nat:destination#3', ports: '3389', to: ['10.0.10.20/32'], toPorts: '3389', line: 57, endLine: 59 },
    ]);
  });

  it('the interface rule-set before the zone rule-set; `destination-nat off` keeps the packet as it is', () => {
    const d = device(parseFile(FIXTURES, 'nat-rule-set-context.set.conf'));
    expect(rules(d, 'nat:destination').map((r) => pick(r, ['action', 'destinationPorts', 'line']))).toEqual([
      { action: 'allow', destinationPorts: '3389', line: 13 },
      { action: 'dnat', destinationPorts: 'all', line: 10 },
    ]);
    expect(d.forwards.map((f) => f.origin.line)).toEqual([10]);
  });

  it('a deactivated rule is kept disabled, its forward too', () => {
    const d = device(parseFile(FIXTURES, 'deactivate.set.conf'));
    expect(rules(d, 'nat:destination').map((r) => [r.line, r.enabled])).toEqual([[10, false], [13, true]]);
    expect(d.forwards.map((f) => f.enabled)).toEqual([false, true]);
    // The deleted policy is gone; only ssh-only is left.
    expect(rules(d, 'policy:untrust>trust').map((r) => r.text)).toEqual([
      'from-zone untrust to-zone trust policy ssh-only: match source-address any destination-address any application junos-ssh; then permit',
    ]);
  });

  it('the corpus forms: pools with prefixes, ranges and ports, address names, routing instances', () => {
    const result = parseLines([
      'set security nat destination pool P1 address 10.10.10.10/24',
      'set security nat destination pool P5 address 50.50.50.50 to 50.50.50.60',
      'set security nat destination rule-set RI from routing-instance R',
      'set security nat destination rule-set RI rule A match source-port 5',
      'set security nat destination rule-set RI rule A match destination-address-name web',
      'set security nat destination rule-set RI rule A then destination-nat pool P5',
      'set security nat destination rule-set RI rule B match destination-port 100 to 200',
      'set security nat destination rule-set RI rule B match protocol udp',
      'set security nat destination rule-set RI rule B then destination-nat pool P1',
      'set security address-book global address web 192.0.2.80/32',
      'set routing-instances R interface ge-0/0/5.0',
      'set security zones security-zone z interfaces ge-0/0/5.0',
    ]);
    const d = device(result);
    expect(rules(d, 'nat:destination').map((r) => pick(r, ['protocols', 'destinations', 'sourcePorts', 'destinationPorts', 'inInterface', 'translation']))).toEqual([
      {
        protocols: 'tcp,udp', destinations: ['192.0.2.80/32'], sourcePorts: '5', destinationPorts: 'all',
        inInterface: { names: ['ge-0/0/5.0'], negated: false }, translation: { addresses: ['50.50.50.50/31', '50.50.50.52/30', '50.50.50.56/30', '50.50.50.60/32'], text: '50.50.50.50-50.50.50.60' },
      },
      {
        protocols: 'udp', destinations: ['0.0.0.0/0'], sourcePorts: 'all', destinationPorts: '100-200',
        inInterface: { names: ['ge-0/0/5.0'], negated: false }, translation: { addresses: ['10.10.10.0/24'], text: '10.10.10.10/24' },
      },
    ]);
    expect(d.externalInterfaces).toEqual(['ge-0/0/5.0']);
    expect(result.diagnostics).toEqual([]);
  });

  it('a pool that does not exist may send traffic anywhere, and says so', () => {
    const result = parseLines([
      'set security zones security-zone untrust interfaces ge-0/0/0.0',
      'set security nat destination rule-set in from zone untrust',
      'set security nat destination rule-set in rule r then destination-nat pool nowhere',
    ]);
    expect(rules(device(result), 'nat:destination').map((r) => pick(r, ['action', 'exact', 'translation']))).toEqual([
      { action: 'dnat', exact: false, translation: { addresses: ['0.0.0.0/0'], text: 'pool nowhere (not defined)' } },
    ]);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: 3 }]);
  });

  it('static NAT with a mapped port, and source NAT naming the outside zone', () => {
    const d = device(parseLines([
      'set security zones security-zone wan-side interfaces ge-0/0/0.0',
      'set security zones security-zone lan interfaces ge-0/0/1.0',
      'set security nat source rule-set out from zone lan',
      'set security nat source rule-set out to zone wan-side',
      'set security nat source rule-set out rule all match source-address 0.0.0.0/0',
      'set security nat source rule-set out rule all then source-nat interface',
      'set security nat static rule-set s from interface ge-0/0/0.0',
      'set security nat static rule-set s rule ssh match destination-address 192.0.2.7/32',
      'set security nat static rule-set s rule ssh match destination-port 2222',
      'set security nat static rule-set s rule ssh then static-nat prefix 10.1.1.7/32',
      'set security nat static rule-set s rule ssh then static-nat prefix mapped-port 22',
    ]));
    expect(d.externalInterfaces).toEqual(['ge-0/0/0.0']);
    expect(rules(d, 'nat:destination').map((r) => pick(r, ['protocols', 'destinationPorts', 'translation']))).toEqual([
      { protocols: 'tcp,udp', destinationPorts: '2222', translation: { addresses: ['10.1.1.7/32'], ports: '22', text: '10.1.1.7/32:22' } },
    ]);
  });
});

describe('security policies', () => {
  it('a dispatch by zone pair, then global policies, then the default policy', () => {
    const d = device(parseFile(FIXTURES, 'estate-edge-srx.set.conf'));
    expect(pick(d.rulesets['security-policies']!, ['defaultAction', 'builtin', 'origin'])).toEqual({
      defaultAction: 'deny', builtin: true, origin: { file: 'estate-edge-srx.set.conf', line: 95 },
    });
    expect(rules(d, 'security-policies').map((r) => pick(r, ['action', 'target', 'inInterface', 'outInterface']))).toEqual([
      { action: 'deny', target: undefined, inInterface: { names: ['ge-0/0/0.0', 'ge-0/0/1.0', 'ge-0/0/2.0'], negated: true }, outInterface: undefined },
      { action: 'deny', target: undefined, inInterface: undefined, outInterface: { names: ['ge-0/0/0.0', 'ge-0/0/1.0', 'ge-0/0/2.0'], negated: true } },
      { action: 'jump', target: 'policy:trust>untrust', inInterface: { names: ['ge-0/0/1.0'], negated: false }, outInterface: { names: ['ge-0/0/0.0'], negated: false } },
      { action: 'jump', target: 'policy:untrust>trust', inInterface: { names: ['ge-0/0/0.0'], negated: false }, outInterface: { names: ['ge-0/0/1.0'], negated: false } },
      { action: 'jump', target: 'policy:untrust>dmz', inInterface: { names: ['ge-0/0/0.0'], negated: false }, outInterface: { names: ['ge-0/0/2.0'], negated: false } },
      { action: 'jump', target: 'policy:global', inInterface: undefined, outInterface: undefined },
    ]);
    expect(pick(d.rulesets['policy:untrust>dmz']!, ['defaultAction', 'builtin'])).toEqual({ defaultAction: 'return', builtin: false });
  });

  it('one rule per application (ports an earlier one covers left out), addresses from the books', () => {
    const d = device(parseFile(FIXTURES, 'estate-edge-srx.set.conf'));
    expect(rules(d, 'policy:untrust>trust').map((r) => pick(r, ['action', 'protocols', 'destinations', 'destinationPorts', 'line']))).toEqual([
      { action: 'allow', protocols: 'tcp', destinations: ['10.0.10.10/31'], destinationPorts: '80', line: 68 },
      { action: 'allow', protocols: 'tcp', destinations: ['10.0.10.10/31'], destinationPorts: '443', line: 68 },
      { action: 'allow', protocols: 'tcp', destinations: ['10.0.10.10/31'], destinationPorts: '8443', line: 68 },
      { action: 'allow', protocols: 'tcp', destinations: ['10.0.10.20/32'], destinationPorts: '3389', line: 72 },
    ]);
    expect(rules(d, 'policy:untrust>dmz').map((r) => `${r.action} ${r.sources.join(',')} ${r.destinationPorts}`)).toEqual([
      'deny 0.0.0.0/0 1433', 'allow 192.0.2.128/25 1433', 'allow 192.0.2.128/25 22', 'allow 0.0.0.0/0 1433', 'allow 0.0.0.0/0 5900', 'allow 0.0.0.0/0 5901',
    ]);
    expect(rules(d, 'policy:global').map((r) => pick(r, ['action', 'protocols', 'destinationPorts', 'text']))).toEqual([
      { action: 'reject', protocols: 'tcp', destinationPorts: '23', text: 'global policy block-telnet: match source-address any destination-address any application junos-telnet; then reject' },
    ]);
  });

  it('zone books, attached books and the global book; nested sets; ranges; excluded addresses', () => {
    const d = device(parseFile(FIXTURES, 'zone-address-books.conf'));
    expect(rules(d, 'policy:untrust>trust').map((r) => pick(r, ['sources', 'destinations', 'destinationPorts']))).toEqual([
      { sources: ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'], destinations: ['10.60.0.5/32', '10.60.0.6/32'], destinationPorts: '1433' },
      { sources: ['198.51.100.0/24'], destinations: ['10.60.0.200/29', '10.60.0.208/31', '10.60.0.210/32'], destinationPorts: '22' },
      // The destination resolves in the to-zone's book (trust), not in untrust's DNS name.
      { sources: ['0.0.0.0/0'], destinations: ['10.60.0.7/32'], destinationPorts: '443' },
    ]);
  });

  it('global policies may name zones; unresolved addresses stay symbolic', () => {
    const result = parseLines([
      'set security zones security-zone untrust interfaces ge-0/0/0.0',
      'set security zones security-zone dmz interfaces ge-0/0/2.0',
      'set security policies global policy g match source-address any',
      'set security policies global policy g match destination-address nobody',
      'set security policies global policy g match application junos-ssh',
      'set security policies global policy g match from-zone untrust',
      'set security policies global policy g match to-zone dmz',
      'set security policies global policy g then permit',
    ]);
    expect(rules(device(result), 'policy:global').map((r) => pick(r, ['inInterface', 'outInterface', 'destinations', 'symbolic', 'exact']))).toEqual([
      { inInterface: { names: ['ge-0/0/0.0'], negated: false }, outInterface: { names: ['ge-0/0/2.0'], negated: false }, destinations: [], symbolic: ['address:nobody'], exact: false },
    ]);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: 4 }]);
  });

  it('predefined, custom and unknown applications', () => {
    const result = parseLines([
      'set applications application two-terms term a protocol udp destination-port 5000-5010',
      'set applications application two-terms term b protocol tcp destination-port ssh source-port 1024-65535',
      'set security zones security-zone a interfaces ge-0/0/0.0',
      'set security policies from-zone a to-zone a policy p match source-address any',
      'set security policies from-zone a to-zone a policy p match destination-address any',
      'set security policies from-zone a to-zone a policy p match application junos-vnc',
      'set security policies from-zone a to-zone a policy p match application two-terms',
      'set security policies from-zone a to-zone a policy p match application junos-nonexistent',
      'set security policies from-zone a to-zone a policy p match application junos-ping',
      'set security policies from-zone a to-zone a policy p then permit',
    ]);
    expect(rules(device(result), 'policy:a>a').map((r) => pick(r, ['protocols', 'destinationPorts', 'sourcePorts', 'exact', 'symbolic']))).toEqual([
      { protocols: 'tcp', destinationPorts: '5800,5900', sourcePorts: 'all', exact: true, symbolic: [] },
      { protocols: 'udp', destinationPorts: '5000-5010', sourcePorts: 'all', exact: true, symbolic: [] },
      { protocols: 'tcp', destinationPorts: '22', sourcePorts: '1024-65535', exact: true, symbolic: [] },
      { protocols: '', destinationPorts: 'all', sourcePorts: 'all', exact: false, symbolic: ['application:junos-nonexistent'] },
      { protocols: 'icmp', destinationPorts: 'all', sourcePorts: 'all', exact: false, symbolic: [] },
    ]);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: 8 }]);
  });

  it('`default-policy permit-all` is the dispatch default, at its line', () => {
    const d = device(parseFile(FIXTURES, 'default-policy-permit-all.set.conf'));
    expect(pick(d.rulesets['security-policies']!, ['defaultAction', 'origin'])).toEqual({ defaultAction: 'allow', origin: { file: 'default-policy-permit-all.set.conf', line: 16 } });
  });
});

describe('firewall filters', () => {
  it('terms in order; longest prefix wins with except; tcp-established opens nothing new; the implicit discard', () => {
    const d = device(parseFile(FIXTURES, 'firewall-filter-input.set.conf'));
    const terms = rules(d, 'filter:wan-in');
    expect(terms.map((r) => pick(r, ['action', 'protocols', 'destinationPorts', 'matchesNew', 'line']))).toEqual([
      { action: 'deny', protocols: 'tcp', destinationPorts: '3389', matchesNew: true, line: 9 },
      { action: 'reject', protocols: 'tcp', destinationPorts: '22', matchesNew: true, line: 12 },
      { action: 'allow', protocols: 'tcp', destinationPorts: 'all', matchesNew: false, line: 17 },
      { action: 'allow', protocols: 'all', destinationPorts: 'all', matchesNew: true, line: 20 },
    ]);
    const sources = d.rulesets['filter:wan-in']!.rules[1]!.sources;
    expect(sources.intervals.has(0xcb007141n)).toBe(false); // 203.0.113.65: the office
    expect(sources.intervals.has(0x01010101n)).toBe(true); // 1.1.1.1
    expect(rules(d, 'filters:input').map((r) => pick(r, ['action', 'target', 'inInterface', 'destinations']))).toEqual([
      { action: 'jump', target: 'filter:wan-in', inInterface: { names: ['ge-0/0/0.0'], negated: false }, destinations: ['0.0.0.0/0'] },
      { action: 'deny', target: undefined, inInterface: { names: ['ge-0/0/0.0'], negated: false }, destinations: ['0.0.0.0/0'] },
    ]);
  });

  it('prefix lists from apply-path stay symbolic; a loopback filter guards the device', () => {
    const d = device(parseFile(FIXTURES, 'packet-mode-lo0-filter.conf'));
    expect(rules(d, 'filter:protect-re').map((r) => pick(r, ['action', 'sources', 'destinationPorts', 'exact', 'symbolic']))).toEqual([
      { action: 'allow', sources: ['198.51.100.128/26'], destinationPorts: '22,8300', exact: true, symbolic: [] },
      { action: 'allow', sources: [], destinationPorts: 'all', exact: false, symbolic: ['prefix-list:bgp-peers'] },
      { action: 'deny', sources: ['0.0.0.0/0'], destinationPorts: 'all', exact: true, symbolic: [] },
    ]);
    expect(rules(d, 'filters:lo0').map((r) => pick(r, ['action', 'target', 'inInterface']))).toEqual([
      { action: 'jump', target: 'filter:protect-re', inInterface: undefined },
      { action: 'deny', target: undefined, inInterface: undefined },
    ]);
    expect(rules(d, 'system-services').map((r) => `${r.text} @${r.line}`)).toEqual([
      'system services ssh @8', 'system services telnet @11', 'system services netconf ssh port 8300 @12',
    ]);
  });

  it('output filters, filter lists, inet6, disabled interfaces, a missing filter', () => {
    const result = parseLines([
      'set interfaces ge-0/0/0 unit 0 family inet filter input-list [ first second ]',
      'set interfaces ge-0/0/0 unit 0 family inet6 filter input v6-in',
      'set interfaces ge-0/0/1 unit 0 family inet filter output to-lan',
      'set interfaces ge-0/0/2 disable',
      'set interfaces ge-0/0/3 unit 0 family inet filter input missing',
      'set firewall filter first term a from protocol icmp',
      'set firewall filter first term a then next term',
      'set firewall family inet filter second term b then accept',
      'set firewall family inet filter to-lan term c from destination-port 23',
      'set firewall family inet filter to-lan term c then reject',
      'set firewall family inet6 filter v6-in term d from source-address 2001:db8::/32',
      'set firewall family inet6 filter v6-in term d then discard',
      'set security zones security-zone a interfaces [ ge-0/0/0.0 ge-0/0/1.0 ge-0/0/2.0 ]',
    ]);
    const d = device(result);
    expect(d.family).toBe('mixed');
    expect(d.pipeline).toEqual({ prerouting: ['interfaces:disabled', 'filters:input'], dnat: [], input: ['host-inbound-traffic'], forward: ['filters:output', 'security-policies'] });
    expect(rules(d, 'filters:input').map((r) => `${r.action} ${r.target ?? ''} ${r.destinations.join(',')}`)).toEqual([
      'jump filter:first 0.0.0.0/0', 'jump filter:second 0.0.0.0/0', 'deny  0.0.0.0/0', 'jump filter6:v6-in ::/0', 'deny  ::/0',
    ]);
    expect(rules(d, 'filters:output').map((r) => pick(r, ['action', 'outInterface']))).toEqual([
      { action: 'jump', outInterface: { names: ['ge-0/0/1.0'], negated: false } },
      { action: 'deny', outInterface: { names: ['ge-0/0/1.0'], negated: false } },
    ]);
    expect(rules(d, 'filter:to-lan').map((r) => pick(r, ['protocols', 'destinationPorts']))).toEqual([{ protocols: 'tcp,udp,33,sctp,136', destinationPorts: '23' }]);
    expect(rules(d, 'filter:first').map((r) => r.action)).toEqual(['continue']);
    expect(rules(d, 'interfaces:disabled').map((r) => r.inInterface)).toEqual([{ names: ['ge-0/0/2.+'], negated: false }]);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: 5 }]);
  });
});

describe('the device itself', () => {
  it('host-inbound-traffic: an interface’s own list replaces its zone’s; except first; any-service; the management zone', () => {
    const d = device(parseFile(FIXTURES, 'host-inbound-traffic.conf'));
    expect(rules(d, 'host-inbound-traffic').map((r) => `${r.action} ${r.protocols} ${r.destinationPorts} ${r.inInterface?.names.join(',')} @${r.line}`)).toEqual([
      'allow tcp 22 ge-0/0/0.0 @42',
      'allow tcp 443 ge-0/0/0.0 @43',
      'allow icmp all ge-0/0/0.0 @44',
      'allow icmpv6 all ge-0/0/0.0 @44',
      'deny tcp 23 ge-0/0/3.0 @53',
      'deny tcp 21 ge-0/0/3.0 @56',
      'deny udp 161 ge-0/0/3.0 @59',
      'allow udp 7,53,67,69,123,161-162,500,547,3503,4500,5060,28672,33434-33523 ge-0/0/3.0 @52',
      'allow tcp 7,21-23,53,79-80,113,443,513-514,830,3220-3221,5060,8080,8443 ge-0/0/3.0 @52',
      'allow icmp all ge-0/0/3.0 @52',
      'allow icmpv6 all ge-0/0/3.0 @52',
      'allow tcp 179 ge-0/0/3.0 @64',
      'allow all all ge-0/0/1.0 @73',
      'allow tcp 23 fxp0.0 @86',
    ]);
    // The management zone passes no traffic through the device.
    expect(rules(d, 'security-policies')[0]!.inInterface).toEqual({ names: ['ge-0/0/0.0', 'ge-0/0/3.0', 'ge-0/0/1.0'], negated: true });
  });
});

describe('inactive statements and suppressions', () => {
  it('inactive: on a rule, an interface and a zone member', () => {
    const result = parseFile(FIXTURES, 'hierarchical-syntax.conf');
    const d = device(result);
    expect(rules(d, 'nat:destination').map((r) => [r.line, r.enabled])).toEqual([[60, true], [76, false]]);
    expect(rules(d, 'security-policies')[0]!.inInterface).toEqual({ names: ['ge-0/0/0.0', 'ge-0/0/1.0'], negated: true });
    expect(result.suppressions).toEqual([
      { rules: ['no-public-vnc'], reason: 'kiosk screen, view-only, rotated daily', line: 59, file: 'hierarchical-syntax.conf' },
    ]);
  });

  it('suppressions in # comments', () => {
    expect(parseFile(FIXTURES, 'suppressions.set.conf').suppressions).toEqual([
      { rules: ['no-public-ssh'], reason: 'bastion, keys only, fail2ban', line: 7, file: 'suppressions.set.conf' },
      { rules: ['no-public-rdp'], until: '2099-01-01', reason: 'jump host behind MFA gateway', line: 12, file: 'suppressions.set.conf' },
    ]);
  });

  it('a device is named after its host-name, else after its file', () => {
    expect(device(parseLines(['set interfaces ge-0/0/0 unit 0'], 'sites/oslo-fw.conf')).name).toBe('oslo-fw');
    expect(device(parseLines(['set system host-name fw1', 'set interfaces ge-0/0/0 unit 0'], 'x.conf')).name).toBe('fw1');
  });

  it('protocols are printed the way tests read them', () => {
    expect(protocolsText(device(parseFile(FIXTURES, 'estate-edge-srx.set.conf')).rulesets['filter:edge-in']!.rules[0]!.protocols)).toBe('tcp,udp');
  });
});
