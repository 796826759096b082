import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-public-vnc', {
  valid: [
    { name: 'VNC from the LAN', code: filterTable('DROP', '-A INPUT -s 192.168.0.0/16 -p tcp -m tcp --dport 5900 -j ACCEPT') },
    { name: '5904 is past the first displays', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 5904 -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'VNC display :0',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 5900 -j ACCEPT'),
      errors: [{ line: 5, severity: 'high', message: 'VNC (5900/tcp) on input is reachable from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'the web viewer',
      code: filterTable('DROP', '-A INPUT -p tcp -m multiport --dports 5800,5801 -j ACCEPT'),
      errors: [{ line: 5, message: /5800-5801\/tcp/ }],
    },
  ],
});
