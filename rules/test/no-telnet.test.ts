import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-telnet', {
  valid: [
    { name: 'Telnet dropped', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 23 -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT') },
    { name: 'only established connections', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 23 -m state --state ESTABLISHED -j ACCEPT') },
    { name: 'loopback only', code: filterTable('DROP', '-A INPUT -i lo -p tcp -m tcp --dport 23 -j ACCEPT') },
    { name: 'UDP 23 is not Telnet', code: filterTable('DROP', '-A INPUT -p udp -m udp --dport 23 -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'Telnet from anywhere is critical',
      code: filterTable('DROP', '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT'),
      errors: [{ line: 6, severity: 'critical', message: 'Telnet (23/tcp) on input is open to new connections from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'Telnet from a private network is high',
      code: filterTable('DROP', '-A INPUT -s 192.168.0.0/16 -p tcp -m tcp --dport 23 -j ACCEPT'),
      errors: [{ line: 5, severity: 'high', message: /from 192\.168\.0\.0\/16$/ }],
    },
    {
      name: 'Telnet from a narrow public range is critical',
      code: filterTable('DROP', '-A INPUT -s 198.51.100.0/24 -p tcp -m tcp --dport 23 -j ACCEPT'),
      errors: [{ line: 5, severity: 'critical' }],
    },
    {
      name: 'a port range that contains 23',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 20:25 -j ACCEPT'),
      errors: [{ line: 5, message: /^Telnet \(23\/tcp\)/ }],
    },
    {
      name: 'the default policy',
      code: filterTable('ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
      errors: [{ line: 2 }],
    },
  ],
});
