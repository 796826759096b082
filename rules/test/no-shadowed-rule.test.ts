import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-shadowed-rule', {
  valid: [
    { name: 'a partly covered rule', code: filterTable('DROP', '-A INPUT -s 10.0.0.0/9 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT') },
    { name: 'after a rule for new connections only', code: filterTable('DROP', '-A INPUT -m conntrack --ctstate NEW -j DROP', '-A INPUT -j ACCEPT') },
    { name: 'after a rate-limited drop', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -m limit --limit 3/min -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT') },
    { name: 'after a jump to a chain that may return', code: ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':checks - [0:0]', '-A INPUT -j checks', '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT', '-A checks -s 192.0.2.0/24 -j DROP', 'COMMIT', ''].join('\n') },
    { name: 'a log rule before the same accept', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -j LOG', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'an accept after a drop of everything',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -j DROP', '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT'),
      errors: [
        {
          line: 7,
          severity: 'medium',
          message: 'This allow rule in filter/INPUT on input is never reached: every packet it matches is taken first by line 6 (deny), so its allow never applies',
        },
      ],
    },
    {
      name: 'covered only by two earlier rules together',
      code: filterTable('DROP', '-A INPUT -s 10.0.0.0/9 -j ACCEPT', '-A INPUT -s 10.128.0.0/9 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT'),
      errors: [{ line: 7, severity: 'low', message: /taken first by lines 5, 6 \(allow\)$/ }],
    },
    {
      name: 'a duplicate rule',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT'),
      errors: [{ line: 6, severity: 'low' }],
    },
    {
      name: 'a port inside a multiport range already accepted',
      code: filterTable('DROP', '-A INPUT -p tcp -m multiport --dports 20:30 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 23 -j DROP'),
      errors: [{ line: 6, severity: 'medium' }],
    },
  ],
});
