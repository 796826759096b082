import { describe, expect, it } from 'vitest';
import { netstatListing } from '../src/index.js';
import { FIXTURES, codes, expectAccounted, expectNoError, parseFile, rows, type ObservationRow } from './helpers.js';

interface NetstatCase {
  name: string;
  lines: string[];
  /** Observations as `line port bind process`. */
  listeners: string[];
  diagnostics: { code: string; line: number }[];
  /** recognised / ignored / reported */
  accounting: [number, number, number];
}

const brief = (r: ObservationRow): string => [r.line, r.port, r.bind, r.process].filter((x) => x !== undefined).join(' ');

const cases: NetstatCase[] = [
  {
    name: 'Windows netstat -ano: LISTENING and UDP rows, the PID column',
    lines: [
      '',
      'Active Connections',
      '',
      '  Proto  Local Address          Foreign Address        State           PID',
      '  TCP    0.0.0.0:3389           0.0.0.0:0              LISTENING       1236',
      '  TCP    [::1]:49669            [::]:0                 LISTENING       3456',
      '  TCP    10.0.2.15:49822        198.51.100.7:443       ESTABLISHED     5532',
      '  TCP    10.0.2.15:50001        0.0.0.0:0              BOUND           5532',
      '  UDP    0.0.0.0:123            *:*                                    1392',
      '  UDP    [fe80::1c2d:3e4f:5a6b:7c8d%12]:1900  *:*                        3588',
    ],
    listeners: ['5 tcp/3389 0.0.0.0 pid 1236', '6 tcp/49669 ::1 pid 3456', '9 udp/123 0.0.0.0 pid 1392', '10 udp/1900 fe80::1c2d:3e4f:5a6b:7c8d%12 pid 3588'],
    diagnostics: [],
    accounting: [6, 4, 0],
  },
  {
    name: 'Windows netstat -an: no PID column',
    lines: ['  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING', '  UDP    0.0.0.0:500            *:*'],
    listeners: ['1 tcp/445 0.0.0.0', '2 udp/500 0.0.0.0'],
    diagnostics: [],
    accounting: [2, 0, 0],
  },
  {
    name: 'localized Windows: known state words, another language\'s headings',
    lines: [
      'Aktive Verbindungen',
      '  Proto  Lokale Adresse         Remoteadresse          Status',
      '  TCP    0.0.0.0:135            0.0.0.0:0              ABHÖREN',
      '  TCP    192.168.178.20:50123   198.51.100.7:443       HERGESTELLT',
      '  TCP    0.0.0.0:8080           0.0.0.0:0              IN ASCOLTO      4410',
      'Connexions actives',
      'Conexões ativas',
      'Активные подключения',
      '  TCP    0.0.0.0:139            0.0.0.0:0              ÉCOUTE          4',
    ],
    listeners: ['3 tcp/135 0.0.0.0', '5 tcp/8080 0.0.0.0 pid 4410', '9 tcp/139 0.0.0.0 pid 4'],
    diagnostics: [{ code: 'unrecognised-line', line: 8 }],
    accounting: [7, 1, 1],
  },
  {
    name: 'an unknown state word next to an unspecified peer is reported: listening or only bound?',
    lines: [
      '  Protokół  Adres lokalny          Obcy adres             Stan            PID',
      '  TCP    0.0.0.0:135            0.0.0.0:0              NASŁUCHIWANIE   1044',
      '  TCP    10.0.2.15:49822        198.51.100.7:443       USTANOWIONO     5532',
    ],
    listeners: [],
    diagnostics: [{ code: 'localized-header', line: 1 }, { code: 'unknown-state', line: 2 }],
    accounting: [0, 2, 1],
  },
  {
    name: 'Windows netstat -anob: the executable under a row names its owner',
    lines: [
      '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1044',
      '  RpcSs',
      ' [svchost.exe]',
      '  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4',
      ' Can not obtain ownership information',
      '  UDP    0.0.0.0:5353           *:*                                    2004',
      ' [chrome.exe]',
    ],
    listeners: ['1 tcp/135 0.0.0.0 svchost.exe (pid 1044)', '4 tcp/445 0.0.0.0 pid 4', '6 udp/5353 0.0.0.0 chrome.exe (pid 2004)'],
    diagnostics: [],
    accounting: [5, 2, 0],
  },
  {
    name: 'Linux netstat -tulpn: LISTEN and unconnected UDP, tcp6 as :::22, program names with spaces',
    lines: [
      'Active Internet connections (only servers)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
      'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      812/sshd: /usr/sbin ',
      'tcp6       0      0 :::22                   :::*                    LISTEN      812/sshd: /usr/sbin ',
      'udp        0      0 0.0.0.0:68              0.0.0.0:*                           588/dhclient        ',
      'udp6       0      0 :::5353                 :::*                                -                   ',
    ],
    listeners: ['3 tcp/22 0.0.0.0 sshd: /usr/sbin (pid 812)', '4 tcp/22 :: sshd: /usr/sbin (pid 812)', '5 udp/68 0.0.0.0 dhclient (pid 588)', '6 udp/5353 ::'],
    diagnostics: [],
    accounting: [6, 0, 0],
  },
  {
    name: 'Linux netstat -a: connections, unix sockets and the not-root notice are left out',
    lines: [
      '(Not all processes could be identified, non-owned process info',
      ' will not be shown, you would have to be root to see it all.)',
      'Active Internet connections (servers and established)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
      'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      -',
      'tcp        0     36 203.0.113.5:22          198.51.100.7:51234      ESTABLISHED -',
      'udp        0      0 203.0.113.5:41000       198.51.100.53:53        ESTABLISHED -',
      'raw6       0      0 :::58                   :::*                    7           -',
      'Active UNIX domain sockets (servers and established)',
      'Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path',
      'unix  2      [ ACC ]     STREAM     LISTENING     13452    1/systemd            /run/systemd/private',
    ],
    listeners: ['5 tcp/22 0.0.0.0'],
    diagnostics: [],
    accounting: [5, 6, 0],
  },
  {
    name: 'rows that cannot be read are reported',
    lines: [
      '  TCP    0.0.0.0:445',
      '  TCP    0.0.0.0:99999          0.0.0.0:0              LISTENING       4',
      '  UDP    0.0.0.0:123            *:*                    LISTENING       1392',
      'tcp        0      0 0.0.0.0:22              0.0.0.0:*',
      'tcp        x      0 0.0.0.0:22              0.0.0.0:*               LISTEN',
      'this line is not netstat output',
    ],
    listeners: [],
    diagnostics: [
      { code: 'unrecognised-line', line: 1 },
      { code: 'invalid-value', line: 2 },
      { code: 'unrecognised-line', line: 3 },
      { code: 'unrecognised-line', line: 4 },
      { code: 'unrecognised-line', line: 5 },
      { code: 'unrecognised-line', line: 6 },
    ],
    accounting: [0, 0, 6],
  },
];

