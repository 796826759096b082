import { describe, expect, it } from 'vitest';
import {
  IOS_FIXTURES,
  codes,
  device,
  expectAccounted,
  forwardView,
  lineCount,
  parseFixture,
  parseText,
  pick,
  rulesAt,
  view,
  type RuleView,
} from './cisco-helpers.js';

/*
 * Cisco IOS, parser level: each fixture's converted model (rules by line, forwards, pipeline) and
 * its diagnostics by code and line.
 */

interface RuleCase {
  line: number;
  /** The fields this case is about; the others are not compared. */
  expected: Partial<RuleView>;
}

const ANY = ['0.0.0.0/0'];

function expectRules(file: string, cases: RuleCase[]): void {
  const result = parseFixture('ios', IOS_FIXTURES + file);
  for (const c of cases) {
    const rules = rulesAt(result, c.line).filter((r) => r.id.startsWith('acl'));
    expect(rules, `line ${c.line}`).toHaveLength(1);
    expect(pick(view(rules[0]!), Object.keys(c.expected)), `line ${c.line}`).toEqual(c.expected);
  }
}

describe('cisco-ios: extended ACLs (acl-extended)', () => {
  const file = 'acl-extended.cfg';
  const cases: RuleCase[] = [
    { line: 5, expected: { id: 'acl:EDGE_IN#1', action: 'allow', protocols: 'tcp', sources: ANY, destinations: ['203.0.113.10/32'], destinationPorts: '80', description: 'web servers' } },
    { line: 6, expected: { destinationPorts: '443', exact: true } },
    { line: 7, expected: { sources: ['198.51.100.0/24'], destinations: ['203.0.113.0/24'], destinationPorts: '8000-8080' } },
    { line: 8, expected: { protocols: 'udp', destinationPorts: '139' } },
    { line: 9, expected: { protocols: 'tcp', destinationPorts: '23,25' } },
    { line: 10, expected: { action: 'allow', matchesNew: false } },
    { line: 11, expected: { action: 'deny', destinationPorts: '0-21,23-65535' } },
    { line: 12, expected: { sourcePorts: '1024-65535', destinationPorts: '0-1023' } },
    { line: 13, expected: { protocols: 'icmp', exact: false } },
    { line: 14, expected: { protocols: 'gre', destinations: ['203.0.113.1/32'] } },
    { line: 15, expected: { protocols: 'esp' } },
    { line: 16, expected: { action: 'deny', protocols: 'all', matchesNew: false } },
    { line: 17, expected: { destinationPorts: '22', exact: false } },
    { line: 18, expected: { id: 'acl:EDGE_IN#14', action: 'deny', protocols: 'all', exact: true } },
    { line: 21, expected: { id: 'acl:101#1', sources: ['192.0.2.1/32'], destinations: ['203.0.113.5/32'], destinationPorts: '179', description: 'numbered extended list' } },
    { line: 22, expected: { protocols: 'udp', sourcePorts: '53', destinationPorts: 'all' } },
    { line: 23, expected: { action: 'deny', protocols: 'all' } },
  ];
  it('reads every entry', () => expectRules(file, cases));

  it('keeps each list as a ruleset whose default is the implicit deny', () => {
    const result = parseFixture('ios', IOS_FIXTURES + file);
    expectAccounted(result, lineCount(IOS_FIXTURES + file));
    expect(codes(result)).toEqual([]);
    const d = device(result);
    expect(d).toMatchObject({ name: 'acl-extended', vendor: 'cisco-ios', format: 'cisco-ios', family: 'ipv4' });
    expect(pick(d.rulesets['acl:EDGE_IN']!, ['defaultAction', 'semantics'])).toEqual({ defaultAction: 'deny', semantics: 'first-match' });
    expect(d.rulesets['acl:EDGE_IN']!.rules).toHaveLength(14);
    expect(d.rulesets['acl:101']!.rules).toHaveLength(3);
  });
});

describe('cisco-ios: standard ACLs (acl-standard)', () => {
  it('reads numbered and named standard lists: sources only', () =>
    expectRules('acl-standard.cfg', [
      { line: 4, expected: { id: 'acl:10#1', protocols: 'all', sources: ['192.0.2.10/32'], destinations: ANY, description: 'management stations' } },
      { line: 5, expected: { sources: ['192.0.2.11/32'] } },
      { line: 6, expected: { sources: ['198.51.100.0/24'] } },
      { line: 7, expected: { action: 'deny', sources: ANY } },
      { line: 8, expected: { id: 'acl:1300#1', sources: ['10.0.0.0/8'] } },
      { line: 11, expected: { id: 'acl:MGMT#1', sources: ['192.0.2.0/28'] } },
      { line: 12, expected: { id: 'acl:MGMT#2', action: 'deny' } },
      { line: 15, expected: { id: 'acl:20#1', sources: ['203.0.113.7/32'] } },
    ]));
});

