import { ruleTester } from './rule-tester.js';

const gateway = [
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  '-A PREROUTING -i eth0 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.0.5.20:8080',
  '-A PREROUTING -i eth0 -p udp -m udp --dport 5060 -j DNAT --to-destination 10.0.5.40',
  'COMMIT',
  '',
].join('\n');

const jenkins = ['services:', '  - name: jenkins', '    host: 10.0.5.20', '    port: 8080', ''].join('\n');
const both = [jenkins.trimEnd(), '  - name: pbx', '    host: 10.0.5.40', '    port: 5060', '    protocol: udp', ''].join('\n');

ruleTester('no-unknown-forward-target', {
  valid: [
    { name: 'no inventory: nothing to compare with', code: gateway },
    { name: 'every forward is claimed', code: gateway, inventory: both },
  ],
  invalid: [
    {
      name: 'a forward nobody claims',
      code: gateway,
      inventory: jenkins,
      errors: [{ line: 7, severity: 'medium', message: 'The forward udp 5060 -> 10.0.5.40:5060 on input points at 10.0.5.40:5060/udp, which no service in the inventory claims' }],
    },
    {
      name: 'a service on the right host but another port',
      code: gateway,
      inventory: ['services:', '  - name: jenkins', '    host: 10.0.5.20', '    port: 8443', '  - name: pbx', '    host: 10.0.5.40', '    port: 5060', '    protocol: udp', ''].join('\n'),
      errors: [{ line: 6, message: /points at 10\.0\.5\.20:8080\/tcp/ }],
    },
  ],
});
