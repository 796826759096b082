import { describe, expect, it } from 'vitest';
import {
  ASA_FIXTURES,
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
 * Cisco ASA, parser level: each fixture's converted model (rules by line, forwards, the dispatch
 * by interface and security level) and its diagnostics by code and line.
 */

const ANY = ['0.0.0.0/0'];

describe('cisco-asa: access lists (acl-extended)', () => {
  const file = 'acl-extended.cfg';
  const result = parseFixture('asa', ASA_FIXTURES + file);
  const cases: { line: number; expected: Partial<RuleView>[] }[] = [
    { line: 24, expected: [{ protocols: 'tcp', destinations: ['192.168.1.80/32'], destinationPorts: '80,8000-8010', description: 'published services' }] },
    { line: 25, expected: [{ protocols: 'tcp', destinations: ['192.168.1.80/32'], destinationPorts: '443' }] },
    { line: 26, expected: [{ destinations: ['192.0.2.10/32'], destinationPorts: '25', exact: true }] },
    { line: 27, expected: [{ sources: ['198.51.100.0/24'], destinations: ['203.0.113.2/32'], destinationPorts: '22' }] },
    { line: 28, expected: [{ protocols: 'gre', sources: ANY }, { protocols: 'esp', sources: ANY }] },
    { line: 29, expected: [{ protocols: 'icmp', exact: false }] },
    { line: 30, expected: [{ destinationPorts: '23', enabled: false }] },
    { line: 31, expected: [{ protocols: 'udp', sourcePorts: '1024-65535', destinationPorts: '53', exact: true }] },
    { line: 32, expected: [{ action: 'deny', protocols: 'all' }] },
    { line: 33, expected: [{ id: 'acl:OUTSIDE_IN#1', action: 'deny', sources: ['192.0.2.66/32'] }] },
    { line: 34, expected: [{ id: 'acl:SPLIT#1', sources: ['10.0.0.0/8'], destinations: ANY }] },
  ];
  for (const c of cases) {
    it(`line ${c.line}`, () => {
      const rules = rulesAt(result, c.line).filter((r) => r.id.startsWith('acl:'));
      expect(rules.map((r, i) => pick(view(r), Object.keys(c.expected[i] ?? {})))).toEqual(c.expected);
    });
  }
  it('`line 1` inserts at the top; the access group enters the list after the U-turn check', () => {
    const d = device(result);
    expect(d.rulesets['acl:OUTSIDE_IN']!.rules.map((r) => r.origin.line)).toEqual([33, 24, 25, 26, 27, 28, 28, 29, 30, 31, 32]);
    expect(d.rulesets['ingress']!.rules.map((r) => `${r.action} ${r.target ?? r.destinations.toCidrs().join(',')} @${r.origin.line}`)).toEqual([
      'deny 203.0.113.0/24 @10',
      'goto acl:OUTSIDE_IN @35',
    ]);
    expect(codes(result)).toEqual([]);
    expectAccounted(result, lineCount(ASA_FIXTURES + file));
  });
});

describe('cisco-asa: the U-turn check of each interface with an inbound list', () => {
  // What a longer route sends out of another interface is not a U-turn (10.1.0.0/16 by the dmz out
  // of inside's 10.0.0.0/8; every other interface's networks out of outside's default route); a
  // longer route of the same interface (10.2.0.0/16) takes nothing from its own.
  const text = [
    'interface GigabitEthernet0/0', ' nameif outside', ' security-level 0', ' ip address 203.0.113.2 255.255.255.0',
    'interface GigabitEthernet0/1', ' nameif inside', ' security-level 100', ' ip address 10.0.0.1 255.0.0.0',
    'interface GigabitEthernet0/2', ' nameif dmz', ' security-level 50', ' ip address 192.168.5.1 255.255.255.0',
    'route outside 0.0.0.0 0.0.0.0 203.0.113.1',
    'route dmz 10.1.0.0 255.255.0.0 192.168.5.9',
    'route inside 10.2.0.0 255.255.0.0 10.0.0.9',
    'route dmz 172.16.0.0 255.240.0.0 192.168.5.9',
    'access-list IN extended permit ip any any',
    'access-group IN in interface inside',
    'access-group IN in interface outside',
    'access-group IN in interface dmz',
    '',
  ].join('\n');
  const result = parseText('asa', text);

  it('denies traffic back out of the interface it came in on, but what longer routes send elsewhere', () => {
    const uTurns = device(result).rulesets['ingress']!.rules
      .filter((r) => r.action === 'deny')
      .map((r) => `${r.inInterface?.names.join(',')} ${r.destinations.toCidrs().join(',')} @${r.origin.line}`);
    expect(uTurns).toEqual([
      'outside 203.0.113.0/24 @4',
      'outside 0.0.0.0/5,8.0.0.0/7,11.0.0.0/8,12.0.0.0/6,16.0.0.0/4,32.0.0.0/3,64.0.0.0/2,128.0.0.0/3,160.0.0.0/5,168.0.0.0/6,172.0.0.0/12,172.32.0.0/11,172.64.0.0/10,172.128.0.0/9,173.0.0.0/8,174.0.0.0/7,176.0.0.0/4,192.0.0.0/9,192.128.0.0/11,192.160.0.0/13,192.168.0.0/22,192.168.4.0/24,192.168.6.0/23,192.168.8.0/21,192.168.16.0/20,192.168.32.0/19,192.168.64.0/18,192.168.128.0/17,192.169.0.0/16,192.170.0.0/15,192.172.0.0/14,192.176.0.0/12,192.192.0.0/10,193.0.0.0/8,194.0.0.0/7,196.0.0.0/6,200.0.0.0/5,208.0.0.0/4,224.0.0.0/3 @13',      'inside 10.2.0.0/16 @15',
      'inside 10.0.0.0/16,10.2.0.0/15,10.4.0.0/14,10.8.0.0/13,10.16.0.0/12,10.32.0.0/11,10.64.0.0/10,10.128.0.0/9 @8',
      'dmz 192.168.5.0/24 @12',
      'dmz 10.1.0.0/16 @14',
      'dmz 172.16.0.0/12 @16',
    ]);
  });
});