describe('netstat', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = netstatListing.parse({ path: 'win01.txt', text: c.lines.join('\r\n') + '\r\n' });
      expect(rows(result).map(brief)).toEqual(c.listeners);
      expect(codes(result)).toEqual(c.diagnostics);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.accounting);
      expectAccounted(result, c.lines.length);
    });
  }

  it('an observation is a listening socket on the host the file is named after', () => {
    const result = netstatListing.parse({ path: 'hosts/win01.netstat.txt', text: '  TCP    0.0.0.0:3389           0.0.0.0:0              LISTENING       1236\r\n' });
    expect(result.observations).toEqual([{
      host: 'win01.netstat', protocol: 'tcp', port: 3389, state: 'listening', method: 'socket', tool: 'netstat', bind: '0.0.0.0',
      process: 'pid 1236', origin: { file: 'hosts/win01.netstat.txt', line: 1 },
    }]);
  });
});

describe('netstat fixtures', () => {
  it('Windows netstat -ano', () => {
    const result = parseFile(netstatListing, FIXTURES, 'netstat-ano-windows.txt');
    expect(codes(result)).toEqual([]);
    expectAccounted(result, 25);
    expect(rows(result).map(brief)).toEqual([
      '5 tcp/135 0.0.0.0 pid 1044', '6 tcp/445 0.0.0.0 pid 4', '7 tcp/3389 0.0.0.0 pid 1236', '8 tcp/5985 0.0.0.0 pid 4',
      '9 tcp/49664 0.0.0.0 pid 820', '10 tcp/139 10.0.2.15 pid 4', '14 tcp/5939 127.0.0.1 pid 3120', '15 tcp/135 :: pid 1044',
      '16 tcp/445 :: pid 4', '17 tcp/3389 :: pid 1236', '18 tcp/49669 ::1 pid 3456', '19 udp/123 0.0.0.0 pid 1392',
      '20 udp/3389 0.0.0.0 pid 1236', '21 udp/5353 0.0.0.0 pid 2004', '22 udp/137 10.0.2.15 pid 4', '23 udp/1900 127.0.0.1 pid 3588',
      '24 udp/123 :: pid 1392', '25 udp/1900 fe80::1c2d:3e4f:5a6b:7c8d%12 pid 3588',
    ]);
    expect(rows(result).every((r) => r.host === 'netstat-ano-windows')).toBe(true);
  });

  it('Windows netstat -an in German', () => {
    const result = parseFile(netstatListing, FIXTURES, 'netstat-an-windows-german.txt');
    expect(codes(result)).toEqual([]);
    expectAccounted(result, 12);
    expect(rows(result).map(brief)).toEqual([
      '5 tcp/135 0.0.0.0', '6 tcp/445 0.0.0.0', '7 tcp/139 192.168.178.20', '10 tcp/135 ::', '11 udp/500 0.0.0.0', '12 udp/500 ::',
    ]);
  });

  it('Windows netstat -anob', () => {
    const result = parseFile(netstatListing, FIXTURES, 'netstat-anob-windows.txt');
    expect(codes(result)).toEqual([]);
    expectAccounted(result, 19);
    expect(rows(result).map(brief)).toEqual([
      '5 tcp/135 0.0.0.0 svchost.exe (pid 1044)', '8 tcp/445 0.0.0.0 pid 4', '10 tcp/3389 0.0.0.0 svchost.exe (pid 1236)',
      '13 tcp/5432 0.0.0.0 postgres.exe (pid 2876)', '17 udp/123 0.0.0.0 svchost.exe (pid 1392)',
    ]);
  });

  it('Windows in a language Portcullis does not know: best effort, and said so', () => {
    const result = parseFile(netstatListing, FIXTURES, 'netstat-windows-polish-warn.txt');
    expectNoError(result);
    expectAccounted(result, 11);
    expect(rows(result)).toEqual([]);
    expect(codes(result)).toEqual([
      { code: 'localized-header', line: 2 },
      { code: 'localized-header', line: 4 },
      { code: 'unknown-state', line: 5 },
      { code: 'invalid-value', line: 8 },
      { code: 'unrecognised-line', line: 9 },
      { code: 'unrecognised-line', line: 10 },
      { code: 'unrecognised-line', line: 11 },
    ]);
  });

  it('Linux netstat -tulpn and -atunpe (net-tools 2.10 in a network namespace)', () => {
    const listening = [
      '3 tcp/5432 127.0.0.1', '4 tcp/80 203.0.113.21', '5 tcp/22 0.0.0.0', '6 tcp/53 127.0.0.53', '7 tcp/9000 2001:db8:113::20',
      '8 tcp/443 ::', '9 tcp/9001 fe80::20', '10 tcp/8443 ::', '11 udp/53 127.0.0.53', '12 udp/161 0.0.0.0', '13 udp/5353 ::',
    ];
    const servers = parseFile(netstatListing, FIXTURES, 'netstat-tulpn-linux.txt');
    expect(codes(servers)).toEqual([]);
    expectAccounted(servers, 13);
    expect(rows(servers).map((r) => `${r.line} ${r.port} ${r.bind}`)).toEqual(listening);
    expect(rows(servers).every((r) => r.process === 'python3 (pid 19394)')).toBe(true);
    const all = parseFile(netstatListing, FIXTURES, 'netstat-atunpe-linux.txt');
    expect(codes(all)).toEqual([]);
    expectAccounted(all, 16);
    expect([all.lines.recognised, all.lines.ignored, all.lines.reported]).toEqual([13, 3, 0]);
    expect(rows(all).map((r) => r.port)).toEqual(['tcp/5432', 'tcp/80', 'tcp/22', 'tcp/53', 'tcp/9000', 'tcp/443', 'tcp/9001', 'tcp/8443', 'udp/53', 'udp/161', 'udp/5353']);
    expect(rows(all).every((r) => r.process === 'python3 (pid 19394)')).toBe(true);
  });
});
