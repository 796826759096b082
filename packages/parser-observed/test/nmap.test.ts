import { readFileSync } from 'node:fs';
import { formatPorts, splitLines, type Observation } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { nmapXml } from '../src/index.js';
import { FIXTURES, codes, expectAccounted, expectNoError, parseFile } from './helpers.js';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n';

function parse(lines: string[]): ReturnType<typeof nmapXml.parse> {
  return nmapXml.parse({ path: 'scan.xml', text: lines.join('\n') + '\n' });
}

/** A scanned port in a line: `7 203.0.113.5 tcp/22 open ssh|OpenSSH|8.9p1 scanner=… aliases=…`. */
function line(o: Observation): string {
  const service = [o.service ?? '', o.product ?? '', o.version ?? ''].join('|').replace(/\|+$/, '');
  const parts = [`${o.origin.line} ${o.host} ${o.protocol}/${o.port} ${o.state}`];
  if (service) parts.push(service);
  if (o.scanner !== undefined) parts.push(`scanner=${o.scanner}`);
  if (o.aliases !== undefined) parts.push(`aliases=${o.aliases.join(',')}`);
  return parts.join(' ');
}

interface NmapCase {
  name: string;
  lines: string[];
  observations: string[];
  diagnostics: { code: string; line: number }[];
  /** recognised / ignored / reported */
  accounting: [number, number, number];
}

