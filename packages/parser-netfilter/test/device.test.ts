import { formatPorts, type ParseResult } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { FIXTURES, codes, device, parseFile, parseText, pick, protocolsText, ruleAt, view } from './helpers.js';

/** What the rule on a line of `result` does, and the ruleset it goes to. */
const actionAt = (result: ParseResult) => (line: number): unknown => pick(view(ruleAt(result, line)), ['action', 'target']);

describe('the device', () => {
  it('is named after the file and keys rulesets table/CHAIN', () => {
    const d = device(parseFile(FIXTURES, 'nat-forwards.iptables-save'));
    expect(pick(d, ['name', 'vendor', 'format', 'file', 'family'])).toEqual({
      name: 'nat-forwards', vendor: 'netfilter', format: 'iptables-save', file: 'nat-forwards.iptables-save', family: 'ipv4',
    });
    expect(Object.keys(d.rulesets)).toEqual([
      'nat/PREROUTING', 'nat/INPUT', 'nat/OUTPUT', 'nat/POSTROUTING', 'nat/wan_dnat', 'nat/legacy_dnat', 'nat/lan_snat',
      'filter/INPUT', 'filter/FORWARD', 'filter/OUTPUT',
    ]);
  });

  it('takes its name from the last extension only', () => {
    expect(device(parseText('*filter\nCOMMIT\n', 'edge/gw.example.org.rules')).name).toBe('gw.example.org');
    expect(device(parseText('*filter\nCOMMIT\n', 'C:\\fw\\rules.v4')).name).toBe('rules');
  });

  it('keeps only the pipeline stages whose rulesets exist', () => {
    expect(device(parseFile(FIXTURES, 'nat-forwards.iptables-save')).pipeline).toEqual({
      prerouting: [], dnat: ['nat/PREROUTING'], input: ['filter/INPUT'], forward: ['filter/FORWARD'],
    });
    expect(device(parseFile(FIXTURES, 'opaque-matches.iptables-save')).pipeline).toEqual({
      prerouting: ['raw/PREROUTING'], dnat: [], input: ['filter/INPUT'], forward: ['filter/FORWARD'],
    });
  });

  it('gives built-in chains their policy and user chains return', () => {
    const d = device(parseFile(FIXTURES, 'targets.iptables-save'));
    const summary = (name: string): unknown => pick(d.rulesets[name]!, ['semantics', 'defaultAction', 'builtin']);
    expect(summary('filter/INPUT')).toEqual({ semantics: 'first-match', defaultAction: 'deny', builtin: true });
    expect(summary('filter/OUTPUT')).toEqual({ semantics: 'first-match', defaultAction: 'allow', builtin: true });
    expect(summary('filter/services')).toEqual({ semantics: 'first-match', defaultAction: 'return', builtin: false });
    expect(d.rulesets['filter/services']!.origin).toEqual({ file: 'targets.iptables-save', line: 5 });
  });

  it('takes a chain\'s policy from its last declaration, and "-" makes it a user chain', () => {
    const d = device(parseText(['*filter', ':INPUT DROP [0:0]', ':FORWARD - [0:0]', ':FORWARD DROP [0:0]', ':INPUT - [0:0]', 'COMMIT'].join('\n')));
    expect(pick(d.rulesets['filter/INPUT']!, ['defaultAction', 'builtin'])).toEqual({ defaultAction: 'return', builtin: false });
    expect(pick(d.rulesets['filter/FORWARD']!, ['defaultAction', 'builtin'])).toEqual({ defaultAction: 'deny', builtin: true });
  });

  it('creates chains that are only used, with the line of their first use', () => {
    const result = parseText(['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -j checks', '-A checks -p tcp -j DROP', '-A FORWARD -j ACCEPT', 'COMMIT'].join('\n'));
    const d = device(result);
    expect(pick(d.rulesets['filter/checks']!, ['defaultAction', 'builtin', 'origin'])).toEqual({
      defaultAction: 'return', builtin: false, origin: { file: 'test.iptables-save', line: 3 },
    });
    // A built-in chain without a header has the kernel's default policy.
    expect(pick(d.rulesets['filter/FORWARD']!, ['defaultAction', 'builtin'])).toEqual({ defaultAction: 'allow', builtin: true });
    expect(view(ruleAt(result, 3)).target).toBe('filter/checks');
    expect(result.diagnostics).toEqual([]);
  });

  it('resolves a jump to a chain made before the rule, long before it, after it, or in another section', () => {
    const result = parseText([
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':early - [0:0]',
      ':c1 - [0:0]', ':c2 - [0:0]', ':c3 - [0:0]', ':c4 - [0:0]', ':c5 - [0:0]', ':c6 - [0:0]', ':c7 - [0:0]', ':c8 - [0:0]', ':c9 - [0:0]',
      ':ACCEPT - [0:0]',
      '-A INPUT -j c9',
      '-A INPUT -j early',
      '-A INPUT -j later',
      '-A INPUT -j ACCEPT',
      '-A later -j DROP',
      'COMMIT',
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':DNAT - [0:0]',
      '-A PREROUTING -j DNAT',
      '-A PREROUTING -j early',
      'COMMIT',
    ].join('\n'));
    const at = actionAt(result);
    expect(at(14)).toEqual({ action: 'jump', target: 'filter/c9' });
    expect(at(15)).toEqual({ action: 'jump', target: 'filter/early' });
    expect(at(16)).toEqual({ action: 'jump', target: 'filter/later' });
    // The standard verdicts are never chains, whatever the file declares.
    expect(at(17)).toEqual({ action: 'allow' });
    // A chain named like a target is a chain of its table; a chain of another table is not.
    expect(at(23)).toEqual({ action: 'jump', target: 'nat/DNAT' });
    expect(at(24)).toEqual({ action: 'continue' });
    expect(codes(result)).toEqual([{ code: 'invalid-value', line: 23 }, { code: 'unsupported-target', line: 24 }]);
  });

  it('keeps -g and -j apart when rules name the same chain or verdict, before and after the chain exists', () => {
    const result = parseText([
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -g later',
      '-A INPUT -j later',
      '-A INPUT -g later',
      ':svc - [0:0]',
      '-A INPUT -j svc',
      '-A INPUT -g svc',
      '-A INPUT -j svc',
      '-A INPUT -j ACCEPT',
      '-A INPUT -g ACCEPT',
      '-A INPUT -j ACCEPT',
      '-A later -j svc',
      'COMMIT',
    ].join('\n'));
    const at = actionAt(result);
    expect([3, 4, 5, 7, 8, 9, 13].map(at)).toEqual([
      { action: 'goto', target: 'filter/later' }, { action: 'jump', target: 'filter/later' }, { action: 'goto', target: 'filter/later' },
      { action: 'jump', target: 'filter/svc' }, { action: 'goto', target: 'filter/svc' }, { action: 'jump', target: 'filter/svc' },
      { action: 'jump', target: 'filter/svc' },
    ]);
    expect([10, 11, 12].map(at)).toEqual([{ action: 'allow' }, { action: 'allow' }, { action: 'allow' }]);
  });

  it('jumps to a chain named like a target even when the chain is made after the jump', () => {
    const result = parseText([
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.1',
      '-A PREROUTING -j SNAT',
      '-N SNAT',
      'COMMIT',
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -j LOG',
      'COMMIT',
    ].join('\n'));
    const at = actionAt(result);
    expect(at(3)).toEqual({ action: 'dnat' });
    expect(at(4)).toEqual({ action: 'jump', target: 'nat/SNAT' });
    expect(at(9)).toEqual({ action: 'continue' });
  });

  it('reads iptables-restore commands: -N, -P and -I', () => {
    const result = parseFile(FIXTURES, 'restore-commands.iptables-save');
    const d = device(result);
    expect(d.rulesets['filter/INPUT']!.defaultAction).toBe('deny');
    expect(d.rulesets['filter/ssh_in']!.builtin).toBe(false);
    // -I puts the rule first (or at the position given), as iptables does.
    expect(d.rulesets['filter/INPUT']!.rules.map((r) => r.origin.line)).toEqual([8, 9, 6, 7]);
    expect(d.rulesets['filter/INPUT']!.rules.map((r) => r.id)).toEqual(['filter/INPUT#1', 'filter/INPUT#2', 'filter/INPUT#3', 'filter/INPUT#4']);
    expect(result.diagnostics).toEqual([]);
  });
});