describe('cisco-asa: objects and object-groups (objects)', () => {
  const file = 'objects.cfg';
  const result = parseFixture('asa', ASA_FIXTURES + file);
  it('a service group is one rule per protocol and source ports; nested network groups are joined', () => {
    expect(rulesAt(result, 29).map((r) => pick(view(r), ['protocols', 'sourcePorts', 'destinationPorts', 'exact']))).toEqual([
      { protocols: 'tcp', sourcePorts: 'all', destinationPorts: '22,443', exact: true },
      { protocols: 'tcp,udp', sourcePorts: 'all', destinationPorts: '53', exact: true },
      { protocols: 'udp', sourcePorts: '123', destinationPorts: '123', exact: true },
      { protocols: 'icmp', sourcePorts: 'all', destinationPorts: 'all', exact: false },
    ]);
    // Group-object NESTED (POOL) is defined after SERVERS uses it; 10.1.4.0/25 and 10.1.5.5 too.
    expect(rulesAt(result, 29)[0]!.destinations.toCidrs()).toEqual([
      '10.1.1.10/32', '10.1.3.10/31', '10.1.3.12/30', '10.1.3.16/30', '10.1.3.20/32', '10.1.4.0/25', '10.1.5.5/32',
    ]);
  });
  it('an fqdn object stays symbolic; an ICMP type group makes the entry inexact', () => {
    expect(pick(view(rulesAt(result, 30)[0]!), ['destinations', 'exact', 'symbolic'])).toEqual({ destinations: ANY, exact: false, symbolic: ['fqdn:updates.example.com'] });
    expect(pick(view(rulesAt(result, 31)[0]!), ['protocols', 'destinations', 'exact'])).toEqual({ protocols: 'icmp', destinations: ['10.1.2.0/24'], exact: false });
    expect(codes(result)).toEqual([]);
    expectAccounted(result, lineCount(ASA_FIXTURES + file));
  });
});

describe('cisco-asa: object NAT (nat-object)', () => {
  const file = 'nat-object.cfg';
  const result = parseFixture('asa', ASA_FIXTURES + file);
  const d = device(result);
  it('static object NAT is a forward from the mapped interface; dynamic and identity NAT forward nothing', () => {
    expect(d.forwards.map(forwardView)).toEqual([
      { line: 13, protocols: 'all', external: '203.0.113.80/32:all', internal: '192.168.1.80/32:all', via: ['outside'], enabled: true },
      { line: 16, protocols: 'tcp', external: '203.0.113.2/32:2222', internal: '192.168.1.22/32:22', via: ['outside'], enabled: true },
      { line: 21, protocols: 'tcp', external: '203.0.113.90/32:25', internal: '192.168.1.25/32:25', via: ['outside'], enabled: true },
      { line: 33, protocols: 'all', external: '203.0.113.128/27:all', internal: '192.168.1.128/27:all', enabled: true },
    ]);
    expect(d.externalInterfaces).toEqual(['outside']);
    expect(d.pipeline).toEqual({ prerouting: [], dnat: ['nat'], input: [], forward: ['ingress'] });
    expect(codes(result)).toEqual([]);
    expectAccounted(result, lineCount(ASA_FIXTURES + file));
  });
  it('translated packets leave by the real interface: outside (0) to inside (100) is denied without an ACL', () => {
    expect(pick(view(rulesAt(result, 16, 'ingress')[0]!), ['action', 'destinations', 'inInterface'])).toEqual({
      action: 'deny', destinations: ['192.168.1.22/32'], inInterface: ['outside'],
    });
  });
});

