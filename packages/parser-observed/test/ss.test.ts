import { describe, expect, it } from 'vitest';
import { ssListing } from '../src/index.js';
import { FIXTURES, codes, expectAccounted, expectNoError, parseFile, rows, type ObservationRow } from './helpers.js';

interface SsCase {
  name: string;
  lines: string[];
  /** Observations as `line port bind process`. */
  listeners: string[];
  diagnostics: { code: string; line: number; column?: number }[];
  /** recognised / ignored / reported */
  accounting: [number, number, number];
}

const brief = (r: ObservationRow): string => [r.line, r.port, r.bind, r.process].filter((x) => x !== undefined).join(' ');

const cases: SsCase[] = [
  {
    name: 'ss -tlnp: TCP listeners, IPv4, IPv6 and both',
    lines: [
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess',
      'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=812,fd=3))',
      'LISTEN 0      128             [::]:22           [::]:*    users:(("sshd",pid=812,fd=4))',
      'LISTEN 0      511                *:80              *:*    users:(("apache2",pid=1022,fd=4),("apache2",pid=1023,fd=4))',
    ],
    listeners: ['2 tcp/22 0.0.0.0 sshd (pid 812)', '3 tcp/22 :: sshd (pid 812)', '4 tcp/80 * apache2 (pid 1022, 1023)'],
    diagnostics: [],
    accounting: [4, 0, 0],
  },
  {
    name: 'ss -tulpn: the Netid column; UDP sockets are UNCONN',
    lines: [
      'Netid State  Recv-Q Send-Q      Local Address:Port Peer Address:PortProcess',
      'udp   UNCONN 0      0          127.0.0.53%lo:53        0.0.0.0:*    users:(("systemd-resolve",pid=612,fd=13))',
      'udp   UNCONN 0      0      [fe80::1]%eth0:546           [::]:*    users:(("dhclient",pid=588,fd=6))',
      'tcp   LISTEN 0      4096       127.0.0.53%lo:53        0.0.0.0:*    users:(("systemd-resolve",pid=612,fd=14))',
    ],
    listeners: [
      '2 udp/53 127.0.0.53%lo systemd-resolve (pid 612)', '3 udp/546 fe80::1%eth0 dhclient (pid 588)',
      '4 tcp/53 127.0.0.53%lo systemd-resolve (pid 612)',
    ],
    diagnostics: [],
    accounting: [4, 0, 0],
  },
  {
    name: 'ss -ulnH: no header, no Netid, only UDP states: UDP',
    lines: ['UNCONN 0 0 0.0.0.0:161 0.0.0.0:*', 'UNCONN 0 0 [::]:5353 [::]:*'],
    listeners: ['1 udp/161 0.0.0.0', '2 udp/5353 ::'],
    diagnostics: [],
    accounting: [2, 0, 0],
  },
  {
    name: 'ss -tan: connections are read and left out; an UNCONN TCP socket listens to nothing',
    lines: [
      'State     Recv-Q Send-Q Local Address:Port  Peer Address:Port',
      'LISTEN    0      128          0.0.0.0:22         0.0.0.0:*',
      'ESTAB     0      36       203.0.113.5:22    198.51.100.7:51234',
      'TIME-WAIT 0      0        203.0.113.5:443   198.51.100.7:51240',
      'SYN-SENT  0      1        203.0.113.5:40000 198.51.100.9:443',
      'CLOSE-WAIT 1     0        203.0.113.5:40002 198.51.100.9:443',
      'UNCONN    0      0            0.0.0.0:40100      0.0.0.0:*',
    ],
    listeners: ['2 tcp/22 0.0.0.0'],
    diagnostics: [],
    accounting: [2, 5, 0],
  },
  {
    name: 'ss -a: unix, netlink and raw sockets are left out; a TCP socket that is only bound too',
    lines: [
      'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
      'nl    UNCONN 0      0      rtnl:kernel             *',
      'u_str LISTEN 0      4096   /run/systemd/private 13452 * 0',
      'u_dgr ESTAB  0      0      * 14022 * 14021',
      'raw   UNCONN 0      0      *:ipv6-icmp *:*',
      'tcp   UNCONN 0      0      0.0.0.0:40100 0.0.0.0:*',
      'udp   ESTAB  0      0      203.0.113.5:41000 198.51.100.53:53',
      'tcp   LISTEN 0      128    0.0.0.0:22 0.0.0.0:*',
    ],
    listeners: ['8 tcp/22 0.0.0.0'],
    diagnostics: [],
    accounting: [2, 6, 0],
  },
  {
    name: 'old iproute2: IPv6 as :::22, and users without labels',
    lines: [
      'State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port',
      'LISTEN     0      128                      :::22                      :::*      users:(("sshd",812,4))',
      'LISTEN     0      128                       *:22                       *:*      users:(("sshd",812,3))',
    ],
    listeners: ['2 tcp/22 :: sshd (pid 812)', '3 tcp/22 * sshd (pid 812)'],
    diagnostics: [],
    accounting: [3, 0, 0],
  },
  {
    name: 'a process name with spaces and several owners',
    lines: ['tcp LISTEN 0 10 127.0.0.1:6463 0.0.0.0:* users:(("Web Content",pid=4410,fd=88),("firefox",pid=4400,fd=90))'],
    listeners: ['1 tcp/6463 127.0.0.1 Web Content (pid 4410), firefox (pid 4400)'],
    diagnostics: [],
    accounting: [1, 0, 0],
  },
  {
    name: 'ss -e and ss -i: details on the row and on the indented line below',
    lines: [
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess',
      'LISTEN 0      16           0.0.0.0:22        0.0.0.0:*    ino:102757 sk:4 cgroup:/system.slice/ssh.service <->',
      '\t cubic rto:1000 mss:536 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10 segs_in:0 lastsnd:1 lastrcv:1',
    ],
    listeners: ['2 tcp/22 0.0.0.0'],
    diagnostics: [],
    accounting: [2, 1, 0],
  },
  {
    name: 'without -n: service names as /etc/services has them',
    lines: [
      'State  Recv-Q Send-Q Local Address:Port Peer Address:Port',
      'LISTEN 0      128          0.0.0.0:ssh       0.0.0.0:*',
      'LISTEN 0      128          0.0.0.0:http      0.0.0.0:*',
      'LISTEN 0      128          0.0.0.0:http-alt  0.0.0.0:*',
      'LISTEN 0      128        127.0.0.1:postgresql 0.0.0.0:*',
      'LISTEN 0      128          0.0.0.0:nosuchservice 0.0.0.0:*',
    ],
    listeners: ['2 tcp/22 0.0.0.0', '3 tcp/80 0.0.0.0', '4 tcp/8080 0.0.0.0', '5 tcp/5432 127.0.0.1'],
    diagnostics: [{ code: 'invalid-value', line: 6, column: 28 }],
    accounting: [5, 0, 1],
  },
  {
    name: 'lines that are not ss output are reported with their column',
    lines: [
      'State  Recv-Q Send-Q Local Address:Port Peer Address:Port',
      '  something else entirely',
      'LISTEN 0 128',
      'LISTEN x y 0.0.0.0:22 0.0.0.0:*',
      'LISTEN 0 128 0.0.0.0:70000 0.0.0.0:*',
      'LISTEN 0 128 nocolon 0.0.0.0:*',
    ],
    listeners: [],
    diagnostics: [
      { code: 'unrecognised-line', line: 2, column: 3 },
      { code: 'unrecognised-line', line: 3, column: 1 },
      { code: 'unrecognised-line', line: 4, column: 1 },
      { code: 'invalid-value', line: 5, column: 14 },
      { code: 'invalid-value', line: 6, column: 14 },
    ],
    accounting: [1, 0, 5],
  },
  {
    name: 'blank lines and a byte order mark',
    lines: ['\uFEFFState Recv-Q Send-Q Local Address:Port Peer Address:Port', '', '   ', 'LISTEN 0 128 0.0.0.0:22 0.0.0.0:*'],
    listeners: ['4 tcp/22 0.0.0.0'],
    diagnostics: [],
    accounting: [2, 2, 0],
  },
];

