import { describe, expect, it } from 'vitest';
import { codes, parseText, pick, ruleAt, view, type RuleView } from './helpers.js';

/**
 * One rule per case, in a minimal file: `*TABLE`, the built-in chain headers, `:user - [0:0]`
 * and `:logdrop - [0:0]`, the rule on line RULE_LINE, COMMIT. Each case states only the fields it
 * is about.
 */
interface RuleCase {
  name: string;
  rule: string;
  table?: 'filter' | 'nat' | 'mangle';
  expect: Partial<RuleView>;
  /** Diagnostics expected on the rule's line (codes); none when absent. */
  diagnostics?: string[];
}

const RULE_LINE = 7;

function fileFor(c: RuleCase): string {
  const table = c.table ?? 'filter';
  const builtins = table === 'nat' ? ['PREROUTING', 'OUTPUT', 'POSTROUTING'] : ['INPUT', 'FORWARD', 'OUTPUT'];
  return [`*${table}`, ...builtins.map((b) => `:${b} ACCEPT [0:0]`), ':user - [0:0]', ':logdrop - [0:0]', c.rule, 'COMMIT', ''].join('\n');
}

function check(c: RuleCase): void {
  const result = parseText(fileFor(c));
  const rule = view(ruleAt(result, RULE_LINE));
  expect(pick(rule, Object.keys(c.expect))).toEqual(c.expect);
  expect(codes(result).filter((d) => d.line === RULE_LINE).map((d) => d.code)).toEqual(c.diagnostics ?? []);
}

const ALL_V4 = ['0.0.0.0/0'];

