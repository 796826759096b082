import { ruleTester } from './rule-tester.js';

const gateway = [
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  '-A PREROUTING -i eth0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.1.50:80',
  '-A PREROUTING -i eth0 -p tcp -m tcp --dport 2222 -j DNAT --to-destination 192.168.1.50:22',
  'COMMIT',
  '',
].join('\n');

const scan = (states: Record<number, string>, extraports = ''): string =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<nmaprun scanner="nmap" args="nmap -n -Pn -sT -p 22,80,443 -oX scan.xml 192.168.1.50" version="7.93" xmloutputversion="1.05">',
    '<scaninfo type="connect" protocol="tcp" numservices="3" services="22,80,443"/>',
    '<host><status state="up" reason="user-set"/>',
    '<address addr="192.168.1.50" addrtype="ipv4"/>',
    '<ports>',
    ...(extraports ? [extraports] : []),
    ...Object.entries(states).map(([port, state]) => `<port protocol="tcp" portid="${port}"><state state="${state}" reason="x"/></port>`),
    '</ports></host></nmaprun>',
    '',
  ].join('\n');

const hosts = ['hosts:', '  - name: web1', '    addresses: [192.168.1.50]', 'services: []', ''].join('\n');
const listing = (ports: number[]): string =>
  [
    'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    ...ports.map((p) => `LISTEN 0      128          0.0.0.0:${p}      0.0.0.0:*    users:(("daemon",pid=${p},fd=3))`),
    'LISTEN 0      128        127.0.0.1:80       0.0.0.0:*    users:(("nginx",pid=9,fd=6))',
    '',
  ].join('\n');

ruleTester('no-forward-without-listener', {
  valid: [
    { name: 'no observations: nothing to go on', code: gateway },
    { name: 'both ports open', code: gateway, files: { 'scan.xml': scan({ 22: 'open', 80: 'open' }) } },
    { name: 'a filtered port proves nothing', code: gateway, files: { 'scan.xml': scan({ 22: 'open', 80: 'filtered' }) } },
    { name: 'a listing of another host says nothing about this one', code: gateway, files: { 'db1.ss': listing([5432]) } },
  ],
  invalid: [
    {
      name: 'a scan found the forwarded port closed',
      code: gateway,
      files: { 'scan.xml': scan({ 22: 'open', 80: 'closed' }) },
      errors: [{ line: 6, severity: 'low', message: 'The forward tcp 8080 -> 192.168.1.50:80 on input points at 192.168.1.50:80/tcp, where nothing listens: a scan found 80/tcp closed (scan.xml:8)' }],
    },
    {
      name: 'a port the scan tried but did not list, with the rest closed',
      code: gateway,
      files: { 'scan.xml': scan({ 22: 'open' }, '<extraports state="closed" count="2"><extrareasons reason="conn-refused" count="2"/></extraports>') },
      errors: [{ line: 6, message: /a scan of 80\/tcp found it closed \(scan\.xml:3\)$/ }],
    },
    {
      name: 'the host listing shows SSH but HTTP only on loopback',
      code: gateway,
      inventory: hosts,
      files: { 'web1.ss': listing([22]) },
      errors: [{ line: 6, message: /the socket listing of web1 shows no tcp listener on 80 \(web1\.ss:2\)$/ }],
    },
  ],
});