describe('cisco-ios: wildcard masks (acl-wildcard-noncontiguous)', () => {
  const file = 'acl-wildcard-noncontiguous.cfg';
  it('expands contiguous and non-contiguous wildcards exactly', () =>
    expectRules(file, [
      { line: 4, expected: { sources: ['10.1.0.0/24', '10.1.16.0/24'], exact: true } },
      { line: 6, expected: { sources: ['10.3.0.0/32'], exact: true } },
      { line: 8, expected: { sources: ['10.4.1.0/24'], exact: true } },
    ]));

  it('0.0.255.0 matches the 256 addresses x.x.N.1', () => {
    const rule = rulesAt(parseFixture('ios', IOS_FIXTURES + file), 5)[0]!;
    expect(rule.sources.toCidrs()).toHaveLength(256);
    expect(rule.sources.intervals.has(0x0a020701n)).toBe(true); // 10.2.7.1
    expect(rule.sources.intervals.has(0x0a020702n)).toBe(false); // 10.2.7.2
    expect(rule.exact).toBe(true);
  });

  it('a mask too scattered to expand is read as its range, inexact, and said so', () => {
    const result = parseFixture('ios', IOS_FIXTURES + file);
    const rule = rulesAt(result, 7)[0]!;
    expect(rule.exact).toBe(false);
    expect(rule.sources.intervals.has(0x00000003n)).toBe(true);
    expect(codes(result)).toEqual([{ code: 'inexact-mask', line: 7 }]);
  });
});

describe('cisco-ios: object groups (object-groups)', () => {
  const file = 'object-groups.cfg';
  const web = ['203.0.113.10/32', '203.0.113.16/28', '203.0.113.40/30', '203.0.113.44/31'];
  it('a service group is one rule per protocol and source ports, in order', () => {
    const result = parseFixture('ios', IOS_FIXTURES + file);
    expect(rulesAt(result, 24).map((r) => pick(view(r), ['protocols', 'destinations', 'destinationPorts']))).toEqual([
      { protocols: 'tcp', destinations: web, destinationPorts: '80,443' },
      { protocols: 'udp', destinations: web, destinationPorts: '443' },
    ]);
    expect(rulesAt(result, 25).map((r) => view(r).destinations)).toEqual([[...web, '203.0.113.99/32']]);
    expect(rulesAt(result, 26).map((r) => pick(view(r), ['protocols', 'sourcePorts', 'destinationPorts', 'exact']))).toEqual([
      { protocols: 'tcp', sourcePorts: '1024-65535', destinationPorts: '22', exact: true },
      { protocols: 'tcp', sourcePorts: 'all', destinationPorts: '80,443', exact: true },
      { protocols: 'udp', sourcePorts: 'all', destinationPorts: '443', exact: true },
      { protocols: 'icmp', sourcePorts: 'all', destinationPorts: 'all', exact: false },
    ]);
  });

  it('an undefined group is reported and may match anything', () => {
    const result = parseFixture('ios', IOS_FIXTURES + file);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: 27 }]);
    expect(pick(view(rulesAt(result, 27)[0]!), ['destinations', 'exact', 'symbolic'])).toEqual({ destinations: ANY, exact: false, symbolic: ['object-group:MISSING'] });
    expectAccounted(result, lineCount(IOS_FIXTURES + file));
  });
});

describe('cisco-ios: interfaces (interfaces)', () => {
  const result = parseFixture('ios', IOS_FIXTURES + 'interfaces.cfg');
  const d = device(result);
  const rows = (name: string): string[] =>
    d.rulesets[name]!.rules.map((r) => `${r.action}${r.target ? ` ${r.target}` : ''} ${r.inInterface?.names.join(',') ?? r.destinations.toCidrs().join(',')} @${r.origin.line}`);

  it('outside interfaces are the `ip nat outside` ones that are up', () => {
    expect(d.externalInterfaces).toEqual(['GigabitEthernet0/0', 'Dialer1']);
    expect(d.pipeline).toEqual({ prerouting: ['inbound'], dnat: [], input: [], forward: ['outbound', 'routed'] });
    expect(codes(result)).toEqual([]);
  });

  it('inbound: the ACL, a deny when shut down, a default-accept ruleset for an outside interface without one, one allow for the rest', () => {
    const expected = [
      'goto acl:OUTSIDE_IN GigabitEthernet0/0 @6',
      'deny GigabitEthernet0/2 @16',
      'goto interface:Dialer1 Dialer1 @20',
      'allow GigabitEthernet0/1,Vlan10 @10',
    ];
    expect(rows('inbound')).toEqual(expected);
    expect(rows('routed')).toEqual(expected);
    expect(pick(d.rulesets['interface:Dialer1']!, ['defaultAction', 'rules'])).toEqual({ defaultAction: 'allow', rules: [] });
    expect(d.rulesets['interface:Dialer1']!.origin.line).toBe(20);
  });

  it('outbound ACLs are placed on the destinations the route table sends out of their interface', () => {
    expect(rows('outbound')).toEqual([
      'return 203.0.113.0/30 @5',
      'goto acl:LAN_OUT 192.168.1.0/24 @14',
      'goto acl:LAN_OUT 192.168.2.0/24 @14',
      'return 10.10.10.0/24 @25',
      'return 10.20.0.0/16 @28',
      'return 0.0.0.0/0 @27',
    ]);
  });
});

