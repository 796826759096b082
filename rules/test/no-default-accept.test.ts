import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-default-accept', {
  valid: [
    { name: 'policy DROP', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT') },
    { name: 'policy ACCEPT ended by a catch-all drop', code: filterTable('ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -j DROP') },
    { name: 'a catch-all reject in a user chain', code: ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':final - [0:0]', '-A INPUT -j final', '-A final -j REJECT', 'COMMIT', ''].join('\n') },
    { name: 'a host whose FORWARD accepts but that routes nothing', code: ['*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT', ''].join('\n') },
  ],
  invalid: [
    {
      name: 'policy ACCEPT, drops for two ports',
      code: filterTable('ACCEPT', '-A INPUT -p tcp -m tcp --dport 23 -j DROP'),
      errors: [{ line: 2, severity: 'medium', message: /^filter\/INPUT on input accepts by default/ }],
    },
    {
      name: 'a "catch-all" drop that only covers TCP',
      code: filterTable('ACCEPT', '-A INPUT -p tcp -j DROP'),
      errors: [{ line: 2 }],
    },
    {
      name: 'a router whose FORWARD accepts by default',
      code: ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -o eth0 -j MASQUERADE', 'COMMIT', '*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT', ''].join('\n'),
      errors: [{ line: 10 }],
    },
  ],
});