describe('addresses', () => {
  const cases: RuleCase[] = [
    { name: 'absent is every IPv4 address', rule: '-A INPUT -j ACCEPT', expect: { sources: ALL_V4, destinations: ALL_V4 } },
    { name: 'CIDR', rule: '-A INPUT -s 198.51.100.0/24 -j ACCEPT', expect: { sources: ['198.51.100.0/24'], exact: true } },
    { name: 'dotted netmask', rule: '-A INPUT -s 192.168.134.0/255.255.255.0 -j ACCEPT', expect: { sources: ['192.168.134.0/24'] } },
    { name: 'bare address', rule: '-A INPUT -d 192.0.2.1 -j ACCEPT', expect: { destinations: ['192.0.2.1/32'] } },
    { name: 'host bits under the mask are dropped', rule: '-A INPUT -s 10.1.2.3/8 -j ACCEPT', expect: { sources: ['10.0.0.0/8'] } },
    { name: 'comma list', rule: '-A INPUT -s 10.1.0.0/16,10.3.0.0/16 -j ACCEPT', expect: { sources: ['10.1.0.0/16', '10.3.0.0/16'] } },
    {
      name: 'negated, modern syntax',
      rule: '-A INPUT ! -s 128.0.0.0/1 -j DROP',
      expect: { sources: ['0.0.0.0/1'], exact: true },
    },
    {
      name: 'negated, old syntax',
      rule: '-A INPUT -s ! 128.0.0.0/1 -j DROP',
      expect: { sources: ['0.0.0.0/1'], exact: true },
    },
    {
      name: 'negated destination, old syntax with a netmask',
      rule: '-A INPUT -d ! 192.0.0.0/192.0.0.0 -j DROP',
      expect: { destinations: ['0.0.0.0/1', '128.0.0.0/2'] },
    },
    { name: '0/0 as old iptables wrote it', rule: '-A INPUT -s 0/0 -j ACCEPT', expect: { sources: ALL_V4 } },
    {
      name: 'iprange source range',
      rule: '-A INPUT -m iprange --src-range 10.9.0.10-10.9.0.20 -j ACCEPT',
      expect: { sources: ['10.9.0.10/31', '10.9.0.12/30', '10.9.0.16/30', '10.9.0.20/32'], exact: true },
    },
    {
      name: 'negated iprange destination range',
      rule: '-A INPUT -m iprange ! --dst-range 0.0.0.0-127.255.255.255 -j DROP',
      expect: { destinations: ['128.0.0.0/1'] },
    },
    {
      name: 'iprange and -s together intersect',
      rule: '-A INPUT -s 10.9.0.0/24 -m iprange --src-range 10.9.0.128-10.9.1.5 -j ACCEPT',
      expect: { sources: ['10.9.0.128/25'] },
    },
    {
      name: 'ipset stays symbolic',
      rule: '-A INPUT -m set --match-set blocklist src -j DROP',
      expect: { sources: ALL_V4, symbolic: ['ipset:blocklist'], exact: false },
      diagnostics: ['unresolved-reference'],
    },
    {
      name: 'negated ipset on destinations',
      rule: '-A INPUT -m set ! --match-set servers dst,dst -j DROP',
      expect: { destinations: ALL_V4, symbolic: ['ipset:servers'], exact: false },
      diagnostics: ['unresolved-reference'],
    },
    {
      name: 'a host name stays symbolic',
      rule: '-A INPUT -s backup.example.org -j ACCEPT',
      expect: { sources: ALL_V4, symbolic: ['host:backup.example.org'], exact: false },
      diagnostics: ['unresolved-reference'],
    },
    {
      name: 'an invalid address is reported and the rule may match',
      rule: '-A INPUT -s 10.0.0.300 -j ACCEPT',
      expect: { sources: ALL_V4, exact: false },
      diagnostics: ['invalid-value'],
    },
    {
      name: 'two -s options are reported',
      rule: '-A INPUT -s 10.0.0.0/8 -s 10.1.0.0/16 -j ACCEPT',
      expect: { sources: ['10.1.0.0/16'], exact: false },
      diagnostics: ['duplicate-option'],
    },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe('protocols', () => {
  const cases: RuleCase[] = [
    { name: 'absent is every protocol', rule: '-A INPUT -j ACCEPT', expect: { protocols: 'all' } },
    { name: 'a name', rule: '-A INPUT -p udp -j ACCEPT', expect: { protocols: 'udp' } },
    { name: 'upper case', rule: '-A INPUT -p ICMP -j ACCEPT', expect: { protocols: 'icmp' } },
    { name: 'a number', rule: '-A INPUT -p 47 -j ACCEPT', expect: { protocols: 'gre' } },
    { name: 'all', rule: '-A INPUT -p all -j ACCEPT', expect: { protocols: 'all' } },
    { name: 'negated', rule: '-A INPUT ! -p tcp -j DROP', expect: { protocols: '0-5,7-255', exact: true } },
    { name: 'negated, old syntax', rule: '-A INPUT -p ! tcp -j DROP', expect: { protocols: '0-5,7-255' } },
    { name: 'ipv6-icmp', rule: '-A INPUT -s 2001:db8::/32 -p ipv6-icmp -j ACCEPT', expect: { protocols: 'icmpv6' } },
    {
      name: 'an unknown protocol is reported',
      rule: '-A INPUT -p bogus -j ACCEPT',
      expect: { protocols: 'all', exact: false },
      diagnostics: ['invalid-value'],
    },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe('ports', () => {
  const cases: RuleCase[] = [
    { name: 'absent is every port', rule: '-A INPUT -p tcp -j ACCEPT', expect: { sourcePorts: 'all', destinationPorts: 'all' } },
    { name: '--dport', rule: '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', expect: { destinationPorts: '22', exact: true } },
    { name: '--sport', rule: '-A INPUT -p udp -m udp --sport 53 -j ACCEPT', expect: { sourcePorts: '53', destinationPorts: 'all' } },
    { name: 'long option names', rule: '-A INPUT -p tcp -m tcp --source-port 1024 --destination-port 25 -j ACCEPT', expect: { sourcePorts: '1024', destinationPorts: '25' } },
    { name: 'a:b range', rule: '-A INPUT -p tcp -m tcp --dport 1024:65535 -j ACCEPT', expect: { destinationPorts: '1024-65535' } },
    { name: ':b range', rule: '-A INPUT -p tcp -m tcp --dport :1023 -j ACCEPT', expect: { destinationPorts: '0-1023' } },
    { name: 'a: range', rule: '-A INPUT -p tcp -m tcp --dport 6000: -j ACCEPT', expect: { destinationPorts: '6000-65535' } },
    { name: 'service name (tcp)', rule: '-A INPUT -p tcp -m tcp --dport smtp -j ACCEPT', expect: { destinationPorts: '25' } },
    { name: 'service name (udp)', rule: '-A INPUT -p udp -m udp --dport domain -j ACCEPT', expect: { destinationPorts: '53' } },
    { name: '/etc/services alias', rule: '-A INPUT -p tcp --dport www -j ACCEPT', expect: { destinationPorts: '80' } },
    { name: 'service names in a range', rule: '-A INPUT -p tcp --dport ftp-data:ssh -j ACCEPT', expect: { destinationPorts: '20-22' } },
    { name: 'without -m tcp (loaded by -p)', rule: '-A INPUT -p tcp --dport 443 -j ACCEPT', expect: { destinationPorts: '443', exact: true } },
    { name: 'negated', rule: '-A INPUT -p tcp -m tcp ! --dport 80 -j ACCEPT', expect: { destinationPorts: '0-79,81-65535', exact: true } },
    { name: 'negated, old syntax', rule: '-A INPUT -p tcp -m tcp --dport ! 80 -j ACCEPT', expect: { destinationPorts: '0-79,81-65535' } },
    { name: 'multiport --dports', rule: '-A INPUT -p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT', expect: { destinationPorts: '80,443,8000-8010', exact: true } },
    { name: 'multiport --destination-ports', rule: '-A INPUT -p tcp -m multiport --destination-ports 80,443 -j ACCEPT', expect: { destinationPorts: '80,443' } },
    { name: 'multiport --sports', rule: '-A INPUT -p udp -m multiport --sports 67,68 -j ACCEPT', expect: { sourcePorts: '67-68', destinationPorts: 'all' } },
    { name: 'multiport --source-ports', rule: '-A INPUT -p udp -m multiport --source-ports 67 -j ACCEPT', expect: { sourcePorts: '67' } },
    {
      name: 'multiport --dports before -p (fwbuilder)',
      rule: '-A INPUT -m multiport -s 128.143.0.0/16 -p tcp --dports 548,201 -j ACCEPT',
      expect: { destinationPorts: '201,548', sources: ['128.143.0.0/16'] },
    },
    {
      name: 'multiport --ports: source or destination, not expressible',
      rule: '-A INPUT -p tcp -m multiport --ports 5060 -j ACCEPT',
      expect: { sourcePorts: 'all', destinationPorts: 'all', exact: false },
    },
    {
      name: 'negated multiport --ports: neither, expressible',
      rule: '-A INPUT -p tcp -m multiport ! --ports 5060,5061 -j ACCEPT',
      expect: { sourcePorts: '0-5059,5062-65535', destinationPorts: '0-5059,5062-65535', exact: true },
    },
    {
      name: 'a port option without its module is read and reported',
      rule: '-A INPUT --dport 22 -j ACCEPT',
      expect: { protocols: 'all', destinationPorts: '22', exact: false },
      diagnostics: ['invalid-value'],
    },
    { name: 'negated multiport --dports', rule: '-A INPUT -p udp -m multiport ! --dports 53,123 -j DROP', expect: { destinationPorts: '0-52,54-122,124-65535' } },
    {
      name: 'a reversed range is reported',
      rule: '-A INPUT -p tcp -m tcp --dport 80:20 -j ACCEPT',
      expect: { destinationPorts: 'all', exact: false },
      diagnostics: ['invalid-value'],
    },
    {
      name: 'an unknown service is reported',
      rule: '-A INPUT -p tcp -m tcp --dport no-such-service -j ACCEPT',
      expect: { destinationPorts: 'all', exact: false },
      diagnostics: ['invalid-value'],
    },
    // Port values are read once per protocol and text: the same name means another port, or none, for another protocol.
    { name: 'a tcp-only service name (tcp)', rule: '-A INPUT -p tcp --dport exec -j ACCEPT', expect: { destinationPorts: '512', exact: true } },
    { name: 'a tcp-only service name (udp)', rule: '-A INPUT -p udp --dport exec -j ACCEPT', expect: { destinationPorts: 'all', exact: false }, diagnostics: ['invalid-value'] },
    { name: 'a udp-only service name (udp)', rule: '-A INPUT -p udp --dport biff -j ACCEPT', expect: { destinationPorts: '512', exact: true } },
    { name: 'a udp-only service name (tcp)', rule: '-A INPUT -p tcp --dport biff -j ACCEPT', expect: { destinationPorts: 'all', exact: false }, diagnostics: ['invalid-value'] },
    { name: 'a tcp-only service name again (tcp)', rule: '-A INPUT -p tcp --sport exec -j ACCEPT', expect: { sourcePorts: '512', exact: true } },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe('interfaces', () => {
  const cases: RuleCase[] = [
    { name: '-i', rule: '-A INPUT -i eth0 -j ACCEPT', expect: { inInterface: { names: ['eth0'], negated: false } } },
    { name: '-o with a wildcard', rule: '-A FORWARD -o wg+ -j ACCEPT', expect: { outInterface: { names: ['wg+'], negated: false } } },
    { name: 'negated', rule: '-A INPUT ! -i lo -j DROP', expect: { inInterface: { names: ['lo'], negated: true } } },
    { name: 'negated, old syntax', rule: '-A INPUT -i ! eth1 -j DROP', expect: { inInterface: { names: ['eth1'], negated: true } } },
    { name: 'long names', rule: '-A FORWARD --in-interface br0 --out-interface eth0.2 -j ACCEPT', expect: { inInterface: { names: ['br0'], negated: false }, outInterface: { names: ['eth0.2'], negated: false } } },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe('connection state', () => {
  const cases: RuleCase[] = [
    { name: 'no state matches new connections', rule: '-A INPUT -j ACCEPT', expect: { matchesNew: true } },
    { name: 'RELATED,ESTABLISHED opens nothing new', rule: '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT', expect: { matchesNew: false, exact: true } },
    { name: 'ctstate INVALID', rule: '-A INPUT -m conntrack --ctstate INVALID -j DROP', expect: { matchesNew: false } },
    { name: 'NEW', rule: '-A INPUT -m state --state NEW -j ACCEPT', expect: { matchesNew: true, exact: true } },
    { name: 'UNTRACKED', rule: '-A INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT', expect: { matchesNew: true } },
    { name: 'NEW,ESTABLISHED', rule: '-A INPUT -m state --state NEW,ESTABLISHED -j ACCEPT', expect: { matchesNew: true } },
    { name: 'negated without NEW', rule: '-A INPUT -m conntrack ! --ctstate ESTABLISHED -j ACCEPT', expect: { matchesNew: true } },
    { name: 'negated with NEW', rule: '-A INPUT -m conntrack ! --ctstate NEW,INVALID -j ACCEPT', expect: { matchesNew: false, exact: true } },
    { name: 'negated, old syntax', rule: '-A INPUT -m state --state ! NEW -j ACCEPT', expect: { matchesNew: false } },
    {
      name: 'ctstate DNAT may match the first packet',
      rule: '-A FORWARD -d 192.168.1.20 -p tcp --dport 80 -m conntrack --ctstate DNAT -j ACCEPT',
      expect: { matchesNew: true, exact: false },
    },
    { name: 'other conntrack options are not captured', rule: '-A FORWARD -m conntrack --ctstate NEW --ctdir ORIGINAL -j ACCEPT', expect: { matchesNew: true, exact: false } },
    { name: 'two state matches must both allow NEW', rule: '-A INPUT -m state --state NEW -m conntrack --ctstate ESTABLISHED -j ACCEPT', expect: { matchesNew: false } },
    { name: 'an unknown state is reported', rule: '-A INPUT -m state --state FRESH -j ACCEPT', expect: { exact: false }, diagnostics: ['invalid-value'] },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe('conditions the model does not capture', () => {
  const cases: RuleCase[] = [
    { name: 'limit', rule: '-A INPUT -p tcp --dport 22 -m limit --limit 6/min --limit-burst 10 -j ACCEPT', expect: { destinationPorts: '22', exact: false } },
    { name: 'recent', rule: '-A INPUT -m recent --update --seconds 60 --hitcount 4 --name ssh --rsource -j DROP', expect: { action: 'deny', exact: false } },
    { name: 'tcp flags', rule: '-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT', expect: { protocols: 'tcp', exact: false } },
    { name: '--syn', rule: '-A INPUT -p tcp -m tcp ! --syn -j ACCEPT', expect: { exact: false } },
    { name: 'icmp type', rule: '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT', expect: { protocols: 'icmp', exact: false } },
    { name: 'icmp type any is every type', rule: '-A INPUT -p icmp --icmp-type any -j ACCEPT', expect: { exact: true } },
    { name: 'mark, negated', rule: '-A INPUT -m mark ! --mark 0x4 -j ACCEPT', expect: { exact: false } },
    { name: 'addrtype', rule: '-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT', expect: { exact: false } },
    { name: 'physdev flag options', rule: '-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT', expect: { exact: false } },
    { name: 'a quoted string', rule: '-A INPUT -m string --string "GET /admin -j DROP" --algo bm -j ACCEPT', expect: { action: 'allow', exact: false } },
    { name: 'u32', rule: '-A INPUT -m u32 --u32 "0>>22&0x3C@12>>26&0x3F=0x10" -j DROP', expect: { exact: false } },
    { name: 'fragments', rule: '-A INPUT -f -j DROP', expect: { exact: false } },
    { name: 'rpfilter --invert', rule: '-A INPUT -m rpfilter --invert -j DROP', expect: { exact: false } },
    { name: 'tcp and udp modules alone are captured', rule: '-A INPUT -p udp -m udp --dport 68 -j ACCEPT', expect: { exact: true } },
    { name: 'comment is a description', rule: '-A INPUT -p tcp --dport 22 -m comment --comment "ssh from anywhere" -j ACCEPT', expect: { description: 'ssh from anywhere', exact: true } },
    { name: 'escaped quotes in a comment', rule: '-A INPUT -m comment --comment "the \\"front\\" door" -j ACCEPT', expect: { description: 'the "front" door' } },
    {
      name: 'an unknown module is kept, may match, and is reported',
      rule: '-A INPUT -m frobnicate --level 3 -j DROP',
      expect: { action: 'deny', exact: false },
      diagnostics: ['unsupported-match'],
    },
    {
      name: 'an unknown option is kept, may match, and is reported',
      rule: '-A INPUT -p tcp -m tcp --dport 21 --frob 7 -j ACCEPT',
      expect: { destinationPorts: '21', exact: false },
      diagnostics: ['unsupported-match'],
    },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe('targets', () => {
  const cases: RuleCase[] = [
    { name: 'ACCEPT', rule: '-A INPUT -j ACCEPT', expect: { action: 'allow', exact: true } },
    { name: 'DROP', rule: '-A INPUT -j DROP', expect: { action: 'deny' } },
    { name: 'REJECT with --reject-with', rule: '-A INPUT -p tcp -j REJECT --reject-with tcp-reset', expect: { action: 'reject', exact: true } },
    { name: 'RETURN', rule: '-A user -j RETURN', expect: { action: 'return' } },
    { name: 'LOG is non-terminating', rule: '-A INPUT -j LOG --log-prefix "in: " --log-level 6', expect: { action: 'continue', exact: true } },
    { name: 'NFLOG', rule: '-A INPUT -j NFLOG --nflog-group 2', expect: { action: 'continue' } },
    { name: 'MARK', rule: '-A INPUT -j MARK --set-mark 0x1', expect: { action: 'continue' } },
    { name: 'CONNMARK', rule: '-A INPUT -j CONNMARK --restore-mark', expect: { action: 'continue' } },
    { name: 'no target counts and goes on', rule: '-A INPUT -s 10.0.0.1', expect: { action: 'continue', exact: true } },
    { name: 'a user chain is a jump', rule: '-A INPUT -p tcp -j user', expect: { action: 'jump', target: 'filter/user' } },
    { name: '-g is a goto', rule: '-A INPUT -p udp -g logdrop', expect: { action: 'goto', target: 'filter/logdrop' } },
    { name: 'NFQUEUE lets traffic in, inexactly', rule: '-A INPUT -p tcp --dport 8080 -j NFQUEUE --queue-num 0 --queue-bypass', expect: { action: 'allow', exact: false } },
    { name: 'QUEUE too', rule: '-A INPUT -j QUEUE', expect: { action: 'allow', exact: false } },
    { name: 'ROUTE sends the packet out', rule: '-A FORWARD -j ROUTE --oif eth1', expect: { action: 'allow', exact: false } },
    { name: 'ROUTE --continue goes on', rule: '-A FORWARD -j ROUTE --oif eth1 --continue', expect: { action: 'continue', exact: true } },
    {
      name: 'an unknown target is reported and goes on',
      rule: '-A INPUT -p tcp --dport 9000 -j BLACKHOLE --level 3',
      expect: { action: 'continue', exact: false, destinationPorts: '9000' },
      diagnostics: ['unsupported-target'],
    },
    {
      name: 'DNAT to address and port',
      table: 'nat',
      rule: '-A PREROUTING -i ppp0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 192.168.1.100:443',
      expect: { action: 'dnat', destinationPorts: '8443', translation: { addresses: ['192.168.1.100/32'], ports: '443', text: '192.168.1.100:443' } },
    },
    {
      name: 'DNAT to an address only',
      table: 'nat',
      rule: '-A PREROUTING -p udp --dport 51820 -j DNAT --to-destination 192.168.1.2',
      expect: { action: 'dnat', translation: { addresses: ['192.168.1.2/32'], text: '192.168.1.2' } },
    },
    {
      name: 'DNAT to address and port ranges',
      table: 'nat',
      rule: '-A PREROUTING -p tcp --dport 6000:6010 -j DNAT --to-destination 192.168.1.50-192.168.1.52:7000-7010',
      expect: { translation: { addresses: ['192.168.1.50/31', '192.168.1.52/32'], ports: '7000-7010', text: '192.168.1.50-192.168.1.52:7000-7010' } },
    },
    {
      name: 'DNAT to a port only',
      table: 'nat',
      rule: '-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination :80',
      expect: { action: 'dnat', translation: { ports: '80', text: ':80' } },
    },
    {
      name: 'DNAT with several --to-destination',
      table: 'nat',
      rule: '-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.1:80 --to-destination 10.0.0.2:8080',
      expect: { translation: { addresses: ['10.0.0.1/32', '10.0.0.2/32'], ports: '80,8080', text: '10.0.0.1:80 10.0.0.2:8080' } },
    },
    {
      name: 'DNAT to an IPv6 address in brackets',
      table: 'nat',
      rule: '-A PREROUTING -p tcp --dport 8443 -j DNAT --to-destination [2001:db8::100]:443',
      expect: { translation: { addresses: ['2001:db8::100/128'], ports: '443', text: '[2001:db8::100]:443' } },
    },
    {
      name: 'REDIRECT',
      table: 'nat',
      rule: '-A PREROUTING -s 192.168.1.0/24 -p tcp --dport 80 -j REDIRECT --to-ports 3128',
      expect: { action: 'redirect', translation: { ports: '3128', text: '3128' } },
    },
    { name: 'REDIRECT to a port range', table: 'nat', rule: '-A PREROUTING -p udp -j REDIRECT --to-ports 5000-5010', expect: { translation: { ports: '5000-5010', text: '5000-5010' } } },
    { name: 'SNAT', table: 'nat', rule: '-A POSTROUTING -o eth1 -j SNAT --to-source 203.0.113.5', expect: { action: 'snat' } },
    { name: 'MASQUERADE', table: 'nat', rule: '-A POSTROUTING -o ppp0 -p tcp -j MASQUERADE --to-ports 1024-65535', expect: { action: 'masquerade' } },
    { name: 'NETMAP in PREROUTING rewrites destinations', table: 'nat', rule: '-A PREROUTING -d 203.0.113.0/24 -j NETMAP --to 10.5.0.0/24', expect: { action: 'dnat', translation: { addresses: ['10.5.0.0/24'], text: '10.5.0.0/24' } } },
    { name: 'NETMAP in POSTROUTING rewrites sources', table: 'nat', rule: '-A POSTROUTING -s 10.5.0.0/24 -j NETMAP --to 203.0.113.0/24', expect: { action: 'snat' } },
    { name: 'REDIRECT to the port a DNAT names', table: 'nat', rule: '-A PREROUTING -p tcp -j REDIRECT --to-ports 8080', expect: { translation: { ports: '8080', text: '8080' } } },
    {
      name: 'DNAT to the port a REDIRECT names',
      table: 'nat',
      rule: '-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:8080',
      expect: { translation: { addresses: ['10.0.0.1/32'], ports: '8080', text: '10.0.0.1:8080' } },
    },
    { name: 'REDIRECT to a port out of range is reported', table: 'nat', rule: '-A PREROUTING -p tcp -j REDIRECT --to-ports 70000', expect: { exact: false }, diagnostics: ['invalid-value'] },
    { name: 'REDIRECT to the same port out of range is reported again', table: 'nat', rule: '-A PREROUTING -p udp -j REDIRECT --to-ports 70000', expect: { exact: false }, diagnostics: ['invalid-value'] },
    {
      name: 'DNAT without --to-destination is reported',
      table: 'nat',
      rule: '-A PREROUTING -p tcp --dport 80 -j DNAT',
      expect: { action: 'dnat', exact: false },
      diagnostics: ['invalid-value'],
    },
  ];
  for (const c of cases) it(c.name, () => check(c));
});

describe('rule text and ids', () => {
  it('drops the counter prefix from the text and numbers rules within their chain', () => {
    const result = parseText(['*filter', ':INPUT DROP [0:0]', '[812:48720] -A INPUT -i lo -j ACCEPT', '[5:300]   -A INPUT -p tcp --dport 22 -j ACCEPT  ', 'COMMIT'].join('\n'));
    expect(pick(view(ruleAt(result, 3)), ['id', 'text', 'action'])).toEqual({ id: 'filter/INPUT#1', text: '-A INPUT -i lo -j ACCEPT', action: 'allow' });
    expect(pick(view(ruleAt(result, 4)), ['id', 'text'])).toEqual({ id: 'filter/INPUT#2', text: '-A INPUT -p tcp --dport 22 -j ACCEPT' });
    expect(result.diagnostics).toEqual([]);
  });
});
