import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-plaintext-protocol', {
  valid: [
    { name: 'IMAPS', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 993 -j ACCEPT') },
    { name: 'FTP from the office only', code: filterTable('DROP', '-A INPUT -s 10.1.0.0/16 -p tcp -m tcp --dport 21 -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'FTP',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 21 -j ACCEPT'),
      errors: [{ line: 5, severity: 'medium', message: 'Clear-text protocol port 21/tcp (FTP) on input is reachable from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'TFTP',
      code: filterTable('DROP', '-A INPUT -p udp -m udp --dport 69 -j ACCEPT'),
      errors: [{ line: 5, message: /port 69\/udp \(TFTP\)/ }],
    },
  ],
});