const cases: NmapCase[] = [
  {
    name: 'an open port with -sV details, inside TLS',
    lines: [
      '<nmaprun args="nmap -sV 203.0.113.5">',
      '<host><status state="up"/><address addr="203.0.113.5" addrtype="ipv4"/>',
      '<ports><port protocol="tcp" portid="443"><state state="open"/><service name="http" product="nginx" version="1.24.0" extrainfo="Ubuntu" tunnel="ssl"/></port>',
      '</ports></host>',
      '</nmaprun>',
    ],
    observations: ['3 203.0.113.5 tcp/443 open ssl/http|nginx|1.24.0 (Ubuntu)'],
    diagnostics: [],
    accounting: [3, 2, 0],
  },
  {
    name: 'every port state nmap reports',
    lines: [
      '<nmaprun>',
      '<host><address addr="203.0.113.5" addrtype="ipv4"/><ports>',
      '<port protocol="tcp" portid="1"><state state="open"/></port>',
      '<port protocol="tcp" portid="2"><state state="closed"/></port>',
      '<port protocol="tcp" portid="3"><state state="filtered"/></port>',
      '<port protocol="udp" portid="4"><state state="open|filtered"/></port>',
      '<port protocol="tcp" portid="5"><state state="closed|filtered"/></port>',
      '<port protocol="tcp" portid="6"><state state="unfiltered"/></port>',
      '</ports></host></nmaprun>',
    ],
    observations: [
      '3 203.0.113.5 tcp/1 open', '4 203.0.113.5 tcp/2 closed', '5 203.0.113.5 tcp/3 filtered',
      '6 203.0.113.5 udp/4 open|filtered', '7 203.0.113.5 tcp/5 closed|filtered', '8 203.0.113.5 tcp/6 unfiltered',
    ],
    diagnostics: [],
    accounting: [8, 1, 0],
  },
  {
    name: 'an IPv6 host: its MAC address is no alias, its names are',
    lines: [
      '<nmaprun args="nmap -6 -S 2001:db8::1 -e eth0 2001:db8::5">',
      '<host><status state="up"/>',
      '<address addr="2001:db8::5" addrtype="ipv6"/>',
      '<address addr="52:54:00:12:34:56" addrtype="mac" vendor="QEMU virtual NIC"/>',
      '<hostnames><hostname name="db.example.org" type="user"/><hostname name="db.example.org" type="PTR"/></hostnames>',
      '<ports><port protocol="tcp" portid="5432"><state state="open"/></port></ports>',
      '</host></nmaprun>',
    ],
    observations: ['6 2001:db8::5 tcp/5432 open scanner=2001:db8::1 aliases=db.example.org'],
    diagnostics: [],
    accounting: [6, 1, 0],
  },
  {
    name: 'the source address written against -S',
    lines: [
      '<nmaprun args="nmap -S203.0.113.1 203.0.113.5">',
      '<host><address addr="203.0.113.5" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open"/></port></ports></host>',
      '</nmaprun>',
    ],
    observations: ['2 203.0.113.5 tcp/22 open scanner=203.0.113.1'],
    diagnostics: [],
    accounting: [2, 1, 0],
  },
  {
    name: 'a host that was down, and more that nmap did not list',
    lines: [
      '<nmaprun args="nmap 203.0.113.0/30">',
      '<host><status state="down" reason="no-response"/>',
      '<address addr="203.0.113.2" addrtype="ipv4"/>',
      '</host>',
      '<runstats><finished exit="success"/><hosts up="0" down="4" total="4"/></runstats>',
      '</nmaprun>',
    ],
    observations: [],
    diagnostics: [{ code: 'host-down', line: 2 }, { code: 'host-down', line: 5 }],
    accounting: [4, 2, 0],
  },
  {
    name: 'extraports are summed up, not listed',
    lines: [
      '<nmaprun>',
      '<host><address addr="203.0.113.5" addrtype="ipv4"/><ports>',
      '<extraports state="filtered" count="997">',
      '<extrareasons reason="no-responses" count="997"/>',
      '</extraports>',
      '<port protocol="tcp" portid="22"><state state="open"/></port>',
      '</ports></host></nmaprun>',
    ],
    observations: ['6 203.0.113.5 tcp/22 open'],
    diagnostics: [{ code: 'extraports', line: 3 }],
    accounting: [5, 2, 0],
  },
  {
    name: 'hosthint, os, scripts and times are structure left aside',
    lines: [
      '<nmaprun>',
      '<hosthint><status state="up"/><address addr="203.0.113.9" addrtype="ipv4"/></hosthint>',
      '<host><address addr="203.0.113.5" addrtype="ipv4"/>',
      '<hostscript><script id="smb-os-discovery" output="&#xa;  OS: Windows"/></hostscript>',
      '<os><portused state="open" proto="tcp" portid="22"/></os>',
      '<times srtt="1" rttvar="1" to="100000"/>',
      '</host></nmaprun>',
    ],
    observations: [],
    diagnostics: [],
    accounting: [2, 5, 0],
  },
  {
    name: 'SCTP and IP protocol scans have no place among observations',
    lines: [
      '<nmaprun>',
      '<host><address addr="203.0.113.5" addrtype="ipv4"/><ports>',
      '<port protocol="sctp" portid="2905"><state state="open"/></port>',
      '<port protocol="ip" portid="47"><state state="open"/></port>',
      '</ports></host></nmaprun>',
    ],
    observations: [],
    diagnostics: [{ code: 'unsupported-protocol', line: 3 }, { code: 'unsupported-protocol', line: 4 }],
    accounting: [4, 1, 0],
  },
  {
    name: 'another XML document is no nmap report',
    lines: ['<?xml version="1.0"?>', '<pfsense>', '<nat><rule><destination><port>22</port></destination></rule></nat>', '</pfsense>'],
    observations: [],
    diagnostics: [{ code: 'parse-error', line: 2 }],
    accounting: [0, 3, 1],
  },
  {
    name: 'an entity declared in the DTD is never expanded',
    lines: [
      '<!DOCTYPE nmaprun [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
      '<nmaprun args="&b;">',
      '</nmaprun>',
    ],
    observations: [],
    diagnostics: [{ code: 'parse-error', line: 2 }],
    accounting: [0, 2, 1],
  },
  {
    name: 'an external entity is never fetched',
    lines: ['<!DOCTYPE nmaprun [<!ENTITY x SYSTEM "file:///etc/passwd">]>', '<nmaprun>', '<host>&x;</host>', '</nmaprun>'],
    observations: [],
    diagnostics: [{ code: 'parse-error', line: 3 }],
    accounting: [1, 2, 1],
  },
];

