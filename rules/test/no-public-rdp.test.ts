import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-public-rdp', {
  valid: [
    { name: 'RDP from 10.0.0.0/8 only', code: filterTable('DROP', '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 3389 -j ACCEPT') },
    { name: 'a drop for 3389 before a broad accept', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 3389 -j DROP', '-A INPUT -p tcp -j ACCEPT') },
    { name: 'protocol all: no-public-all-ports reports it, once', code: filterTable('DROP', '-A INPUT -p all -j ACCEPT') },
    { name: 'a narrow public range', code: filterTable('DROP', '-A INPUT -s 203.0.113.0/28 -p tcp -m tcp --dport 3389 -j ACCEPT') },
    { name: 'everyone but the internet is dropped first', code: filterTable('DROP', '-A INPUT ! -s 10.0.0.0/8 -p tcp -j DROP', '-A INPUT -p tcp -m tcp --dport 3389 -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'the reverse order: accept before the drop',
      code: filterTable('DROP', '-A INPUT -p tcp -m multiport --dports 1:10000 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 3389 -j DROP'),
      errors: [{ line: 5, message: 'RDP (3389/tcp) on input is reachable from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'multiport 3380:3390 covers 3389',
      code: filterTable('DROP', '-A INPUT -p tcp -m multiport --dports 3380:3390 -j ACCEPT'),
      errors: [{ line: 5 }],
    },
    {
      name: 'RDP over UDP',
      code: filterTable('DROP', '-A INPUT -p udp -m udp --dport 3389 -j ACCEPT'),
      errors: [{ line: 5, message: /3389\/udp/ }],
    },
    {
      name: 'a non-canonical /0',
      code: filterTable('DROP', '-A INPUT -s 1.2.3.4/0 -p tcp -m tcp --dport 3389 -j ACCEPT'),
      errors: [{ line: 5 }],
    },
    {
      name: 'the two halves of the internet',
      code: filterTable('DROP', '-A INPUT -s 0.0.0.0/1 -p tcp -m tcp --dport 3389 -j ACCEPT', '-A INPUT -s 128.0.0.0/1 -p tcp -m tcp --dport 3389 -j ACCEPT'),
      errors: [{ line: 5 }, { line: 6 }],
    },
    {
      name: 'an office rule beside a rule open to everyone: only the open one is the finding',
      code: filterTable('DROP', '-A INPUT -s 203.0.113.0/28 -p tcp -m tcp --dport 3389 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 3389 -j ACCEPT'),
      errors: [{ line: 6 }],
    },
  ],
});
