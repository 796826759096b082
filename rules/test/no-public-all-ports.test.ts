import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-public-all-ports', {
  valid: [
    { name: 'loopback accepts everything', code: filterTable('DROP', '-A INPUT -i lo -j ACCEPT') },
    { name: 'everything from the LAN', code: filterTable('DROP', '-A INPUT -s 192.168.0.0/16 -j ACCEPT') },
    { name: 'all TCP but one port is not all ports', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 3389 -j DROP', '-A INPUT -p tcp -j ACCEPT') },
    { name: 'ICMP has no ports', code: filterTable('DROP', '-A INPUT -p icmp -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'accept with no conditions',
      code: filterTable('DROP', '-A INPUT -j ACCEPT'),
      errors: [{ line: 5, severity: 'critical', message: 'All ports of every protocol of input are reachable from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'policy ACCEPT and no rules',
      code: filterTable('ACCEPT'),
      errors: [{ line: 2 }],
    },
    {
      name: 'a DNS "reply" rule lets every UDP port in from source port 53',
      code: filterTable('DROP', '-A INPUT -p udp -m udp --sport 53 -j ACCEPT'),
      errors: [{ line: 5, message: /^All udp ports of input/ }],
    },
  ],
});
