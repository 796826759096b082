import { describe, expect, it } from 'vitest';
import { codes, device, expectAccounted, forwardView, lineCount, parseLines, pick, rules, type RuleView } from './openwrt-helpers.js';

/*
 * The OpenWrt model, section by section. Every case is two zones (lines 1-11) and the sections
 * under test from line 12: the rules they become in one ruleset (only the fields the case names),
 * and the diagnostics by code and line.
 */

const ZONES = [
  'config zone', '\toption name lan', "\toption network 'lan'", '\toption input ACCEPT', '\toption forward ACCEPT',
  'config zone', '\toption name wan', "\tlist network 'wan'", "\tlist network 'wan6'", '\toption input REJECT', '\toption masq 1',
];
const WAN = { names: ['wan', 'wan6'], negated: false };
const LAN = { names: ['lan'], negated: false };

interface Case {
  name: string;
  lines: string[];
  ruleset: string;
  keys: (keyof RuleView)[];
  rules: Partial<RuleView>[];
  codes?: string[];
}

const sectionCases: Case[] = [
  {
    name: 'a rule from the WAN with no dest is an input rule',
    lines: ['config rule', '\toption src wan', '\toption proto udp', '\toption dest_port 68', '\toption target ACCEPT', '\toption family ipv4'],
    ruleset: 'input:wan',
    keys: ['action', 'protocols', 'sources', 'destinations', 'destinationPorts', 'line'],
    rules: [{ action: 'allow', protocols: 'udp', sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/0'], destinationPorts: '68', line: 12 }],
  },
  {
    name: 'no proto is tcp and udp; ports from an option with spaces and list lines',
    lines: ['config rule', '\toption src wan', "\toption dest_port '22 80'", '\tlist dest_port 443', "\tlist dest_port '1000:1010'", '\toption target accept'],
    ruleset: 'input:wan',
    keys: ['action', 'protocols', 'destinationPorts', 'destinations'],
    rules: [{ action: 'allow', protocols: 'tcp,udp', destinationPorts: '22,80,443,1000-1010', destinations: ['0.0.0.0/0', '::/0'] }],
  },
  {
    name: 'ports apply to tcp and udp only: the other protocols of the rule match every port',
    lines: ['config rule', '\toption src wan', "\toption proto 'tcp icmp'", '\toption dest_port 22', '\toption target ACCEPT'],
    ruleset: 'input:wan',
    keys: ['protocols', 'destinationPorts'],
    rules: [{ protocols: 'tcp', destinationPorts: '22' }, { protocols: 'icmp,icmpv6', destinationPorts: 'all' }],
    codes: ['ports-ignored@12'],
  },
  {
    name: "'proto all' is every protocol, and a port does not narrow it",
    lines: ['config rule', '\toption src wan', '\toption proto all', '\toption dest_port 8080', '\toption target ACCEPT'],
    ruleset: 'input:wan',
    keys: ['protocols', 'destinationPorts'],
    rules: [{ protocols: 'all', destinationPorts: 'all' }],
    codes: ['ports-ignored@12'],
  },
  {
    name: 'icmp with family ipv6 is ICMPv6',
    lines: ['config rule', '\toption src wan', '\toption proto icmp', '\toption family ipv6', '\toption target ACCEPT'],
    ruleset: 'input:wan',
    keys: ['protocols', 'destinations'],
    rules: [{ protocols: 'icmpv6', destinations: ['::/0'] }],
  },
  {
    name: 'a negated source: everyone else, of the family the address names',
    lines: ['config rule', '\toption src wan', "\toption src_ip '!10.0.0.0/8'", '\toption proto tcp', '\toption dest_port 5900', '\toption target ACCEPT'],
    ruleset: 'input:wan',
    keys: ['sources', 'destinations'],
    rules: [{ sources: ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'], destinations: ['0.0.0.0/0'] }],
  },
  {
    name: 'src_ip as a list, positive and negative',
    lines: ['config rule', '\toption src wan', '\tlist src_ip 198.51.100.0/24', '\tlist src_ip 203.0.113.0/24', "\tlist src_ip '!198.51.100.128/25'", '\toption target DROP'],
    ruleset: 'input:wan',
    keys: ['action', 'sources'],
    rules: [{ action: 'deny', sources: ['198.51.100.0/25', '203.0.113.0/24'] }],
  },
  {
    name: 'a rule to a zone drops only what leaves through that zone',
    lines: ['config rule', '\toption src wan', '\toption dest lan', '\toption proto tcp', '\toption dest_port 3389', '\toption target DROP'],
    ruleset: 'forward:wan',
    keys: ['action', 'protocols', 'destinationPorts', 'outInterface'],
    rules: [
      { action: 'deny', protocols: 'tcp', destinationPorts: '3389', outInterface: LAN },
      { action: 'deny', protocols: 'all', destinationPorts: 'all', outInterface: WAN },
    ],
  },
  {
    name: "dest '*' accepts towards every zone",
    lines: ['config rule', '\toption src wan', "\toption dest '*'", '\toption proto esp', '\toption target ACCEPT'],
    ruleset: 'forward:wan',
    keys: ['action', 'protocols', 'outInterface'],
    rules: [{ action: 'allow', protocols: 'esp', outInterface: undefined }, { action: 'deny', protocols: 'all', outInterface: WAN }],
  },
  {
    name: "src '*' without dest is in the input chain itself, before the zone jumps",
    lines: ['config rule', "\toption src '*'", '\toption proto tcp', '\toption dest_port 22', '\toption target REJ'],
    ruleset: 'input',
    keys: ['action', 'target', 'destinationPorts', 'inInterface'],
    rules: [
      { action: 'reject', destinationPorts: '22' },
      { action: 'jump', target: 'input:lan', destinationPorts: 'all', inInterface: LAN },
      { action: 'jump', target: 'input:wan', destinationPorts: 'all', inInterface: WAN },
    ],
  },
  {
    name: 'disabled, invalid and conflicting rules stay in the model, disabled',
    lines: [
      'config rule', '\toption src wan', '\toption dest_port 23', '\toption target ACCEPT', '\toption enabled 0',
      'config rule', '\toption src wan', "\toption dest_port '80,443'", '\toption target ACCEPT',
      'config rule', '\toption src wan', '\toption family ipv4', '\toption src_ip 2001:db8::/32', '\toption target ACCEPT',
    ],
    ruleset: 'input:wan',
    keys: ['enabled', 'line'],
    rules: [{ enabled: false, line: 12 }, { enabled: false, line: 17 }, { enabled: false, line: 21 }],
    codes: ['invalid-value@19', 'family-conflict@21'],
  },
  {
    name: 'conditions the model does not capture make a rule one that may match; an ipset stays symbolic',
    lines: [
      'config rule', '\toption src wan', '\toption proto icmp', '\toption icmp_type echo-request', '\toption limit 10/sec', '\toption target DROP',
      'config rule', '\toption src wan', "\toption ipset 'blocklist src'", '\toption target DROP',
    ],
    ruleset: 'input:wan',
    keys: ['exact', 'symbolic'],
    rules: [{ exact: false, symbolic: [] }, { exact: false, symbolic: ['ipset:blocklist'] }],
    codes: ['unresolved-reference@20'],
  },
  {
    name: 'a network name in src_ip is resolved only on the router: symbolic, its addresses left out',
    lines: ['config rule', '\toption src wan', '\toption src_ip lan', '\toption target ACCEPT'],
    ruleset: 'input:wan',
    keys: ['exact', 'symbolic', 'sources'],
    rules: [{ exact: false, symbolic: ['network:lan'], sources: [] }],
    codes: ['unresolved-reference@14'],
  },
  {
    name: 'a rule without a target decides nothing',
    lines: ['config rule', '\toption src wan', '\toption dest_port 8000'],
    ruleset: 'input:wan',
    keys: ['action'],
    rules: [{ action: 'continue' }],
    codes: ['missing-target@12'],
  },
  {
    name: 'a rule naming a zone that does not exist is skipped, as the firewall does',
    lines: ['config rule', '\toption src internet', '\toption dest_port 22', '\toption target ACCEPT'],
    ruleset: 'input',
    keys: ['action', 'enabled'],
    rules: [{ action: 'allow', enabled: false }, { action: 'jump', enabled: true }, { action: 'jump', enabled: true }],
    codes: ['unresolved-reference@13'],
  },
  {
    name: 'a DNAT redirect: a dnat rule from the source zone, IPv4 only by default',
    lines: [
      'config redirect', "\toption name 'RDP'", '\toption src wan', '\toption src_dport 3389', '\toption dest lan',
      '\toption dest_ip 192.168.1.20', '\toption dest_port 3389', '\toption proto tcp',
    ],
    ruleset: 'dstnat',
    keys: ['action', 'protocols', 'destinations', 'destinationPorts', 'inInterface', 'translation', 'line'],
    rules: [{ action: 'dnat', protocols: 'tcp', destinations: ['0.0.0.0/0'], destinationPorts: '3389', inInterface: WAN, translation: '192.168.1.20:3389', line: 12 }],
  },
  {
    name: 'the source zone accepts what its redirects forward (towards their dest zone)',
    lines: ['config redirect', '\toption src wan', '\toption src_dport 8080', '\toption dest lan', '\toption dest_ip 192.168.1.30', '\toption dest_port 80', '\toption proto tcp'],
    ruleset: 'forward:wan',
    keys: ['action', 'protocols', 'destinations', 'destinationPorts', 'outInterface', 'line'],
    rules: [
      { action: 'allow', protocols: 'tcp', destinations: ['192.168.1.30/32'], destinationPorts: '80', outInterface: LAN, line: 12 },
      { action: 'deny', protocols: 'all', destinations: ['0.0.0.0/0', '::/0'], destinationPorts: 'all', outInterface: WAN, line: 6 },
    ],
  },
  {
    name: 'without dest_ip a redirect goes to the router; the zone input accepts it',
    lines: ['config redirect', '\toption src wan', '\toption src_dport 2222', '\toption dest_port 22', '\toption proto tcp'],
    ruleset: 'input:wan',
    keys: ['action', 'destinationPorts', 'line'],
    rules: [{ action: 'allow', destinationPorts: '22', line: 12 }],
  },
  {
    name: "'family any' redirects both families; an IPv6 dest_ip makes it IPv6",
    lines: [
      'config redirect', '\toption src wan', '\toption src_dport 53', '\toption proto udp', '\toption family any',
      'config redirect', '\toption src wan', '\toption src_dport 443', '\toption proto tcp', '\toption dest_ip 2001:db8::10',
    ],
    ruleset: 'dstnat',
    keys: ['action', 'destinations', 'translation'],
    rules: [
      { action: 'redirect', destinations: ['0.0.0.0/0', '::/0'], translation: 'this router:53' },
      { action: 'dnat', destinations: ['::/0'], translation: '2001:db8::10:443' },
    ],
  },
  {
    name: "src_dip limits the outside address; 'proto all' forwards every port",
    lines: ['config redirect', '\toption src wan', '\toption src_dip 203.0.113.5', '\toption proto all', '\toption src_dport 80', '\toption dest_ip 192.168.1.9'],
    ruleset: 'dstnat',
    keys: ['protocols', 'destinations', 'destinationPorts', 'translation'],
    rules: [{ protocols: 'all', destinations: ['203.0.113.5/32'], destinationPorts: 'all', translation: '192.168.1.9' }],
    codes: ['ports-ignored@12'],
  },
  {
    name: "redirects fw3 and fw4 skip: no src, src '*', a negated dest_ip, a list of ports",
    lines: [
      'config redirect', '\toption src_dport 22', '\toption dest_ip 192.168.1.2',
      'config redirect', "\toption src '*'", '\toption src_dport 23', '\toption dest_ip 192.168.1.2',
      'config redirect', '\toption src wan', '\toption src_dport 24', "\toption dest_ip '!192.168.1.2'",
      'config redirect', '\toption src wan', '\tlist src_dport 25', '\toption dest_ip 192.168.1.2',
    ],
    ruleset: 'dstnat',
    keys: ['enabled', 'line'],
    rules: [{ enabled: false, line: 12 }, { enabled: false, line: 15 }, { enabled: false, line: 19 }, { enabled: false, line: 23 }],
    codes: ['invalid-value@12', 'invalid-value@15', 'invalid-value@19', 'invalid-value@25'],
  },
];

describe('openwrt model: sections', () => {
  for (const c of sectionCases) {
    it(c.name, () => {
      const lines = [...ZONES, ...c.lines];
      const result = parseLines(lines);
      expectAccounted(result, lines.length);
      expect(rules(device(result), c.ruleset).map((r) => pick(r, c.keys))).toEqual(c.rules);
      expect(codes(result)).toEqual(c.codes ?? []);
    });
  }
});

describe('openwrt model: the device', () => {
  it('zones dispatch by their networks; policies come from the zone, else from defaults', () => {
    const result = parseLines([
      'config defaults', '\toption input DROP', '\toption forward ACCEPT',
      'config zone', '\toption name lan', "\toption network 'lan lan6'",
      'config zone', '\toption name wan', '\toption input REJECT', '\toption masq 1',
      'config zone', '\toption name guest', '\toption device br-guest', '\toption family ipv4', '\toption input ACCEPT',
      'config forwarding', '\toption src lan', '\toption dest wan',
    ]);
    const d = device(result);
    expect(d.externalInterfaces).toEqual(['wan']);
    expect(d.pipeline).toEqual({ prerouting: [], dnat: [], input: ['input'], forward: ['forward'] });
    expect(rules(d, 'input').map((r) => pick(r, ['target', 'inInterface', 'destinations']))).toEqual([
      { target: 'input:lan', inInterface: { names: ['lan', 'lan6'], negated: false }, destinations: ['0.0.0.0/0', '::/0'] },
      // A zone that names no network takes its own name (fw3's rule).
      { target: 'input:wan', inInterface: { names: ['wan'], negated: false }, destinations: ['0.0.0.0/0', '::/0'] },
      { target: 'input:guest', inInterface: { names: ['br-guest'], negated: false }, destinations: ['0.0.0.0/0'] },
    ]);
    const policies = Object.values(d.rulesets).map((rs) => `${rs.name} ${rs.defaultAction} @${rs.origin.line}`);
    expect(policies).toEqual([
      'input deny @2', 'forward allow @3',
      'input:lan deny @4', 'forward:lan return @4',
      'input:wan deny @9', 'forward:wan return @7',
      'input:guest allow @15', 'forward:guest return @11',
    ]);
    expect(rules(d, 'forward:lan').map((r) => pick(r, ['action', 'outInterface', 'line']))).toEqual([
      { action: 'allow', outInterface: { names: ['wan'], negated: false }, line: 16 },
      { action: 'allow', outInterface: { names: ['lan', 'lan6'], negated: false }, line: 3 },
    ]);
    expect(codes(result)).toEqual([]);
  });

  it('a zone with a masquerade faces the internet even when it is not called wan; without one, a note', () => {
    const masq = device(parseLines(['config zone', '\toption name uplink', '\toption network isp', '\toption masq 1']));
    expect(masq.externalInterfaces).toEqual(['isp']);
    const none = parseLines(['config zone', '\toption name lan', '\toption network lan']);
    expect(device(none).externalInterfaces).toEqual([]);
    expect(codes(none)).toEqual(['no-outside-zone@1']);
  });

  it("a zone's `subnet` narrows its jump to those sources (with its networks, both must hold)", () => {
    const d = device(parseLines(['config zone', '\toption name vpn', "\toption subnet '10.8.0.0/24 fd00:8::/64'", 'config zone', '\toption name dmz', '\toption network dmz', '\tlist subnet 192.0.2.0/28']));
    expect(rules(d, 'input').map((r) => pick(r, ['target', 'inInterface', 'sources']))).toEqual([
      { target: 'input:vpn', inInterface: undefined, sources: ['10.8.0.0/24', 'fd00:8::/64'] },
      { target: 'input:dmz', inInterface: { names: ['dmz'], negated: false }, sources: ['192.0.2.0/28'] },
    ]);
  });

  it('redirects are port forwards, disabled ones included', () => {
    const result = parseLines([
      ...ZONES,
      'config redirect', '\toption src wan', '\toption src_dport 3389', '\toption dest_ip 192.168.1.20', '\toption proto tcp',
      'config redirect', '\toption src wan', '\toption src_dport 2222', '\toption dest_port 22', '\toption proto tcp', '\toption enabled 0',
    ]);
    expect(device(result).forwards.map(forwardView)).toEqual([
      { line: 12, protocols: 'tcp', external: '0.0.0.0/0:3389', internal: '192.168.1.20/32:3389', via: ['wan', 'wan6'], enabled: true },
      { line: 17, protocols: 'tcp', external: '0.0.0.0/0:2222', internal: 'router:22', via: ['wan', 'wan6'], enabled: false },
    ]);
    expect(device(result).forwards.map((f) => f.ruleId)).toEqual(['dstnat#1', 'dstnat#2']);
  });

  it('options that open nothing are ignored; unknown options and sections are reported', () => {
    const lines = [
      'package firewall',
      'config defaults', '\toption syn_flood 1', '\toption flow_offloading 1', '\toption input bogus',
      ...ZONES.map((l) => l),
      '\toption mtu_fix 1', '\toption frobnicate 1',
      'config nat', '\toption src lan', '\toption target MASQUERADE',
      'config include', '\toption path /etc/firewall.user', '\toption reload 1',
      'config wireless', '\toption ssid x',
    ];
    const result = parseLines(lines);
    expectAccounted(result, lines.length);
    expect(codes(result)).toEqual(['invalid-value@5', 'unrecognised-line@18', 'include-not-read@22', 'unrecognised-line@25']);
    expect(result.lines).toEqual({ total: 26, recognised: 16, ignored: 7, reported: 3 });
  });

  it('names the device after the file', () => {
    expect(device(parseLines(ZONES, 'etc/config/firewall')).name).toBe('firewall');
    expect(device(parseLines(ZONES, 'routers/edge-a.uci')).name).toBe('edge-a');
  });

  it('an empty file is an empty firewall', () => {
    const result = parseLines([]);
    expect(result.diagnostics).toEqual([]);
    expect(Object.keys(device(result).rulesets)).toEqual(['input', 'forward']);
    expect(lineCount('')).toBe(1);
  });
});
