import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPECIAL_RANGES, formatPorts, splitLines } from '@portcullis/model';
import {
  OPNSENSE_FIXTURES,
  PFSENSE_FIXTURES,
  codes,
  device,
  expectAccounted,
  forwardView,
  parseFixture,
  parseText,
  pfsenseXml,
  pick,
  repoRoot,
  rules,
} from './pfsense-helpers.js';

/*
 * The converted model of small config.xml documents, case by case: which rulesets a packet meets,
 * what each rule matches, and what the reader reports. Lines are found in each case's own text.
 */

/** The 1-based line of the n-th line that contains `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`no line ${nth} with ${needle}`);
}

const rule = (body: string): string => `\t\t<rule>${body}</rule>\n`;
const filter = (...rules: string[]): string => `\t<filter>\n${rules.join('')}\t</filter>`;
const any = '<source><any></any></source>';

describe('pfsense model: the pipeline', () => {
  it('a WAN and a LAN: rulesets, stages, outside interface, IPv4 only without ipv6allow', () => {
    const d = device(parseText(pfsenseXml(filter(rule(`<type>pass</type><interface>lan</interface>${any}<destination><any></any></destination>`)))));
    expect(pick(d, ['name', 'vendor', 'format', 'family', 'externalInterfaces', 'pipeline'])).toEqual({
      name: 'fw', vendor: 'pfsense', format: 'pfsense', family: 'ipv4', externalInterfaces: ['wan'],
      pipeline: { prerouting: [], dnat: [], input: ['to-self', 'filter'], forward: ['not-self', 'filter'] },
    });
    expect(rules(d, 'filter').map((r) => pick(r, ['action', 'target', 'inInterface']))).toEqual([{ action: 'jump', target: 'rules:lan', inInterface: 'lan' }]);
    expect(pick(d.rulesets['filter']!, ['defaultAction', 'builtin'])).toEqual({ defaultAction: 'deny', builtin: true });
    expect(pick(d.rulesets['rules:lan']!, ['defaultAction', 'builtin'])).toEqual({ defaultAction: 'return', builtin: false });
    expect(rules(d, 'to-self').map((r) => r.destinations)).toEqual([['192.168.1.1/32', '203.0.113.2/32']]);
    expect(rules(d, 'not-self').map((r) => [r.action, r.destinations])).toEqual([['deny', ['203.0.113.2/32']]]);
  });

  interface ExternalCase {
    name: string;
    interfaces: string;
    external: string[];
  }
  const externalCases: ExternalCase[] = [
    { name: 'named wan', interfaces: '<wan><enable/><ipaddr>203.0.113.2</ipaddr></wan><lan><enable/><ipaddr>10.0.0.1</ipaddr></lan>', external: ['wan'] },
    { name: 'a gateway makes a WAN-type interface', interfaces: '<wan><enable/><ipaddr>dhcp</ipaddr></wan><opt1><enable/><ipaddr>198.51.100.2</ipaddr><gateway>WAN2GW</gateway></opt1>', external: ['wan', 'opt1'] },
    { name: 'PPPoE and DHCPv6 from the provider', interfaces: '<lan><enable/><ipaddr>10.0.0.1</ipaddr></lan><opt2><enable/><ipaddr>pppoe</ipaddr></opt2><opt3><enable/><ipaddrv6>dhcp6</ipaddrv6></opt3>', external: ['opt2', 'opt3'] },
  ];
  for (const c of externalCases) {
    it(`outside interfaces: ${c.name}`, () => {
      expect(device(parseText(pfsenseXml('', { interfaces: c.interfaces }))).externalInterfaces).toEqual(c.external);
    });
  }

  it('a disabled interface is dropped before anything else', () => {
    const xml = pfsenseXml('', { interfaces: '<wan><ipaddr>203.0.113.2</ipaddr></wan>\n\t\t<lan><enable/><ipaddr>10.0.0.1</ipaddr></lan>' });
    const d = device(parseText(xml));
    expect(d.pipeline.prerouting).toEqual(['interfaces:disabled']);
    expect(rules(d, 'interfaces:disabled').map((r) => pick(r, ['action', 'inInterface', 'line']))).toEqual([{ action: 'deny', inInterface: 'wan', line: lineOf(xml, '<wan>') }]);
  });
});

describe('pfsense model: filter rules', () => {
  interface RuleCase {
    name: string;
    rule: string;
    /** The rules of `rules:wan` (or the given ruleset), only the fields given. */
    ruleset?: string;
    expected: Record<string, unknown>[];
    system?: string;
    aliases?: string;
  }
  const cases: RuleCase[] = [
    {
      name: 'pass tcp to the WAN address, port range',
      rule: `<type>pass</type><interface>wan</interface><protocol>tcp</protocol>${any}<destination><network>wanip</network><port>8000-8010</port></destination>`,
      expected: [{ action: 'allow', protocols: 'tcp', sources: ['0.0.0.0/0'], destinations: ['203.0.113.2/32'], destinationPorts: '8000-8010', exact: true, enabled: true }],
    },
    {
      name: 'block udp from a network to the LAN subnet; reject',
      rule: `<type>reject</type><interface>wan</interface><protocol>udp</protocol><source><address>198.51.100.0/24</address></source><destination><network>lan</network></destination>`,
      expected: [{ action: 'reject', protocols: 'udp', sources: ['198.51.100.0/24'], destinations: ['192.168.1.0/24'], destinationPorts: 'all' }],
    },
    {
      name: 'no protocol but a port means TCP',
      rule: `<type>pass</type><interface>wan</interface>${any}<destination><any></any><port>22</port></destination>`,
      expected: [{ protocols: 'tcp', destinationPorts: '22' }],
    },
    {
      name: 'not: every source but one network',
      rule: `<type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><address>10.0.0.0/8</address><not></not></source><destination><any></any></destination>`,
      expected: [{ sources: ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'] }],
    },
    {
      name: 'inet46 is one rule per family, icmp is ICMPv6 in the IPv6 one',
      system: '<ipv6allow></ipv6allow>',
      rule: `<type>pass</type><interface>wan</interface><ipprotocol>inet46</ipprotocol><protocol>icmp</protocol>${any}<destination><any></any></destination>`,
      expected: [
        { protocols: 'icmp', sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/0'] },
        { protocols: 'icmpv6', sources: ['::/0'], destinations: ['::/0'] },
      ],
    },
    {
      name: '(self) is every address of the firewall',
      rule: `<type>pass</type><interface>wan</interface><protocol>tcp</protocol>${any}<destination><network>(self)</network><port>443</port></destination>`,
      expected: [{ destinations: ['192.168.1.1/32', '203.0.113.2/32'] }],
    },
    {
      name: 'nested host and port aliases, with a range and a port alias range',
      aliases: `<alias><name>web</name><type>host</type><address>192.168.1.20 192.168.1.21</address></alias>
\t\t<alias><name>all_web</name><type>host</type><address>web 192.168.1.30-192.168.1.31</address></alias>
\t\t<alias><name>http</name><type>port</type><address>80 8080:8081</address></alias>
\t\t<alias><name>web_ports</name><type>port</type><address>http 443</address></alias>`,
      rule: `<type>pass</type><interface>wan</interface><protocol>tcp</protocol>${any}<destination><address>all_web</address><port>web_ports</port></destination>`,
      expected: [{ destinations: ['192.168.1.20/31', '192.168.1.30/31'], destinationPorts: '80,443,8080-8081', exact: true, symbolic: [] }],
    },
    {
      name: 'a URL table may hold any address',
      aliases: '<alias><name>feed</name><type>urltable</type><url>https://example.org/list</url></alias>',
      rule: `<type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><address>feed</address></source><destination><any></any></destination>`,
      expected: [{ sources: ['0.0.0.0/0'], exact: false, symbolic: ['alias:feed'] }],
    },
    {
      name: 'a rule naming an alias that does not exist is not loaded',
      rule: `<type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><address>nowhere</address></source><destination><any></any></destination>`,
      expected: [{ enabled: false }],
    },
    {
      name: 'disabled',
      rule: `<type>pass</type><interface>wan</interface><disabled></disabled>${any}<destination><any></any></destination>`,
      expected: [{ enabled: false }],
    },
    {
      name: 'a schedule makes the rule one that may match',
      rule: `<type>block</type><interface>wan</interface><sched>nights</sched>${any}<destination><any></any></destination>`,
      expected: [{ action: 'deny', exact: false }],
    },
    {
      name: 'match is a non-terminal action',
      rule: `<type>match</type><interface>wan</interface>${any}<destination><any></any></destination>`,
      expected: [{ action: 'continue' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const body = `${c.aliases ? `\t<aliases>\n\t\t${c.aliases}\n\t</aliases>\n` : ''}${filter(rule(c.rule))}`;
      const xml = pfsenseXml(body, c.system !== undefined ? { system: c.system } : {});
      const result = parseText(xml);
      const got = rules(device(result), c.ruleset ?? 'rules:wan');
      expect(got.map((r, i) => pick(r, Object.keys(c.expected[i] ?? {})))).toEqual(c.expected);
      expect(got.every((r) => r.line === lineOf(xml, '<rule>'))).toBe(true);
    });
  }

  it('floating rules: quick ones first, non-quick ones last and reversed, out rules apart', () => {
    const xml = pfsenseXml(filter(
      rule(`<type>pass</type><interface>wan</interface><protocol>tcp</protocol>${any}<destination><any></any><port>22</port></destination><descr>A</descr>`),
      rule(`<type>block</type><interface>wan,lan</interface><floating>yes</floating><quick>yes</quick><direction>in</direction><protocol>tcp</protocol>${any}<destination><any></any><port>23</port></destination><descr>B</descr>`),
      rule(`<type>pass</type><interface>wan</interface><floating>yes</floating><direction>any</direction><protocol>tcp</protocol>${any}<destination><any></any><port>80</port></destination><descr>C</descr>`),
      rule(`<type>block</type><floating>yes</floating><protocol>tcp</protocol>${any}<destination><any></any><port>81</port></destination><descr>D</descr>`),
      rule(`<type>block</type><interface>lan</interface><floating>yes</floating><quick>yes</quick><direction>out</direction><protocol>udp</protocol>${any}<destination><any></any></destination><descr>E</descr>`),
    ));
    const d = device(parseText(xml));
    expect(rules(d, 'filter').map((r) => `${r.action}${r.target ? ` ${r.target}` : ''} ${r.inInterface ?? '*'} ${r.destinationPorts} ${r.description ?? ''}`.trim())).toEqual([
      'deny wan,lan 23 B',
      'jump rules:wan wan all',
      'deny * 81 D',
      'allow wan 80 C',
    ]);
    // Without a direction a floating rule is both in and out.
    expect(rules(d, 'floating:out').map((r) => `${r.action} ${r.outInterface ?? '*'} ${r.protocols} ${r.description ?? ''}`)).toEqual(['deny lan udp E', 'deny * tcp D', 'allow wan tcp C']);
    expect(d.pipeline.forward).toEqual(['not-self', 'floating:out', 'filter']);
  });

  it('interface groups: their rules before the interface rules', () => {
    const xml = pfsenseXml(`\t<ifgroups><ifgroupentry><ifname>INSIDE</ifname><members>lan opt1</members></ifgroupentry></ifgroups>
${filter(rule(`<type>pass</type><interface>INSIDE</interface>${any}<destination><any></any></destination>`), rule(`<type>pass</type><interface>lan</interface>${any}<destination><any></any></destination>`))}`);
    const d = device(parseText(xml));
    expect(rules(d, 'filter').map((r) => `${r.target} ${r.inInterface}`)).toEqual(['group:INSIDE lan,opt1', 'rules:lan lan']);
  });

  it('the built-in rules: bogons, private networks and the anti-lockout rule', () => {
    const xml = pfsenseXml('', {
      interfaces: '<wan><enable/><ipaddr>203.0.113.2</ipaddr><subnet>24</subnet><blockpriv/><blockbogons/></wan>\n\t\t<lan><enable/><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>',
      system: '<webgui><protocol>https</protocol><port>8443</port></webgui><ssh><enable>enabled</enable><port>2222</port></ssh>',
    });
    const d = device(parseText(xml));
    expect(rules(d, 'filter').map((r) => pick(r, ['action', 'inInterface', 'sources', 'destinations', 'destinationPorts']))).toEqual([
      { action: 'deny', inInterface: 'wan', sources: ['0.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '224.0.0.0/3'], destinations: ['0.0.0.0/0'], destinationPorts: 'all' },
      { action: 'deny', inInterface: 'wan', sources: ['10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], destinations: ['0.0.0.0/0'], destinationPorts: 'all' },
      { action: 'allow', inInterface: 'lan', sources: ['0.0.0.0/0'], destinations: ['192.168.1.1/32'], destinationPorts: '80,2222,8443' },
    ]);
  });

  it('a WAN address from DHCP is any public address, and the DHCP client replies pass', () => {
    const xml = pfsenseXml(filter(rule(`<type>pass</type><interface>wan</interface><protocol>tcp</protocol>${any}<destination><network>wanip</network><port>22</port></destination>`)), {
      interfaces: '<wan><enable/><ipaddr>dhcp</ipaddr></wan>',
    });
    const result = parseText(xml);
    const d = device(result);
    expect(rules(d, 'rules:wan').map((r) => r.destinations)).toEqual([SPECIAL_RANGES.publicIpv4.toCidrs()]);
    expect(rules(d, 'filter').at(-1)).toMatchObject({ action: 'allow', protocols: 'udp', sourcePorts: '67', destinationPorts: '68', inInterface: 'wan' });
    expect(codes(result)).toEqual([{ code: 'dynamic-address', line: lineOf(xml, '<ipaddr>dhcp') }]);
  });
});

describe('pfsense model: NAT', () => {
  it('port forwards: a range onto a range, the interface address by default, nordr, disabled, rdr pass', () => {
    const xml = pfsenseXml(`\t<aliases><alias><name>pool</name><type>host</type><address>192.168.1.50 192.168.1.51</address></alias></aliases>
\t<nat>
\t\t<rule><source><any/></source><destination><network>wanip</network><port>8000-8009</port></destination><protocol>tcp</protocol><target>192.168.1.10</target><local-port>9000</local-port><interface>wan</interface></rule>
\t\t<rule><source><any/></source><destination><port>53</port></destination><protocol>udp</protocol><target>192.168.1.53</target><interface>wan</interface></rule>
\t\t<rule><nordr/><source><address>198.51.100.7</address></source><destination><any/><port>443</port></destination><protocol>tcp</protocol><interface>wan</interface></rule>
\t\t<rule><disabled/><source><any/></source><destination><network>wanip</network><port>23</port></destination><protocol>tcp</protocol><target>192.168.1.23</target><interface>wan</interface></rule>
\t\t<rule><source><any/></source><destination><network>wanip</network><port>443</port></destination><protocol>tcp</protocol><target>pool</target><interface>wan</interface><associated-rule-id>pass</associated-rule-id></rule>
\t</nat>`);
    const d = device(parseText(xml));
    const line = (n: number): number => lineOf(xml, '<rule>', n);
    expect(d.forwards.map(forwardView)).toEqual([
      `tcp 203.0.113.2/32:8000-8009 -> 192.168.1.10/32:9000-9009 via wan @${line(1)}`,
      `udp 203.0.113.2/32:53 -> 192.168.1.53/32:53 via wan @${line(2)}`,
      `tcp 203.0.113.2/32:23 -> 192.168.1.23/32:23 via wan (disabled) @${line(4)}`,
      `tcp 203.0.113.2/32:443 -> 192.168.1.50/31:443 via wan @${line(5)}`,
    ]);
    expect(rules(d, 'nat').map((r) => pick(r, ['action', 'sources', 'destinationPorts', 'translation', 'enabled']))).toEqual([
      { action: 'dnat', sources: ['0.0.0.0/0'], destinationPorts: '8000-8009', translation: '192.168.1.10/32 ports 9000-9009', enabled: true },
      { action: 'dnat', sources: ['0.0.0.0/0'], destinationPorts: '53', translation: '192.168.1.53/32', enabled: true },
      { action: 'allow', sources: ['198.51.100.7/32'], destinationPorts: '443', translation: undefined, enabled: true },
      { action: 'dnat', sources: ['0.0.0.0/0'], destinationPorts: '23', translation: '192.168.1.23/32', enabled: false },
      { action: 'dnat', sources: ['0.0.0.0/0'], destinationPorts: '443', translation: '192.168.1.50/31', enabled: true },
    ]);
    // rdr pass: an allow at the top of the filter for the translated packets.
    expect(rules(d, 'filter')[0]).toMatchObject({ action: 'allow', destinations: ['192.168.1.50/31'], destinationPorts: '443', inInterface: 'wan', line: line(5) });
    // The NAT targets are not the firewall's; 203.0.113.2 is, and is not routed.
    expect(rules(d, 'not-self').map((r) => r.destinations)).toEqual([['203.0.113.2/32']]);
  });

  it('rdr pass: a forward that an earlier one takes entirely passes nothing, whether the earlier one spans many ports or one', () => {
    const fwd = (ports: string, target: string): string =>
      `\t\t<rule><source><any/></source><destination><network>wanip</network><port>${ports}</port></destination><protocol>tcp</protocol><target>${target}</target><interface>wan</interface><associated-rule-id>pass</associated-rule-id></rule>`;
    const xml = pfsenseXml(`\t<nat>
${fwd('1000-9000', '192.168.1.10')}
${fwd('8443', '192.168.1.20')}
${fwd('22', '192.168.1.22')}
${fwd('22', '192.168.1.23')}
${fwd('9001', '192.168.1.24')}
\t</nat>`);
    const d = device(parseText(xml));
    // 8443 is inside 1000-9000 and the second 22 repeats the first: neither packet reaches them.
    const passes = d.rulesets['filter']!.rules.filter((r) => r.text.startsWith('rdr pass'));
    expect(passes.map((r) => [r.destinations.toCidrs(), formatPorts(r.destinationPorts)])).toEqual([
      [['192.168.1.10/32'], '1000-9000'],
      [['192.168.1.22/32'], '22'],
      [['192.168.1.24/32'], '9001'],
    ]);
  });

  it('a forward to an interface goes to its address; a missing associated rule and a missing target are said', () => {
    const xml = pfsenseXml(`\t<nat>
\t\t<rule><source><any/></source><destination><network>wanip</network><port>8443</port></destination><protocol>tcp</protocol><target>lan</target><local-port>443</local-port><interface>wan</interface><associated-rule-id>nat_1</associated-rule-id></rule>
\t\t<rule><source><any/></source><destination><network>wanip</network><port>25</port></destination><protocol>tcp</protocol><target>mail_host</target><interface>wan</interface></rule>
\t</nat>`);
    const result = parseText(xml);
    expect(device(result).forwards.map(forwardView)).toEqual([
      `tcp 203.0.113.2/32:8443 -> 192.168.1.1/32:443 via wan @${lineOf(xml, '<rule>', 1)}`,
      // A target that is neither an address, an alias nor an interface: the forward goes nowhere, and pfSense does not load it.
      `tcp 203.0.113.2/32:25 -> nowhere:25 via wan (disabled) @${lineOf(xml, '<rule>', 2)}`,
    ]);
    expect(codes(result)).toEqual([
      { code: 'associated-rule-missing', line: lineOf(xml, '<rule>', 1) },
      { code: 'unresolved-reference', line: lineOf(xml, '<rule>', 2) },
    ]);
  });

  it('1:1 NAT: the external block as large as the internal network', () => {
    const xml = pfsenseXml(`\t<nat><onetoone><external>203.0.113.16</external><source><address>192.168.1.16/29</address></source><destination><any/></destination><interface>wan</interface></onetoone></nat>`);
    const d = device(parseText(xml));
    expect(rules(d, 'nat').map((r) => pick(r, ['action', 'destinations', 'translation']))).toEqual([{ action: 'dnat', destinations: ['203.0.113.16/29'], translation: '192.168.1.16/29' }]);
    expect(d.forwards.map(forwardView)).toEqual([`all 203.0.113.16/29:all -> 192.168.1.16/29:same via wan @${lineOf(xml, '<onetoone>')}`]);
  });
});

describe('opnsense model', () => {
  const opn = (body: string): string => `<?xml version="1.0"?>
<opnsense>
  <system><hostname>opn</hostname><ipv6allow>1</ipv6allow></system>
  <interfaces>
    <wan><enable>1</enable><ipaddr>203.0.113.2</ipaddr><subnet>24</subnet></wan>
    <lan><enable>1</enable><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>
  </interfaces>
${body}
</opnsense>
`;
  const mvc = (fields: string): string => `        <rule uuid="x"><enabled>1</enabled>${fields}</rule>\n`;
  const rulesXml = (...r: string[]): string => `  <OPNsense><Firewall><Filter><rules>\n${r.join('')}  </rules></Filter></Firewall></OPNsense>`;

  it('its own rules by sequence, before the legacy ones; lists of addresses; service names', () => {
    const xml = opn(`  <filter><rule><type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><any>1</any></source><destination><any>1</any><port>25</port></destination></rule></filter>
${rulesXml(
  mvc('<sequence>20</sequence><action>pass</action><interface>wan</interface><ipprotocol>inet</ipprotocol><protocol>TCP</protocol><source_net>198.51.100.0/24,192.0.2.7</source_net><destination_net>wanip</destination_net><destination_port>ssh</destination_port>'),
  mvc('<sequence>10</sequence><action>block</action><interface>wan</interface><ipprotocol>inet</ipprotocol><protocol>TCP/UDP</protocol><source_net>any</source_net><destination_net>any</destination_net><destination_port>3389</destination_port>'),
)}`);
    const d = device(parseText(xml, 'opnsense'));
    expect(pick(d, ['vendor', 'format', 'family'])).toEqual({ vendor: 'opnsense', format: 'opnsense', family: 'mixed' });
    expect(rules(d, 'rules:wan').map((r) => pick(r, ['action', 'protocols', 'sources', 'destinationPorts', 'line']))).toEqual([
      { action: 'deny', protocols: 'tcp,udp', sources: ['0.0.0.0/0'], destinationPorts: '3389', line: lineOf(xml, '<sequence>10') },
      { action: 'allow', protocols: 'tcp', sources: ['192.0.2.7/32', '198.51.100.0/24'], destinationPorts: '22', line: lineOf(xml, '<sequence>20') },
      { action: 'allow', protocols: 'tcp', sources: ['0.0.0.0/0'], destinationPorts: '25', line: lineOf(xml, '<filter>') },
    ]);
  });

  it('several interfaces make a floating rule; quick 0 is last match; interfacenot negates', () => {
    const xml = opn(rulesXml(
      mvc('<sequence>1</sequence><action>pass</action><quick>0</quick><interface>wan,lan</interface><protocol>TCP</protocol><source_net>any</source_net><destination_net>(self)</destination_net><destination_port>5900</destination_port>'),
      mvc('<sequence>2</sequence><action>block</action><interface>lan</interface><interfacenot>1</interfacenot><protocol>any</protocol><source_net>any</source_net><destination_net>any</destination_net>'),
    ));
    const d = device(parseText(xml, 'opnsense'));
    const user = (ruleset: string): string[] => rules(d, ruleset).filter((r) => r.protocols !== 'icmpv6').map((r) => `${r.action}${r.target ? ` ${r.target}` : ''} ${r.inInterface ?? '*'} ${r.destinationPorts}`);
    // Without <ipprotocol> the rule is IPv4 only (OPNsense's default, inet).
    expect(user('filter')).toEqual(['jump rules:wan wan all', 'allow wan,lan 5900']);
    // `on ! lan` sits among the interface rules of every other interface.
    expect(user('rules:wan')).toEqual(['deny !lan all']);
    expect(d.rulesets['rules:lan']).toBeUndefined();
  });

  it('aliases of its own: one entry per line, disabled ones resolve to nothing', () => {
    const xml = opn(`  <OPNsense><Firewall><Alias><aliases>
    <alias uuid="a"><enabled>1</enabled><name>servers</name><type>host</type><content>10.0.0.1
10.0.0.2
!10.0.0.2</content></alias>
    <alias uuid="b"><enabled>0</enabled><name>old</name><type>host</type><content>10.0.0.9</content></alias>
  </aliases></Alias>
  <Filter><rules>
${mvc('<sequence>1</sequence><action>pass</action><interface>wan</interface><protocol>any</protocol><source_net>any</source_net><destination_net>servers,old</destination_net>')}  </rules></Filter></Firewall></OPNsense>`);
    const result = parseText(xml, 'opnsense');
    expect(rules(device(result), 'rules:wan').map((r) => pick(r, ['destinations', 'enabled']))).toEqual([{ destinations: ['10.0.0.1/32'], enabled: false }]);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: lineOf(xml, '<rule uuid') }]);
  });
});

describe('pfsense reader: diagnostics', () => {
  it('diagnostics-warn: every problem with its code and line', () => {
    const result = parseFixture(`${PFSENSE_FIXTURES}diagnostics-warn.config.xml`);
    expect(codes(result)).toEqual([
      { code: 'invalid-value', line: 10 },
      { code: 'incomplete-nat', line: 25 },
      { code: 'unrecognised-element', line: 36 },
      { code: 'unsupported-nat', line: 38 },
      { code: 'unresolved-reference', line: 51 },
      { code: 'invalid-value', line: 63 },
      { code: 'invalid-value', line: 65 },
      { code: 'unrecognised-element', line: 69 },
      { code: 'partial-match', line: 75 },
      { code: 'partial-match', line: 76 },
      { code: 'ports-ignored', line: 79 },
      { code: 'partial-match', line: 83 },
      { code: 'unresolved-reference', line: 93 },
    ]);
    expect(result.diagnostics.find((d) => d.code === 'unrecognised-element')).toMatchObject({ line: 36, column: 4, severity: 'warning' });
  });

  it('suppressions: in a description (at the rule) and in an XML comment (with a single dash)', () => {
    const result = parseFixture(`${PFSENSE_FIXTURES}suppressed.config.xml`);
    expect(result.suppressions.map((s) => pick(s, ['rules', 'line', 'until', 'reason']))).toEqual([
      { rules: ['no-public-ssh'], line: 15, until: undefined, reason: 'jump host, key-only, alerting on login' },
      { rules: ['no-public-rdp'], line: 28, until: '2026-12-31', reason: 'migration window (XML comments cannot hold a double dash)' },
    ]);
  });

  const fixtures = [
    ...readdirSync(repoRoot + PFSENSE_FIXTURES).map((f) => PFSENSE_FIXTURES + f),
    ...readdirSync(repoRoot + OPNSENSE_FIXTURES).map((f) => OPNSENSE_FIXTURES + f),
  ];
  for (const path of fixtures) {
    it(`accounts for every line: ${path}`, () => {
      const result = parseFixture(path);
      expectAccounted(result, splitLines(readFileSync(repoRoot + path, 'utf8')).length);
      expect(result.lines.recognised).toBeGreaterThan(0);
    });
  }
});
