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