describe('ss', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = ssListing.parse({ path: 'web01.ss', text: c.lines.join('\n') + '\n' });
      expect(rows(result).map(brief)).toEqual(c.listeners);
      expect(result.diagnostics.map((d) => (d.column === undefined ? { code: d.code, line: d.line } : { code: d.code, line: d.line, column: d.column }))).toEqual(c.diagnostics);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.accounting);
      expectAccounted(result, c.lines.length);
    });
  }

  it('an observation is a listening socket on the host the file is named after', () => {
    const result = ssListing.parse({ path: 'estate/hosts/web01.ss.txt', text: 'LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=812,fd=3))\n' });
    expect(result.observations).toEqual([{
      host: 'web01.ss', protocol: 'tcp', port: 22, state: 'listening', method: 'socket', tool: 'ss', bind: '0.0.0.0',
      process: 'sshd (pid 812)', origin: { file: 'estate/hosts/web01.ss.txt', line: 1 },
    }]);
    expect(ssListing.parse({ path: 'C:\\scans\\db01', text: 'LISTEN 0 1 *:5432 *:*\n' }).observations![0]!.host).toBe('db01');
  });
});

describe('ss fixtures (iproute2 6.1 in a network namespace)', () => {
  const host = (name: string): string => name.slice(0, name.lastIndexOf('.'));

  it('ss -tulpn: UDP and TCP, loopback scopes, link-local, IPv6-only and dual-stack', () => {
    const result = parseFile(ssListing, FIXTURES, 'ss-tulpn-mixed.txt');
    expect(codes(result)).toEqual([]);
    expectAccounted(result, 12);
    expect(rows(result).every((r) => r.host === host('ss-tulpn-mixed.txt') && r.process === 'python3 (pid 19394)')).toBe(true);
    expect(rows(result).map((r) => `${r.line} ${r.port} ${r.bind}`)).toEqual([
      '2 udp/53 127.0.0.53%lo', '3 udp/161 0.0.0.0', '4 udp/5353 ::', '5 tcp/5432 127.0.0.1', '6 tcp/80 203.0.113.21',
      '7 tcp/22 0.0.0.0', '8 tcp/53 127.0.0.53%lo', '9 tcp/9000 2001:db8:113::20', '10 tcp/443 *', '11 tcp/9001 fe80::20%pco-s',
      '12 tcp/8443 ::',
    ]);
  });

  it('ss -tlnp and ss -ulnp, without a Netid column', () => {
    const tcp = parseFile(ssListing, FIXTURES, 'ss-tlnp-ipv6-scopes.txt');
    expect(codes(tcp)).toEqual([]);
    expect(rows(tcp).map((r) => `${r.port} ${r.bind}`)).toEqual([
      'tcp/5432 127.0.0.1', 'tcp/80 203.0.113.21', 'tcp/22 0.0.0.0', 'tcp/53 127.0.0.53%lo', 'tcp/9000 2001:db8:113::20',
      'tcp/443 *', 'tcp/9001 fe80::20%pco-s', 'tcp/8443 ::',
    ]);
    const udp = parseFile(ssListing, FIXTURES, 'ss-ulnp.txt');
    expect(codes(udp)).toEqual([]);
    expect(rows(udp).map((r) => `${r.port} ${r.bind}`)).toEqual(['udp/53 127.0.0.53%lo', 'udp/161 0.0.0.0', 'udp/5353 ::']);
  });

  it('ss -tanp: ESTAB and TIME-WAIT rows are read and left out', () => {
    const result = parseFile(ssListing, FIXTURES, 'ss-tanp-all-states.txt');
    expect(codes(result)).toEqual([]);
    expectAccounted(result, 12);
    expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual([9, 3, 0]);
    expect(rows(result).map((r) => r.line)).toEqual([2, 3, 4, 5, 9, 10, 11, 12]);
  });

  it('ss -tlne (no process column, extended details) and ss -tl (service names)', () => {
    const extended = parseFile(ssListing, FIXTURES, 'ss-tlne-extended.txt');
    expect(codes(extended)).toEqual([]);
    expect(rows(extended).map((r) => `${r.port} ${r.process ?? '-'}`)).toEqual([
      'tcp/5432 -', 'tcp/80 -', 'tcp/22 -', 'tcp/53 -', 'tcp/9000 -', 'tcp/443 -', 'tcp/9001 -', 'tcp/8443 -',
    ]);
    const names = parseFile(ssListing, FIXTURES, 'ss-tl-names.txt');
    expectNoError(names);
    expect(codes(names)).toEqual([]);
    expect(rows(names).map((r) => r.port)).toEqual(['tcp/5432', 'tcp/80', 'tcp/22', 'tcp/53', 'tcp/9000', 'tcp/443', 'tcp/9001', 'tcp/8443']);
  });
});
