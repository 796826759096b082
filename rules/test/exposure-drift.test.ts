import { filterTable, ruleTester } from './rule-tester.js';

const hosts = ['hosts:', '  - name: input', '    addresses: [203.0.113.2]', 'services: []', ''].join('\n');
const scan = (states: Record<number, string>, from = ' -S 203.0.113.1'): string =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<nmaprun scanner="nmap" args="nmap -n -Pn -sT${from} -p 22,23,80 -oX scan.xml 203.0.113.2" version="7.93" xmloutputversion="1.05">`,
    '<scaninfo type="connect" protocol="tcp" numservices="3" services="22-23,80"/>',
    '<host><status state="up" reason="user-set"/>',
    '<address addr="203.0.113.2" addrtype="ipv4"/>',
    '<ports>',
    ...Object.entries(states).map(([port, state]) => `<port protocol="tcp" portid="${port}"><state state="${state}" reason="x"/></port>`),
    '</ports></host></nmaprun>',
    '',
  ].join('\n');

const firewall = filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -s 198.51.100.0/24 -p tcp -m tcp --dport 80 -j ACCEPT');

ruleTester('exposure-drift', {
  valid: [
    { name: 'the scan sees what the configuration allows', code: firewall, inventory: hosts, files: { 'scan.xml': scan({ 22: 'open', 23: 'filtered', 80: 'filtered' }) } },
    { name: 'closed says nothing: a host or a firewall reset', code: firewall, inventory: hosts, files: { 'scan.xml': scan({ 22: 'closed', 23: 'closed' }) } },
    { name: 'no way to tie the scan to the device', code: firewall, files: { 'scan.xml': scan({ 23: 'open' }) } },
    { name: 'a scan from an unknown place that finds a source-limited port filtered', code: firewall, inventory: hosts, files: { 'scan.xml': scan({ 80: 'filtered' }, '') } },
  ],
  invalid: [
    {
      name: 'the scan reached a port the configuration closes',
      code: firewall,
      inventory: hosts,
      files: { 'scan.xml': scan({ 22: 'open', 23: 'open' }) },
      errors: [{ line: 8, severity: 'medium', message: 'Drift on input: a scan from 203.0.113.1 found 23/tcp on 203.0.113.2 open, but the configuration of input lets no new connection from 203.0.113.1 in there' }],
    },
    {
      name: 'the configuration opens a port the scan found filtered',
      code: firewall,
      inventory: hosts,
      files: { 'scan.xml': scan({ 22: 'filtered' }) },
      errors: [{ line: 7, message: /lets 22\/tcp in from 203\.0\.113\.1, but a scan found it filtered/ }],
    },
    {
      name: 'a source-limited port reached from outside that source',
      code: firewall,
      inventory: hosts,
      files: { 'scan.xml': scan({ 80: 'open' }) },
      errors: [{ line: 7, message: /found 80\/tcp on 203\.0\.113\.2 open/ }],
    },
  ],
});
