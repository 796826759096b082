import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-ephemeral-port-listener', {
  valid: [
    { name: 'replies accepted by state', code: filterTable('DROP', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT') },
    { name: 'a fixed port below the range', code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 8443 -j ACCEPT') },
    { name: 'every port is the all-ports rule', code: filterTable('DROP', '-A INPUT -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'a stateless "allow replies" rule',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 49152:65535 -j ACCEPT'),
      errors: [{ line: 5, severity: 'low', message: '49152-65535/tcp on input, in the ephemeral port range, is open to new connections from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'a single port in the range, from a private network',
      code: filterTable('DROP', '-A INPUT -s 10.0.0.0/8 -p udp -m udp --dport 50000 -j ACCEPT'),
      errors: [{ line: 5, message: /^50000\/udp .* from 10\.0\.0\.0\/8$/ }],
    },
  ],
});