describe('cisco-asa: twice NAT (nat-twice)', () => {
  const file = 'nat-twice.cfg';
  const result = parseFixture('asa', ASA_FIXTURES + file);
  it('source static with services, destination static, inactive; dynamic, identity and unidirectional ones forward nothing', () => {
    expect(device(result).forwards.map(forwardView)).toEqual([
      { line: 21, protocols: 'tcp', external: '203.0.113.10/32:2323', internal: '192.168.1.10/32:23', via: ['outside'], enabled: true },
      { line: 22, protocols: 'tcp', external: '0.0.0.0/0:2323', internal: '192.168.1.10/32:23', via: ['outside'], enabled: true },
      { line: 25, protocols: 'all', external: '203.0.113.10/32:all', internal: '192.168.1.10/32:all', via: ['outside'], enabled: false },
    ]);
    expect(codes(result)).toEqual([]);
    expectAccounted(result, lineCount(ASA_FIXTURES + file));
  });
});

describe('cisco-asa: security levels (interfaces-security-levels)', () => {
  const result = parseFixture('asa', ASA_FIXTURES + 'interfaces-security-levels.cfg');
  const d = device(result);
  it('without ACLs: higher to lower is allowed, lower to higher and equal levels (same interface) denied', () => {
    expect(d.rulesets['ingress']!.rules.map((r) => `${r.inInterface!.names[0]} ${r.action} ${r.destinations.toCidrs().join(',')}`)).toEqual([
      'outside deny 203.0.113.0/24',
      'outside deny 192.168.1.0/24',
      'outside deny 172.16.1.0/24',
      'outside deny 10.0.0.0/8',
      'outside deny 0.0.0.0/0',
      'inside allow 203.0.113.0/24',
      'inside deny 192.168.1.0/24',
      'inside allow 172.16.1.0/24',
      'inside deny 10.0.0.0/8',
      'inside allow 0.0.0.0/0',
      'dmz allow 203.0.113.0/24',
      'dmz deny 192.168.1.0/24',
      'dmz deny 172.16.1.0/24',
      'dmz deny 10.0.0.0/8',
      'dmz allow 0.0.0.0/0',
      'spare deny 0.0.0.0/0',
    ]);
  });
  it('`inside` is level 100 unless stated; a shut-down or unnamed interface is no way in', () => {
    expect(d.externalInterfaces).toEqual(['outside']);
    expect(codes(result)).toEqual([]);
  });
});

describe('cisco-asa: lines that are not understood (unrecognised-lines)', () => {
  const file = 'unrecognised-lines.cfg';
  const result = parseFixture('asa', ASA_FIXTURES + file);
  it('reports them by code and line', () => {
    expect(codes(result)).toEqual([
      { code: 'invalid-value', line: 5 },
      { code: 'unrecognised-line', line: 6 },
      { code: 'invalid-value', line: 7 },
      { code: 'invalid-value', line: 8 },
      { code: 'unsupported-option', line: 9 },
      { code: 'invalid-value', line: 10 },
      { code: 'unresolved-reference', line: 11 },
      { code: 'unresolved-reference', line: 12 },
      { code: 'unsupported-nat', line: 13 },
      { code: 'invalid-value', line: 14 },
      { code: 'invalid-value', line: 15 },
      { code: 'invalid-value', line: 17 },
      { code: 'invalid-value', line: 18 },
      { code: 'invalid-value', line: 19 },
    ]);
    expectAccounted(result, lineCount(ASA_FIXTURES + file));
  });
});

describe('cisco-asa: sections that decide nothing (ignored-sections)', () => {
  it('are ignored by section: logging, AAA, crypto and certificates, inspection policies, call-home', () => {
    const result = parseFixture('asa', ASA_FIXTURES + 'ignored-sections.cfg');
    expect(codes(result)).toEqual([]);
    expect(result.lines).toEqual({ total: 62, recognised: 6, ignored: 56, reported: 0 });
  });
});

describe('cisco-asa: never throws', () => {
  const cases: { name: string; text: string }[] = [
    { name: 'empty file', text: '' },
    { name: 'keywords without values', text: 'ASA Version\nnat\nnat (inside,outside)\naccess-list\naccess-group\nobject network\nname\nroute\nssh\n' },
    { name: 'an object NAT outside an object', text: 'object-group network G\n nat (inside,outside) static interface\n' },
    { name: 'a very long line', text: `access-list X extended permit tcp any any eq ${'www '.repeat(50_000)}\n` },
    { name: 'groups that contain each other', text: 'object-group service A tcp\n group-object B\nobject-group service B tcp\n group-object A\naccess-list X extended permit tcp any any object-group A\n' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = parseText('asa', c.text);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.devices).toHaveLength(1);
      const { total, recognised, ignored, reported } = result.lines;
      expect(recognised + ignored + reported).toBe(total);
    });
  }
});
