import { describe, expect, it } from 'vitest';
import { codes, device, expectAccounted, forwardView, parseLines, pick, rules, type RuleView } from './mikrotik-helpers.js';

/*
 * The RouterOS model, entry by entry. Every case starts with the same lines (1-7: the WAN and LAN
 * interface lists); its own lines follow from line 8: the rules of one ruleset (only the fields
 * the case names) and the diagnostics by code and line.
 */

const BASE = [
  '# 2026-02-03 10:11:12 by RouterOS 7.16.2',
  '/interface list', 'add name=WAN', 'add name=LAN',
  '/interface list member', 'add interface=ether1 list=WAN', 'add interface=bridge list=LAN',
];

interface Case {
  name: string;
  lines: string[];
  ruleset: string;
  keys: (keyof RuleView)[];
  rules: Partial<RuleView>[];
  codes?: string[];
}

const cases: Case[] = [
  {
    name: 'an accept in the input chain',
    lines: ['/ip firewall filter', 'add action=accept chain=input dst-port=22 protocol=tcp'],
    ruleset: 'filter:input',
    keys: ['action', 'protocols', 'sources', 'destinations', 'destinationPorts', 'line'],
    rules: [{ action: 'allow', protocols: 'tcp', sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/0'], destinationPorts: '22', line: 9 }],
  },
  {
    name: 'port lists, ranges and negation; a negated protocol; ranges of addresses',
    lines: [
      '/ip firewall filter',
      'add action=drop chain=input dst-port=!22,80-90 protocol=tcp',
      'add action=drop chain=input protocol=!udp src-address=10.0.0.1-10.0.0.6',
      'add action=drop chain=input dst-address=!192.168.0.0/16 src-port=53 protocol=udp',
    ],
    ruleset: 'filter:input',
    keys: ['protocols', 'sources', 'destinations', 'sourcePorts', 'destinationPorts'],
    rules: [
      { protocols: 'tcp', sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/0'], sourcePorts: 'all', destinationPorts: '0-21,23-79,91-65535' },
      { protocols: '0-16,18-255', sources: ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32'], destinations: ['0.0.0.0/0'], sourcePorts: 'all', destinationPorts: 'all' },
      { protocols: 'udp', sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/9', '192.128.0.0/11', '192.160.0.0/13', '192.169.0.0/16', '192.170.0.0/15', '192.172.0.0/14', '192.176.0.0/12', '192.192.0.0/10', '193.0.0.0/8', '194.0.0.0/7', '196.0.0.0/6', '200.0.0.0/5', '208.0.0.0/4', '224.0.0.0/3'], sourcePorts: '53', destinationPorts: 'all' },
    ],
  },
  {
    name: 'connection states: established and related open nothing new',
    lines: [
      '/ip firewall filter',
      'add action=accept chain=input connection-state=established,related,untracked',
      'add action=drop chain=input connection-state=invalid',
      'add action=accept chain=input connection-state=new dst-port=443 protocol=tcp',
      'add action=drop chain=input connection-state=!established,related',
    ],
    ruleset: 'filter:input',
    keys: ['action', 'matchesNew'],
    rules: [{ action: 'allow', matchesNew: false }, { action: 'deny', matchesNew: false }, { action: 'allow', matchesNew: true }, { action: 'deny', matchesNew: true }],
  },
  {
    name: 'interfaces and interface lists, negated and quoted',
    lines: [
      '/ip firewall filter',
      'add action=drop chain=input in-interface-list=!LAN',
      'add action=drop chain=forward in-interface-list=WAN out-interface="wan B"',
      'add action=accept chain=input in-interface=all-ppp',
    ],
    ruleset: 'filter:input',
    keys: ['action', 'inInterface', 'exact'],
    rules: [{ action: 'deny', inInterface: { names: ['bridge'], negated: true }, exact: true }, { action: 'allow', inInterface: undefined, exact: false }],
  },
  {
    name: 'an interface list with no members may match any interface',
    lines: ['/interface list', 'add name=VPN', '/ip firewall filter', 'add action=drop chain=input in-interface-list=VPN', 'add action=drop chain=input in-interface-list=NOPE'],
    ruleset: 'filter:input',
    keys: ['inInterface', 'exact', 'symbolic'],
    rules: [{ inInterface: undefined, exact: false, symbolic: ['interface-list:VPN'] }, { inInterface: undefined, exact: false, symbolic: ['interface-list:NOPE'] }],
    codes: ['unresolved-reference@11', 'unresolved-reference@12'],
  },
  {
    name: 'address lists: static entries, negation, temporary entries, host names, lists filled at run time',
    lines: [
      '/ip firewall address-list',
      'add address=198.51.100.0/24 list=office',
      'add address=203.0.113.7 list=office',
      'add address=203.0.113.9 disabled=yes list=office',
      'add address=0.0.0.0/1 list=lower-half',
      'add address=192.0.2.0/24 list=temp timeout=1d',
      'add address=vpn.example.com list=named',
      '/ip firewall filter',
      'add action=accept chain=input dst-port=22 protocol=tcp src-address-list=office',
      'add action=accept chain=input dst-port=23 protocol=tcp src-address-list=!lower-half',
      'add action=drop chain=input src-address-list=temp',
      'add action=accept chain=input dst-port=8291 protocol=tcp src-address-list=named',
      'add action=add-src-to-address-list address-list=knockers chain=input dst-port=1234 protocol=tcp',
      'add action=accept chain=input src-address-list=knockers',
      'add action=accept chain=input src-address-list=nobody',
    ],
    ruleset: 'filter:input',
    keys: ['action', 'sources', 'exact', 'symbolic'],
    rules: [
      { action: 'allow', sources: ['198.51.100.0/24', '203.0.113.7/32'], exact: true, symbolic: [] },
      { action: 'allow', sources: ['128.0.0.0/1'], exact: true, symbolic: [] },
      { action: 'deny', sources: ['192.0.2.0/24'], exact: false, symbolic: [] },
      { action: 'allow', sources: [], exact: false, symbolic: ['dns:vpn.example.com'] },
      { action: 'continue', sources: ['0.0.0.0/0'], exact: true, symbolic: [] },
      { action: 'allow', sources: [], exact: false, symbolic: ['address-list:knockers'] },
      { action: 'allow', sources: [], exact: false, symbolic: ['address-list:nobody'] },
    ],
    codes: ['dynamic-address-list@21', 'unresolved-reference@22'],
  },
  {
    name: 'jumps into custom chains, which return; disabled entries stay, disabled',
    lines: [
      '/ip firewall filter',
      'add action=jump chain=input in-interface-list=WAN jump-target=from-wan',
      'add action=accept chain=from-wan dst-port=443 protocol=tcp',
      'add action=accept chain=from-wan disabled=yes dst-port=23 protocol=tcp',
      'add action=return chain=from-wan',
    ],
    ruleset: 'filter:from-wan',
    keys: ['action', 'destinationPorts', 'enabled', 'line'],
    rules: [
      { action: 'allow', destinationPorts: '443', enabled: true, line: 10 },
      { action: 'allow', destinationPorts: '23', enabled: false, line: 11 },
      { action: 'return', destinationPorts: 'all', enabled: true, line: 12 },
    ],
  },
  {
    name: '`port=` is either port: a rule by destination port, then one by source port',
    lines: ['/ip firewall filter', 'add action=accept chain=input port=53 protocol=udp'],
    ruleset: 'filter:input',
    keys: ['destinationPorts', 'sourcePorts'],
    rules: [{ destinationPorts: '53', sourcePorts: 'all' }, { destinationPorts: 'all', sourcePorts: '53' }],
  },
  {
    name: 'IPsec-only traffic opens nothing from the internet; conditions the model does not capture may match',
    lines: [
      '/ip firewall filter',
      'add action=accept chain=forward ipsec-policy=in,ipsec',
      'add action=accept chain=forward ipsec-policy=out,none',
      'add action=drop chain=forward layer7-protocol=ECH',
      'add action=accept chain=forward dst-address-type=local',
    ],
    ruleset: 'filter:forward',
    keys: ['matchesNew', 'exact'],
    rules: [{ matchesNew: false, exact: true }, { matchesNew: true, exact: true }, { matchesNew: true, exact: false }, { matchesNew: true, exact: false }],
  },
  {
    name: 'actions: passthrough, log, list additions and fasttrack decide nothing; tarpit drops',
    lines: [
      '/ip firewall filter',
      'add action=passthrough chain=input',
      'add action=log chain=input log-prefix=x',
      'add action=fasttrack-connection chain=forward connection-state=established,related hw-offload=yes',
      'add action=tarpit chain=input dst-port=23 protocol=tcp',
    ],
    ruleset: 'filter:input',
    keys: ['action'],
    rules: [{ action: 'continue' }, { action: 'continue' }, { action: 'deny' }],
  },
  {
    name: 'NAT: dst-nat, netmap and redirect translate; masquerade opens nothing',
    lines: [
      '/ip firewall nat',
      'add action=masquerade chain=srcnat out-interface-list=WAN',
      'add action=dst-nat chain=dstnat dst-port=3389 in-interface-list=WAN protocol=tcp to-addresses=192.168.88.20 to-ports=3389',
      'add action=netmap chain=dstnat dst-port=8888 in-interface=ether1 protocol=tcp to-addresses=192.168.88.1 to-ports=80',
      'add action=dst-nat chain=dstnat dst-port=2222 protocol=tcp to-ports=22',
      'add action=redirect chain=dstnat dst-port=53 protocol=udp to-ports=53',
    ],
    ruleset: 'nat:dstnat',
    keys: ['action', 'protocols', 'destinationPorts', 'inInterface', 'translation', 'line'],
    rules: [
      { action: 'dnat', protocols: 'tcp', destinationPorts: '3389', inInterface: { names: ['ether1'], negated: false }, translation: '192.168.88.20:3389', line: 10 },
      { action: 'dnat', protocols: 'tcp', destinationPorts: '8888', inInterface: { names: ['ether1'], negated: false }, translation: '192.168.88.1:80', line: 11 },
      { action: 'redirect', protocols: 'tcp', destinationPorts: '2222', inInterface: undefined, translation: 'this router:22', line: 12 },
      { action: 'redirect', protocols: 'udp', destinationPorts: '53', inInterface: undefined, translation: 'this router:53', line: 13 },
    ],
    codes: ['no-filter-rules@1'],
  },
  {
    name: '`connection-nat-state=dstnat`: the entry once per translation of a dst-nat rule',
    lines: [
      '/ip firewall nat',
      'add action=dst-nat chain=dstnat dst-port=3389 in-interface=ether1 protocol=tcp to-addresses=192.168.88.20',
      'add action=dst-nat chain=dstnat dst-port=8080 in-interface=ether1 protocol=tcp to-addresses=192.168.88.21 to-ports=80',
      'add action=dst-nat chain=dstnat disabled=yes dst-port=23 in-interface=ether1 protocol=tcp to-addresses=192.168.88.22',
      '/ip firewall filter',
      'add action=accept chain=forward connection-nat-state=dstnat',
    ],
    ruleset: 'filter:forward',
    keys: ['action', 'protocols', 'destinations', 'destinationPorts', 'inInterface', 'line'],
    rules: [
      { action: 'allow', protocols: 'tcp', destinations: ['192.168.88.20/32'], destinationPorts: '3389', inInterface: { names: ['ether1'], negated: false }, line: 13 },
      { action: 'allow', protocols: 'tcp', destinations: ['192.168.88.21/32'], destinationPorts: '80', inInterface: { names: ['ether1'], negated: false }, line: 13 },
    ],
  },
  {
    name: '`connection-nat-state=!dstnat`: a ruleset that lets the translated connections return first',
    lines: [
      '/ip firewall nat',
      'add action=dst-nat chain=dstnat dst-port=3389 in-interface=ether1 protocol=tcp to-addresses=192.168.88.20',
      '/ip firewall filter',
      'add action=drop chain=forward connection-nat-state=!dstnat connection-state=new in-interface-list=WAN',
    ],
    ruleset: 'filter:forward:not-dstnat@11',
    keys: ['action', 'protocols', 'destinations', 'destinationPorts', 'line'],
    rules: [
      { action: 'return', protocols: 'tcp', destinations: ['192.168.88.20/32'], destinationPorts: '3389', line: 9 },
      { action: 'deny', protocols: 'all', destinations: ['0.0.0.0/0'], destinationPorts: 'all', line: 11 },
    ],
  },
  {
    name: 'raw prerouting is its own ruleset',
    lines: ['/ip firewall raw', 'add action=drop chain=prerouting dst-port=3389 protocol=tcp', 'add action=notrack chain=prerouting src-address=10.0.0.0/8'],
    ruleset: 'raw:prerouting',
    keys: ['action', 'destinationPorts'],
    rules: [{ action: 'deny', destinationPorts: '3389' }, { action: 'allow', destinationPorts: 'all' }],
    codes: ['no-filter-rules@1'],
  },
  {
    name: 'the one-line style reads the same',
    lines: ['/ip firewall filter add action=accept chain=input dst-port=22 protocol=tcp', '/ip/firewall/filter/add action=drop chain=input'],
    ruleset: 'filter:input',
    keys: ['action', 'destinationPorts', 'line'],
    rules: [{ action: 'allow', destinationPorts: '22', line: 8 }, { action: 'deny', destinationPorts: 'all', line: 9 }],
  },
];

describe('mikrotik model: entries', () => {
  for (const c of cases) {
    it(c.name, () => {
      const lines = [...BASE, ...c.lines];
      const result = parseLines(lines);
      expectAccounted(result, lines.length);
      const got = rules(device(result), c.ruleset).map((r) => pick(r, c.keys));
      expect(got).toEqual(c.rules);
      expect(codes(result)).toEqual(c.codes ?? []);
    });
  }
});

describe('mikrotik model: the device', () => {
  it('the pipeline: martians, raw, dstnat, the input and forward chains; built-in chains accept by default', () => {
    const result = parseLines([
      ...BASE,
      '/ip firewall raw', 'add action=drop chain=prerouting src-address=192.0.2.0/24',
      '/ip firewall nat', 'add action=dst-nat chain=dstnat dst-port=80 in-interface-list=WAN protocol=tcp to-addresses=192.168.88.5',
      '/ip firewall filter', 'add action=jump chain=forward jump-target=mine', 'add action=accept chain=mine',
      '/system identity', 'set name=edge',
    ]);
    const d = device(result);
    expect(d.name).toBe('edge');
    expect(d.family).toBe('ipv4');
    expect(d.pipeline).toEqual({ prerouting: ['martians', 'raw:prerouting'], dnat: ['nat:dstnat'], input: ['filter:input'], forward: ['filter:forward'] });
    expect(Object.values(d.rulesets).map((rs) => `${rs.name} ${rs.defaultAction} ${rs.builtin} @${rs.origin.line}`)).toEqual([
      'filter:input allow true @12', 'filter:forward allow true @13', 'filter:mine return false @14',
      'nat:dstnat allow true @11', 'raw:prerouting allow true @9', 'martians allow true @1',
    ]);
    expect(rules(d, 'martians').map((r) => pick(r, ['action', 'destinations']))).toEqual([{ action: 'deny', destinations: ['127.0.0.0/8'] }]);
    expect(d.forwards.map(forwardView)).toEqual([
      { line: 11, protocols: 'tcp', external: '0.0.0.0/0:80', internal: '192.168.88.5/32:same', via: ['ether1'], enabled: true },
    ]);
    expect(d.forwards[0]!.ruleId).toBe('nat:dstnat#1');
  });

  it("a dst-nat to one of the router's own addresses delivers to the router", () => {
    const d = device(parseLines([
      '/ip address', 'add address=192.168.88.1/24 interface=bridge',
      '/ip firewall nat', 'add action=netmap chain=dstnat dst-port=9999 in-interface=ether1 protocol=tcp to-addresses=192.168.88.1 to-ports=8291',
    ]));
    expect(rules(d, 'nat:dstnat').map((r) => pick(r, ['action', 'translation']))).toEqual([{ action: 'redirect', translation: '192.168.88.1 (this router):8291' }]);
    expect(d.forwards.map(forwardView)).toEqual([{ line: 4, protocols: 'tcp', external: '0.0.0.0/0:9999', internal: 'router:8291', via: ['ether1'], enabled: true }]);
  });

  it('with IPv6 configured, each stage dispatches by family into the /ip and /ipv6 chains', () => {
    const d = device(parseLines([...BASE, '/ipv6 address', 'add address=2001:db8::1 interface=bridge', '/ipv6 firewall filter', 'add action=drop chain=input in-interface-list=WAN']));
    expect(d.family).toBe('mixed');
    expect(d.pipeline).toEqual({ prerouting: ['martians'], dnat: [], input: ['input'], forward: ['forward'] });
    expect(rules(d, 'input').map((r) => pick(r, ['action', 'target', 'destinations']))).toEqual([
      { action: 'jump', target: 'filter:input', destinations: ['0.0.0.0/0'] },
      { action: 'jump', target: 'filter6:input', destinations: ['::/0'] },
    ]);
    expect(rules(d, 'filter6:input').map((r) => pick(r, ['action', 'sources']))).toEqual([{ action: 'deny', sources: ['::/0'] }]);
  });

  it('IPv6 switched off: the /ipv6 firewall stays out of the pipeline, with a note', () => {
    const result = parseLines([...BASE, '/ipv6 settings', 'set disable-ipv6=yes', '/ipv6 firewall filter', 'add action=accept chain=input', '/ip firewall filter', 'add action=drop chain=input']);
    expect(device(result).family).toBe('ipv4');
    expect(device(result).pipeline.input).toEqual(['filter:input']);
    expect(Object.keys(device(result).rulesets)).toEqual(['filter:input', 'filter:forward', 'filter6:input', 'filter6:forward', 'martians']);
    expect(codes(result)).toEqual(['ipv6-disabled@11']);
  });

  it('the outside: the WAN list, then what source NAT masquerades to, then dst-nat interfaces, then DHCP clients', () => {
    const outside: { lines: string[]; external: string[] }[] = [
      { lines: BASE, external: ['ether1'] },
      { lines: ['/ip firewall nat', 'add action=masquerade chain=srcnat out-interface=pppoe-out1'], external: ['pppoe-out1'] },
      { lines: ['/ip firewall nat', 'add action=dst-nat chain=dstnat in-interface=sfp1 dst-port=80 protocol=tcp to-addresses=10.0.0.2'], external: ['sfp1'] },
      { lines: ['/ip dhcp-client', 'add interface=ether5', 'add disabled=yes interface=ether6'], external: ['ether5'] },
      { lines: ['/interface detect-internet', 'set wan-interface-list=UPLINKS', '/interface list member', 'add interface=lte1 list=UPLINKS'], external: ['lte1'] },
      { lines: ['/ip firewall filter', 'add action=accept chain=input'], external: [] },
    ];
    for (const o of outside) expect(device(parseLines(o.lines)).externalInterfaces).toEqual(o.external);
  });

  it('an export without filter rules accepts everything, and says so; UPnP is noted', () => {
    const result = parseLines(['# jan/02/1970 00:00:00 by RouterOS 6.49', '/ip upnp', 'set enabled=yes', '/ip upnp interfaces', 'add interface=ether1 type=external']);
    expect(codes(result)).toEqual(['no-filter-rules@1', 'upnp-enabled@3']);
    expect(Object.values(device(result).rulesets).map((rs) => `${rs.name} ${rs.defaultAction} ${rs.rules.length}`)).toEqual(['filter:input allow 0', 'filter:forward allow 0', 'martians allow 1']);
  });

  it('every line is accounted for: unrelated menus ignored, what is not understood reported', () => {
    const lines = [
      '# 2026-02-03 10:11:12 by RouterOS 7.16.2',
      'add action=accept chain=input',
      '/interface ethernet',
      'set [ find default-name=ether1 ] name=wan \\',
      '    comment="uplink"',
      '/ip firewall filter',
      'add action=accept chain=input dst-port=80,ninety protocol=tcp',
      'add action=accept chain=input comment="open',
      'set [ find comment=old ] disabled=yes',
      'frobnicate chain=input',
      'add action=teleport chain=input',
      'add action=accept chain=input fancy-match=yes',
      ':global foo "bar"',
      '',
    ];
    const result = parseLines(lines);
    expectAccounted(result, lines.length);
    expect(codes(result)).toEqual([
      'unrecognised-line@2', 'invalid-value@7', 'invalid-value@8', 'unsupported-command@9', 'unrecognised-line@10',
      'unsupported-action@11', 'unsupported-match@12', 'unrecognised-line@13',
    ]);
    expect(result.lines).toEqual({ total: 14, recognised: 3, ignored: 5, reported: 6 });
  });
});
