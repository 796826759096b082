import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-wide-public-port-range', {
  valid: [
    { name: '51 ports', code: filterTable('DROP', '-A INPUT -p udp -m udp --dport 10000:10050 -j ACCEPT') },
    { name: 'a wide range from the LAN', code: filterTable('DROP', '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 1024:65535 -j ACCEPT') },
    { name: 'every port is the other rule', code: filterTable('DROP', '-A INPUT -p tcp -j ACCEPT') },
  ],
  invalid: [
    {
      name: '1001 ports',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 8000:9000 -j ACCEPT'),
      errors: [{ line: 5, severity: 'medium', message: '1001 tcp ports (8000-9000) of input are reachable from anywhere (0.0.0.0/0)' }],
    },
  ],
});