describe('nmap XML', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = parse(c.lines);
      expect(result.observations!.map(line)).toEqual(c.observations);
      expect(codes(result)).toEqual(c.diagnostics);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.accounting);
      expectAccounted(result, c.lines.length);
    });
  }

  it('an observation holds what the scan says and nothing more', () => {
    const result = parse([
      HEAD + '<nmaprun args="nmap -sV -S 203.0.113.1 203.0.113.5">',
      '<host><address addr="203.0.113.5" addrtype="ipv4"/><hostnames><hostname name="web" type="user"/></hostnames>',
      '<ports><port protocol="tcp" portid="22"><state state="open"/><service name="ssh" product="OpenSSH" version="9.6p1"/></port></ports>',
      '</host></nmaprun>',
    ]);
    expect(result.observations).toEqual([{
      host: '203.0.113.5', aliases: ['web'], protocol: 'tcp', port: 22, state: 'open', method: 'scan', tool: 'nmap',
      scanner: '203.0.113.1', service: 'ssh', product: 'OpenSSH', version: '9.6p1', origin: { file: 'scan.xml', line: 5 },
    }]);
  });
});

describe('nmap XML fixtures', () => {
  it('several hosts: two up with their open ports, one down, extraports summed up, the -S source', () => {
    const result = parseFile(nmapXml, FIXTURES, 'nmap-several-hosts.xml');
    expectNoError(result);
    expectAccounted(result, 70);
    expect(result.observations!.map(line)).toEqual([
      '43 203.0.113.20 tcp/22 open ssh scanner=203.0.113.1',
      '44 203.0.113.20 tcp/443 open https scanner=203.0.113.1',
      '45 203.0.113.20 udp/161 open|filtered snmp scanner=203.0.113.1',
      '61 203.0.113.21 tcp/22 open ssh scanner=203.0.113.1',
      '62 203.0.113.21 tcp/80 open http scanner=203.0.113.1',
      '63 203.0.113.21 tcp/443 open https scanner=203.0.113.1',
      '64 203.0.113.21 udp/161 open|filtered snmp scanner=203.0.113.1',
    ]);
    expect(codes(result)).toEqual([
      { code: 'host-down', line: 24 },
      { code: 'extraports', line: 36 },
      { code: 'extraports', line: 40 },
      { code: 'extraports', line: 54 },
      { code: 'extraports', line: 58 },
    ]);
    expect(result.diagnostics.map((d) => d.severity)).toEqual(['info', 'info', 'info', 'info', 'info']);
    expect(result.diagnostics[1]!.message).toBe('203.0.113.20: 1001 closed ports not listed one by one: tcp 1-21,23-442,444-999,5432,8443,9000; udp 53');
    expect(result.diagnostics[2]!.message).toBe('203.0.113.20: 102 filtered ports not listed one by one: tcp 1000-1100,3306');
  });

  it('IPv6: the scanned address is the host', () => {
    const result = parseFile(nmapXml, FIXTURES, 'nmap-ipv6.xml');
    expect(codes(result)).toEqual([]);
    expectAccounted(result, 24);
    expect(result.observations!.map(line)).toEqual([
      '13 2001:db8:113::20 tcp/22 closed ssh',
      '14 2001:db8:113::20 tcp/80 closed http',
      '15 2001:db8:113::20 tcp/443 open https',
      '16 2001:db8:113::20 tcp/5432 closed postgresql',
      '17 2001:db8:113::20 tcp/8443 open https-alt',
      '18 2001:db8:113::20 tcp/9000 open cslistener',
    ]);
  });

  it('hostnames become aliases; SSL tunnels, extra info, OS detection and traceroute', () => {
    const result = parseFile(nmapXml, FIXTURES, 'nmap-hostnames-services.xml');
    expect(codes(result)).toEqual([]);
    expectAccounted(result, 41);
    expect(result.observations!.map(line)).toEqual([
      '15 198.51.100.25 tcp/22 filtered ssh aliases=mail.example.org,mx1.example.org',
      '16 198.51.100.25 tcp/25 open smtp|Postfix smtpd aliases=mail.example.org,mx1.example.org',
      '17 198.51.100.25 tcp/443 open ssl/http|nginx|1.22.1 aliases=mail.example.org,mx1.example.org',
      '21 198.51.100.25 tcp/993 open ssl/imap|Dovecot imapd aliases=mail.example.org,mx1.example.org',
      '22 198.51.100.25 tcp/3306 closed mysql aliases=mail.example.org,mx1.example.org',
    ]);
  });

  it('bad values are reported on their line; the good ports are still read', () => {
    const result = parseFile(nmapXml, FIXTURES, 'nmap-values-warn.xml');
    expectNoError(result);
    expectAccounted(result, 25);
    expect(result.observations!.map(line)).toEqual(['11 203.0.113.30 tcp/22 open']);
    expect(codes(result)).toEqual([
      { code: 'extraports', line: 8 },
      { code: 'invalid-value', line: 12 },
      { code: 'invalid-value', line: 13 },
      { code: 'invalid-value', line: 14 },
      { code: 'unsupported-protocol', line: 15 },
      { code: 'invalid-value', line: 16 },
      { code: 'invalid-value', line: 19 },
      { code: 'host-down', line: 23 },
      { code: 'scan-error', line: 23 },
    ]);
    expect(result.diagnostics[0]!.message).toBe('203.0.113.30: 1 closed port not listed one by one');
  });

  it('CRLF and CR line ends number the lines as editors do', () => {
    const text = readFileSync(FIXTURES + 'nmap-several-hosts.xml', 'utf8');
    for (const eol of ['\r\n', '\r']) {
      const result = nmapXml.parse({ path: 'crlf.xml', text: text.split('\n').join(eol) });
      expectAccounted(result, 70);
      expect(result.observations!.map((o) => o.origin.line)).toEqual([43, 44, 45, 61, 62, 63, 64]);
      expect(codes(result).map((d) => d.line)).toEqual([24, 36, 40, 54, 58]);
    }
  });

  it('a report cut short is an error, and keeps what came before the cut', () => {
    const text = readFileSync(FIXTURES + 'nmap-truncated-error.xml', 'utf8');
    const result = parseFile(nmapXml, FIXTURES, 'nmap-truncated-error.xml');
    expectAccounted(result, splitLines(text).length);
    expect(codes(result)).toEqual([
      { code: 'host-down', line: 24 },
      { code: 'extraports', line: 36 },
      { code: 'extraports', line: 40 },
      { code: 'parse-error', line: 46 },
    ]);
    expect(result.diagnostics[3]!.severity).toBe('error');
    expect(result.observations!.map(line)).toEqual([
      '43 203.0.113.20 tcp/22 open ssh scanner=203.0.113.1',
      '44 203.0.113.20 tcp/443 open https scanner=203.0.113.1',
      '45 203.0.113.20 udp/161 open|filtered snmp scanner=203.0.113.1',
    ]);
  });
});

describe('scan coverage', () => {
  it('records which ports the corpus scan tried, and that the unlisted ones were closed', () => {
    const text = readFileSync(new URL('../../../../shared/corpus/observed/nmap-sV-server.xml', import.meta.url), 'utf8');
    const r = nmapXml.parse({ path: 'nmap-sV-server.xml', text });
    expect(r.scans?.map((s) => ({ host: s.host, protocol: s.protocol, ports: formatPorts(s.ports), unlisted: s.unlisted }))).toEqual([
      { host: '203.0.113.20', protocol: 'tcp', ports: '21-23,80,443,3389,5432,8080,9999', unlisted: 'closed' },
    ]);
  });
});