describe('address family', () => {
  it('is ipv6 for ip6tables-save output', () => {
    const result = parseFile(FIXTURES, 'ip6tables.ip6tables-save');
    const d = device(result);
    expect(d.family).toBe('ipv6');
    // Absent addresses and complements stay within IPv6.
    expect(view(ruleAt(result, 6)).sources).toEqual(['::/0']);
    expect(view(ruleAt(result, 9)).sources).toEqual(['::/1', '8000::/2', 'c000::/3', 'e000::/4', 'f000::/5', 'f800::/6', 'fc00::/7', 'fe00::/9', 'fec0::/10', 'ff00::/8']);
    expect(protocolsText(ruleAt(result, 7).protocols)).toBe('icmpv6');
    expect(d.forwards.map((f) => f.internalAddresses?.toCidrs())).toEqual([['2001:db8::100/128']]);
  });

  it('is ipv6 from the header comment alone', () => {
    const d = device(parseText(['# Generated by ip6tables-save v1.8.9', '*filter', ':INPUT DROP [0:0]', '-A INPUT -p tcp --dport 22 -j ACCEPT', 'COMMIT'].join('\n')));
    expect(d.family).toBe('ipv6');
  });

  it('is ipv6 from -p ipv6-icmp', () => {
    const d = device(parseText(['*filter', ':INPUT DROP [0:0]', '-A INPUT -p ipv6-icmp -j ACCEPT', 'COMMIT'].join('\n')));
    expect(d.family).toBe('ipv6');
  });

  it('defaults to ipv4, and is mixed when both families appear', () => {
    expect(device(parseText(['*filter', ':INPUT DROP [0:0]', 'COMMIT'].join('\n'))).family).toBe('ipv4');
    const mixed = parseText(['*filter', ':INPUT DROP [0:0]', '-A INPUT -s 10.0.0.0/8 -j ACCEPT', '-A INPUT -s 2001:db8::/32 -j ACCEPT', '-A INPUT -j ACCEPT', 'COMMIT'].join('\n'));
    expect(device(mixed).family).toBe('mixed');
    expect(view(ruleAt(mixed, 5)).sources).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('completes address conditions in the family a later line decides', () => {
    const lines = ['*filter', '-A INPUT -s 10.0.0.0/8 ! -s 10.1.0.0/16 -j ACCEPT', '-A INPUT ! -d 10.0.0.0/8 -j DROP', '-A INPUT -s 2001:db8::/32 ! -s 2001:db8:1::/48 -j ACCEPT', 'COMMIT'];
    const tenButOne = ['10.0.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9'];
    const allButTen = ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'];
    const mixed = parseText(lines.join('\n'));
    expect(pick(view(ruleAt(mixed, 2)), ['sources', 'destinations'])).toEqual({ sources: tenButOne, destinations: ['0.0.0.0/0', '::/0'] });
    expect(pick(view(ruleAt(mixed, 3)), ['sources', 'destinations'])).toEqual({ sources: ['0.0.0.0/0', '::/0'], destinations: [...allButTen, '::/0'] });
    expect(view(ruleAt(mixed, 4)).sources.slice(0, 2)).toEqual(['2001:db8::/48', '2001:db8:2::/47']);
    // Without the IPv6 rule the file is IPv4, and "not 10.0.0.0/8" is IPv4 space only.
    const ipv4 = parseText(lines.filter((_, i) => i !== 3).join('\n'));
    expect(pick(view(ruleAt(ipv4, 2)), ['sources', 'destinations'])).toEqual({ sources: tenButOne, destinations: ['0.0.0.0/0'] });
    expect(pick(view(ruleAt(ipv4, 3)), ['sources', 'destinations'])).toEqual({ sources: ['0.0.0.0/0'], destinations: allButTen });
  });
});

describe('port forwards', () => {
  const result = parseFile(FIXTURES, 'nat-forwards.iptables-save');
  const d = device(result);
  const forwards = d.forwards.map((f) => ({
    ruleId: f.ruleId,
    line: f.origin.line,
    enabled: f.enabled,
    protocols: protocolsText(f.protocols),
    externalPorts: formatPorts(f.externalPorts),
    internal: f.internalAddresses?.toCidrs(),
    internalPorts: f.internalPorts && formatPorts(f.internalPorts),
    inInterface: f.inInterface?.names,
  }));

  it('has one forward per DNAT/REDIRECT rule reached from nat PREROUTING, none for nat OUTPUT', () => {
    expect(forwards).toEqual([
      { ruleId: 'nat/PREROUTING#1', line: 10, enabled: true, protocols: 'tcp', externalPorts: '8443', internal: ['192.168.1.100/32'], internalPorts: '443', inInterface: ['ppp0'] },
      // A redirect goes to the device itself.
      { ruleId: 'nat/PREROUTING#3', line: 12, enabled: true, protocols: 'tcp', externalPorts: '80', internal: undefined, internalPorts: '3128', inInterface: undefined },
      // A port-only DNAT keeps the destination the packet had.
      { ruleId: 'nat/PREROUTING#4', line: 13, enabled: true, protocols: 'tcp', externalPorts: '8080', internal: ['0.0.0.0/0'], internalPorts: '80', inInterface: undefined },
      { ruleId: 'nat/PREROUTING#5', line: 14, enabled: true, protocols: 'tcp', externalPorts: '6000-6010', internal: ['192.168.1.50/31', '192.168.1.52/32'], internalPorts: '7000-7010', inInterface: undefined },
      // Rules in a chain PREROUTING jumps to inherit the jump's -i.
      { ruleId: 'nat/wan_dnat#1', line: 15, enabled: true, protocols: 'udp', externalPorts: '51820', internal: ['192.168.1.2/32'], internalPorts: '51820', inInterface: ['ppp0'] },
      { ruleId: 'nat/wan_dnat#2', line: 16, enabled: true, protocols: 'tcp', externalPorts: '2222', internal: ['192.168.1.3/32'], internalPorts: '22', inInterface: ['ppp0'] },
      // No chain jumps to legacy_dnat: the forward is dead configuration, kept but disabled.
      { ruleId: 'nat/legacy_dnat#1', line: 17, enabled: false, protocols: 'tcp', externalPorts: '3389', internal: ['192.168.1.99/32'], internalPorts: '3389', inInterface: undefined },
    ]);
  });

  it('links each forward to its rule', () => {
    for (const f of d.forwards) {
      const [ruleset, index] = f.ruleId!.split('#');
      expect(d.rulesets[ruleset!]!.rules[Number(index) - 1]!.text).toBe(f.text);
    }
  });

  it('names the external interfaces: DNAT ingress and masquerade/SNAT egress, exact names only', () => {
    // ppp0 from the DNAT and the MASQUERADE, wan+ from the jump to an SNAT chain; `! -o tun0` names no interface.
    expect(d.externalInterfaces).toEqual(['ppp0', 'wan+']);
  });
});

describe('suppressions', () => {
  it('reads portcullis-ignore from # lines and from rule comments', () => {
    const result = parseFile(FIXTURES, 'comments-and-suppressions.iptables-save');
    expect(result.suppressions).toEqual([
      { rules: ['no-public-ssh'], reason: 'bastion host, reached from the VPN concentrator only', line: 6, file: 'comments-and-suppressions.iptables-save' },
      { rules: ['no-telnet'], until: '2026-06-30', reason: 'lab switch console', line: 8, file: 'comments-and-suppressions.iptables-save' },
    ]);
    expect(view(ruleAt(result, 9)).description).toBe('web "front" door');
    expect(view(ruleAt(result, 10)).description).toBe('-- not an option');
    expect(codes(result)).toEqual([]);
  });
});

describe('fixtures read without a reported line', () => {
  // Fixture name → rules, forwards.
  const cases: { file: string; rules: number; forwards: number }[] = [
    { file: 'addresses-and-ports.iptables-save', rules: 17, forwards: 0 },
    { file: 'comments-and-suppressions.iptables-save', rules: 4, forwards: 0 },
    { file: 'connection-state.iptables-save', rules: 8, forwards: 0 },
    { file: 'counters.iptables-save', rules: 3, forwards: 0 },
    { file: 'ip6tables.ip6tables-save', rules: 6, forwards: 1 },
    { file: 'ipset.iptables-save', rules: 3, forwards: 0 },
    { file: 'nat-forwards.iptables-save', rules: 15, forwards: 7 },
    { file: 'negation-modern.iptables-save', rules: 6, forwards: 0 },
    { file: 'negation-old-style.iptables-save', rules: 5, forwards: 0 },
    { file: 'opaque-matches.iptables-save', rules: 18, forwards: 0 },
    { file: 'restore-commands.iptables-save', rules: 5, forwards: 0 },
    { file: 'targets.iptables-save', rules: 13, forwards: 0 },
  ];
  for (const c of cases) {
    it(c.file, () => {
      const result = parseFile(FIXTURES, c.file);
      const d = device(result);
      expect(result.lines.reported).toBe(0);
      expect(result.lines.recognised + result.lines.ignored).toBe(result.lines.total);
      expect(Object.values(d.rulesets).reduce((n, r) => n + r.rules.length, 0)).toBe(c.rules);
      expect(d.forwards).toHaveLength(c.forwards);
    });
  }
});

describe('old and modern negation read the same', () => {
  it('negation-old-style matches negation-modern rule for rule', () => {
    const modern = parseFile(FIXTURES, 'negation-modern.iptables-save');
    const old = parseFile(FIXTURES, 'negation-old-style.iptables-save');
    const fields = ['action', 'protocols', 'sources', 'destinations', 'destinationPorts', 'inInterface', 'exact'];
    for (const line of [6, 7, 8, 9]) {
      expect(pick(view(ruleAt(old, line)), fields)).toEqual(pick(view(ruleAt(modern, line)), fields));
    }
  });
});