describe('cisco-ios: static NAT (nat-static)', () => {
  const file = 'nat-static.cfg';
  const result = parseFixture('ios', IOS_FIXTURES + file);
  const d = device(result);
  const both = ['GigabitEthernet0/0', 'Dialer0'];

  it('each static translation is a forward from the outside interfaces', () => {
    expect(d.forwards.map(forwardView)).toEqual([
      { line: 15, protocols: 'tcp', external: '203.0.113.10/32:8080', internal: '192.168.1.10/32:80', via: both, enabled: true },
      { line: 16, protocols: 'udp', external: '203.0.113.2/32:1194', internal: '192.168.1.11/32:1194', via: both, enabled: true },
      { line: 17, protocols: 'tcp', external: '0.0.0.0/0:3389', internal: '192.168.1.12/32:3389', via: ['Dialer0'], enabled: true },
      { line: 18, protocols: 'all', external: '203.0.113.20/32:all', internal: '192.168.1.20/32:all', via: both, enabled: true },
      { line: 19, protocols: 'all', external: '203.0.113.64/27:all', internal: '192.168.1.64/27:all', via: both, enabled: true },
      { line: 20, protocols: 'all', external: '203.0.113.30/32:all', internal: '192.168.1.30/32:all', via: both, enabled: true },
    ]);
    expect(d.pipeline.dnat).toEqual(['nat']);
  });

  it('the DNAT rules translate; a route-map makes one conditional', () => {
    expect(pick(view(rulesAt(result, 15, 'nat')[0]!), ['action', 'translation', 'exact'])).toEqual({ action: 'dnat', translation: '192.168.1.10:80', exact: true });
    expect(pick(view(rulesAt(result, 20, 'nat')[0]!), ['exact', 'symbolic'])).toEqual({ exact: false, symbolic: ['route-map:ONLY_PARTNERS'] });
  });

  it('translated packets pass `routed` (the inbound ACL already saw them before NAT)', () => {
    expect(pick(view(rulesAt(result, 15, 'routed')[0]!), ['action', 'destinations', 'destinationPorts', 'inInterface'])).toEqual({
      action: 'allow', destinations: ['192.168.1.10/32'], destinationPorts: '80', inInterface: both,
    });
  });

  it('dynamic NAT, pools, outside source NAT and timeouts are read and open nothing', () => {
    expect(codes(result)).toEqual([]);
    expectAccounted(result, lineCount(IOS_FIXTURES + file));
    expect(result.lines.reported).toBe(0);
  });
});

describe('cisco-ios: static NAT problems (nat-static-warn)', () => {
  const file = 'nat-static-warn.cfg';
  const result = parseFixture('ios', IOS_FIXTURES + file);
  it('reports each problem at its line', () => {
    expect(codes(result)).toEqual([
      { code: 'nat-without-outside', line: 7 },
      { code: 'unresolved-reference', line: 7 },
      { code: 'invalid-value', line: 8 },
      { code: 'invalid-value', line: 9 },
      { code: 'unsupported-option', line: 10 },
      { code: 'unrecognised-line', line: 11 },
    ]);
    expectAccounted(result, lineCount(IOS_FIXTURES + file));
  });
  it('without an outside interface the translations are disabled forwards', () => {
    expect(device(result).forwards.map((f) => [f.origin.line, f.enabled])).toEqual([[7, false], [10, false]]);
  });
});

