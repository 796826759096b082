import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-public-ssh', {
  valid: [
    { name: 'a narrow public /29', code: filterTable('DROP', '-A INPUT -s 198.51.100.8/29 -p tcp -m tcp --dport 22 -j ACCEPT') },
    { name: 'private sources', code: filterTable('DROP', '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT') },
    { name: 'a rate limit before a drop still leaves it closed', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -m limit --limit 3/min -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'SSH from anywhere',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
      errors: [{ line: 5, severity: 'medium', message: 'SSH (22/tcp) on input is reachable from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'SSH with a rate limit is still reachable',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
      errors: [{ line: 6 }],
    },
    {
      name: 'everything but 10/8 is still anywhere',
      code: filterTable('DROP', '-A INPUT ! -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT'),
      errors: [{ line: 5, message: /from anywhere/ }],
    },
  ],
});
