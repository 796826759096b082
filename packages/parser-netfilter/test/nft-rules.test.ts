import { describe, expect, it } from 'vitest';
import { view, pick, type RuleView } from './helpers.js';
import { allRules, device, parseNft, scanText } from './nft-helpers.js';

/*
 * One rule at a time, in a base chain of a table of the given family: what the model makes of it.
 * Each case states only the fields it is about.
 */

function rulesOf(rule: string, family = 'inet', extra = ''): RuleView[] {
  const text = `table ${family} t {\n${extra}\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\t${rule}\n\t}\n\tchain other {\n\t}\n}\n`;
  const result = parseNft(text);
  expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  return allRules(result).filter((r) => r.id.startsWith(`${family} t/c#`)).map(view);
}

interface Case {
  rule: string;
  family?: string;
  sets?: string;
  expect: Partial<RuleView>[];
}

const cases: Case[] = [
  { rule: 'tcp dport 22 accept', expect: [{ action: 'allow', protocols: 'tcp', destinationPorts: '22', sources: ['0.0.0.0/0', '::/0'], exact: true }] },
  { rule: 'tcp dport { 22, 23 } accept', expect: [{ protocols: 'tcp', destinationPorts: '22-23' }] },
  { rule: 'udp dport 60000-61000 drop', expect: [{ action: 'deny', protocols: 'udp', destinationPorts: '60000-61000' }] },
  { rule: 'tcp dport != 1-1023 accept', expect: [{ destinationPorts: '0,1024-65535' }] },
  { rule: 'tcp dport ssh accept', expect: [{ destinationPorts: '22' }] },
  { rule: 'tcp sport 53 accept', expect: [{ sourcePorts: '53', destinationPorts: 'all' }] },
  { rule: 'meta l4proto { tcp, udp } th dport 53 accept', expect: [{ protocols: 'tcp,udp', destinationPorts: '53' }] },
  { rule: 'th dport 53 accept', expect: [{ protocols: 'tcp,udp,33,sctp,136', destinationPorts: '53' }] },
  { rule: 'meta l4proto != { icmp, ipv6-icmp } drop', expect: [{ protocols: '0,2-57,59-255' }] },
  { rule: 'ip protocol gre accept', expect: [{ protocols: 'gre', sources: ['0.0.0.0/0'] }] },
  { rule: 'ip6 nexthdr ipv6-icmp accept', expect: [{ protocols: 'icmpv6', sources: ['::/0'] }] },
  { rule: 'ip saddr 10.0.0.0/8 accept', expect: [{ sources: ['10.0.0.0/8'], destinations: ['0.0.0.0/0'] }] },
  { rule: 'ip saddr != 10.0.0.0/8 accept', expect: [{ sources: ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'] }] },
  { rule: 'ip6 saddr { 2001:db8::1-2001:db8::2 } accept', expect: [{ sources: ['2001:db8::1/128', '2001:db8::2/128'] }] },
  { rule: 'ip daddr 192.0.2.1 ip saddr { 198.51.100.0/24, 203.0.113.7 } accept', expect: [{ destinations: ['192.0.2.1/32'], sources: ['198.51.100.0/24', '203.0.113.7/32'] }] },
  { rule: 'meta nfproto ipv6 tcp dport 80 accept', expect: [{ sources: ['::/0'], destinations: ['::/0'] }] },
  { rule: 'ip saddr 10.0.0.1 ip6 daddr ::1 accept', expect: [{ sources: [], destinations: [] }] },
  { rule: 'tcp dport 22 accept', family: 'ip', expect: [{ sources: ['0.0.0.0/0'] }] },
  { rule: 'tcp dport 22 accept', family: 'ip6', expect: [{ sources: ['::/0'] }] },
  { rule: 'iif "lo" accept', expect: [{ inInterface: { names: ['lo'], negated: false } }] },
  { rule: 'iifname != "eth0" oifname { "eth1", "wg*" } accept', expect: [{ inInterface: { names: ['eth0'], negated: true }, outInterface: { names: ['eth1', 'wg*'], negated: false } }] },
  { rule: 'ct state established,related accept', expect: [{ matchesNew: false }] },
  { rule: 'ct state new tcp dport 22 accept', expect: [{ matchesNew: true }] },
  { rule: 'ct state != established accept', expect: [{ matchesNew: true }] },
  { rule: 'ct state invalid drop', expect: [{ action: 'deny', matchesNew: false }] },
  { rule: 'ct status dnat accept', expect: [{ matchesNew: true, exact: false }] },
  { rule: 'tcp dport 22 counter packets 7 bytes 420 log prefix "ssh " accept comment "admins"', expect: [{ action: 'allow', exact: true, text: 'tcp dport 22 counter log prefix "ssh " accept comment "admins"', description: 'admins' }] },
  { rule: 'tcp dport 22', expect: [{ action: 'continue' }] },
  { rule: 'reject with icmpx type admin-prohibited', expect: [{ action: 'reject' }] },
  { rule: 'tcp dport 23 reject with tcp reset', expect: [{ action: 'reject', destinationPorts: '23' }] },
  { rule: 'return', expect: [{ action: 'return' }] },
  { rule: 'jump other', expect: [{ action: 'jump', target: 'inet t/other' }] },
  { rule: 'tcp dport 2222 goto other', expect: [{ action: 'goto', target: 'inet t/other' }] },
  { rule: 'queue num 1 bypass', expect: [{ action: 'allow', exact: false }] },
  { rule: 'limit rate 10/second burst 5 packets accept', expect: [{ action: 'allow', exact: false, protocols: 'all' }] },
  { rule: 'icmp type echo-request accept', expect: [{ protocols: 'icmp', sources: ['0.0.0.0/0'], exact: false }] },
  { rule: 'tcp flags & (fin | syn | rst | ack) != syn drop', expect: [{ action: 'deny', exact: false }] },
  { rule: 'fib saddr . iif oif 0 drop', expect: [{ action: 'deny', exact: false }] },
  { rule: 'meta mark 0x1 accept', expect: [{ exact: false }] },
  // Verdict maps: one rule per element.
  {
    rule: 'tcp dport vmap { 22 : accept, 80 : drop, 8080 : jump other }',
    expect: [
      { action: 'allow', destinationPorts: '22', text: 'tcp dport vmap { 22 : accept, 80 : drop, 8080 : jump other } (22 : accept)' },
      { action: 'deny', destinationPorts: '80' },
      { action: 'jump', destinationPorts: '8080', target: 'inet t/other' },
    ],
  },
  {
    rule: 'ct state vmap { established : accept, related : accept, invalid : drop, new : jump other }',
    expect: [{ matchesNew: false }, { matchesNew: false }, { action: 'deny', matchesNew: false }, { action: 'jump', matchesNew: true }],
  },
  {
    rule: 'meta nfproto vmap { ipv4 : jump other, ipv6 : drop }',
    expect: [{ action: 'jump', sources: ['0.0.0.0/0'] }, { action: 'deny', sources: ['::/0'] }],
  },
  {
    rule: 'iifname vmap @ifs',
    sets: '\tmap ifs {\n\t\ttype ifname : verdict\n\t\telements = { "eth0" : jump other, "eth1" : accept }\n\t}\n',
    expect: [{ action: 'jump', inInterface: { names: ['eth0'], negated: false } }, { action: 'allow', inInterface: { names: ['eth1'], negated: false } }],
  },
  // Named sets.
  {
    rule: 'ip saddr @admins tcp dport @ports accept',
    sets: '\tset admins {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.0.0.0/8, 192.0.2.7 }\n\t}\n\tset ports {\n\t\ttype inet_service\n\t\telements = { 22, 443 }\n\t}\n',
    expect: [{ sources: ['10.0.0.0/8', '192.0.2.7/32'], destinationPorts: '22,443', exact: true, symbolic: [] }],
  },
  // Concatenations: exact with one element, a may-match box with several.
  { rule: 'ip saddr . tcp dport { 10.0.0.1 . 22 } accept', expect: [{ sources: ['10.0.0.1/32'], destinationPorts: '22', exact: true }] },
  { rule: 'ip saddr . tcp dport { 10.0.0.1 . 22, 10.0.0.2 . 80 } accept', expect: [{ sources: ['10.0.0.1/32', '10.0.0.2/32'], destinationPorts: '22,80', exact: false }] },
];

describe('nftables rules', () => {
  for (const c of cases) {
    it(`${c.family ?? 'inet'}: ${c.rule}`, () => {
      const views = rulesOf(c.rule, c.family, c.sets);
      expect(views).toHaveLength(c.expect.length);
      c.expect.forEach((e, i) => expect(pick(views[i]!, Object.keys(e))).toEqual(e));
    });
  }

  it('a set filled at run time leaves the rule may-match, with a diagnostic', () => {
    const text = 'table inet t {\n\tset banned {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t}\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tip saddr @banned drop\n\t}\n}\n';
    const result = parseNft(text);
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['runtime-set', 2]]);
    expect(pick(view(allRules(result)[0]!), ['sources', 'exact', 'symbolic'])).toEqual({ sources: ['0.0.0.0/0'], exact: false, symbolic: ['set:banned'] });
  });

  it('an anonymous chain becomes a ruleset of its own, entered by a jump', () => {
    const text = 'table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\ttcp dport 22 jump {\n\t\t\tip saddr 10.0.0.0/8 accept\n\t\t\tdrop\n\t\t}\n\t}\n}\n';
    const d = device(parseNft(text));
    expect(d.rulesets['inet t/c']!.rules.map((r) => [r.action, r.target, r.origin])).toEqual([['jump', 'inet t/c{1}', { file: 'test.nft', line: 4, endLine: 7 }]]);
    expect(d.rulesets['inet t/c{1}']).toMatchObject({ builtin: false, defaultAction: 'return', origin: { line: 4 } });
    expect(d.rulesets['inet t/c{1}']!.rules.map((r) => [r.action, r.origin.line])).toEqual([['allow', 5], ['deny', 6]]);
  });

  it('base chains keep their policy; regular chains return', () => {
    const d = device(parseNft('table ip t {\n\tchain a {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n\tchain b {\n\t}\n\tchain n {\n\t\ttype nat hook prerouting priority 0;\n\t}\n}\n'));
    expect(Object.values(d.rulesets).map((r) => [r.name, r.builtin, r.defaultAction, r.origin.line])).toEqual([
      ['ip t/a', true, 'deny', 2],
      ['ip t/b', false, 'return', 5],
      ['ip t/n', true, 'allow', 7],
    ]);
    expect(d.family).toBe('ipv4');
  });
});

describe('nftables JSON on one line', () => {
  // `nft -j list ruleset` prints the whole ruleset on one line: two accepts for SSH from the two
  // halves of the IPv4 space are two findings there too, told apart by their columns, as they are
  // two findings at two lines of the text listing.
  const accept = (half: string): string =>
    `{"rule":{"family":"inet","table":"filter","chain":"input","handle":2,"expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"saddr"}},"right":{"prefix":{"addr":"${half}","len":1}}}},{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":22}},{"accept":null}]}}`;
  const json = `{"nftables":[{"metainfo":{"version":"1.0.6","release_name":"Lester Gooch #5","json_schema_version":1}},{"table":{"family":"inet","name":"filter","handle":1}},{"chain":{"family":"inet","table":"filter","name":"input","handle":1,"type":"filter","hook":"input","prio":0,"policy":"drop"}},${accept('0.0.0.0')},${accept('128.0.0.0')}]}`;
  const text = ['table inet filter {', '\tchain input {', '\t\ttype filter hook input priority filter; policy drop;', '\t\tip saddr 0.0.0.0/1 tcp dport 22 accept', '\t\tip saddr 128.0.0.0/1 tcp dport 22 accept', '\t}', '}', ''].join('\n');

  it('keeps the findings of different rules apart, each at its own column', () => {
    const fromJson = scanText('gw.nft.json', json).findings.filter((f) => f.ruleId === 'no-public-ssh');
    const fromText = scanText('gw.nft', text).findings.filter((f) => f.ruleId === 'no-public-ssh');
    expect(fromText.map((f) => f.location.line)).toEqual([4, 5]);
    expect(fromJson.map((f) => [f.location.line, f.location.column])).toEqual([
      [1, json.indexOf('{"family":"inet","table":"filter","chain":"input","handle":2') + 1],
      [1, json.lastIndexOf('{"family":"inet","table":"filter","chain":"input","handle":2') + 1],
    ]);
    expect(fromJson.map((f) => [f.severity, f.exposure?.from])).toEqual(fromText.map((f) => [f.severity, f.exposure?.from]));
  });
});