describe('cisco-ios: lines that are not understood (unrecognised-lines)', () => {
  const file = 'unrecognised-lines.cfg';
  const result = parseFixture('ios', IOS_FIXTURES + file);
  it('reports them by code and line, and keeps unreadable entries as may-match', () => {
    expect(codes(result)).toEqual([
      { code: 'unrecognised-line', line: 3 },
      { code: 'invalid-value', line: 6 },
      { code: 'invalid-value', line: 7 },
      { code: 'invalid-value', line: 8 },
      { code: 'unrecognised-line', line: 9 },
      { code: 'unsupported-option', line: 10 },
      { code: 'invalid-value', line: 11 },
      { code: 'invalid-value', line: 13 },
      { code: 'invalid-value', line: 14 },
      { code: 'invalid-value', line: 15 },
    ]);
    expectAccounted(result, lineCount(IOS_FIXTURES + file));
    expect(result.lines).toEqual({ total: 16, recognised: 4, ignored: 2, reported: 10 });
    expect(rulesAt(result, 6).map((r) => pick(view(r), ['destinationPorts', 'exact']))).toEqual([{ destinationPorts: 'all', exact: false }]);
    expect(rulesAt(result, 10).map((r) => pick(view(r), ['destinationPorts', 'exact']))).toEqual([{ destinationPorts: '22', exact: false }]);
  });
});

describe('cisco-ios: sections that decide nothing (ignored-sections)', () => {
  it('are ignored by section: routing, AAA, crypto and certificates, banners, lines, SNMP', () => {
    const file = 'ignored-sections.cfg';
    const result = parseFixture('ios', IOS_FIXTURES + file);
    expect(codes(result)).toEqual([]);
    expect(result.lines).toEqual({ total: 48, recognised: 2, ignored: 46, reported: 0 });
    expect(device(result).name).toBe('ignored-sections');
  });
});

describe('cisco-ios: comments and suppressions (comments-and-suppressions)', () => {
  it('reads `! portcullis-ignore` comments and `remark portcullis-ignore` in ACLs', () => {
    const result = parseFixture('ios', IOS_FIXTURES + 'comments-and-suppressions.cfg');
    expect(result.suppressions.map((s) => pick(s, ['rules', 'line', 'until', 'reason']))).toEqual([
      { rules: ['no-telnet'], line: 2, until: undefined, reason: 'lab switch, isolated' },
      { rules: ['no-public-ssh'], line: 7, until: '2030-01-01', reason: 'bastion, reviewed' },
      { rules: ['no-public-rdp'], line: 9, until: undefined, reason: undefined },
    ]);
    expect(view(rulesAt(result, 8)[0]!).description).toBe('portcullis-ignore no-public-ssh until 2030-01-01 -- bastion, reviewed');
  });
});

describe('cisco-ios: IPv6 (acl-ipv6)', () => {
  const result = parseFixture('ios', IOS_FIXTURES + 'acl-ipv6.cfg');
  const d = device(result);
  it('an IPv6 traffic filter is its own ruleset; `icmp` in it is ICMPv6', () => {
    expect(d.family).toBe('mixed');
    expect(rulesAt(result, 15).map((r) => pick(view(r), ['id', 'sources', 'destinations', 'destinationPorts']))).toEqual([
      { id: 'acl6:V6_IN#1', sources: ['::/0'], destinations: ['2001:db8:0:2::80/128'], destinationPorts: '80' },
    ]);
    expect(pick(view(rulesAt(result, 16)[0]!), ['protocols', 'exact'])).toEqual({ protocols: 'icmpv6', exact: false });
    expect(view(rulesAt(result, 13)[0]!).destinations).toEqual(['0.0.0.0/0']);
  });
  it('each family of an interface goes to its own list', () => {
    expect(d.rulesets['inbound']!.rules.map((r) => `${r.target ?? r.action} ${r.destinations.toCidrs().join(',')}`)).toEqual([
      'acl:V4_IN 0.0.0.0/0',
      'acl6:V6_IN ::/0',
      'allow 0.0.0.0/0,::/0',
    ]);
  });
});

describe('cisco-ios: never throws', () => {
  const cases: { name: string; text: string }[] = [
    { name: 'empty file', text: '' },
    { name: 'a lone indented line', text: '  permit ip any any\n' },
    { name: 'a banner that never ends', text: 'hostname x\nbanner motd ^C\nno end in sight\ninterface Gi0/0\n' },
    { name: 'a group that contains itself', text: 'object-group network A\n group-object B\nobject-group network B\n group-object A\nip access-list extended X\n permit ip object-group A any\n' },
    { name: 'keywords without values', text: 'interface\nip access-list extended\naccess-list\nip nat inside source static tcp\nip route\n' },
    { name: 'a very long line', text: `access-list 101 permit tcp any any eq ${'1 '.repeat(50_000)}\n` },
    { name: 'CRLF and a BOM', text: '\uFEFFhostname crlf\r\ninterface Gi0/0\r\n ip address 10.0.0.1 255.255.255.0\r\nend\r\n' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = parseText('ios', c.text);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.devices).toHaveLength(1);
      const { total, recognised, ignored, reported } = result.lines;
      expect(recognised + ignored + reported).toBe(total);
    });
  }
});
