import { ruleTester } from './rule-tester.js';

const gateway = [
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  '-A PREROUTING -i eth0 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.0.5.20:8080',
  '-A PREROUTING -i eth0 -p tcp -m tcp --dport 443 -j DNAT --to-destination 10.0.5.30',
  'COMMIT',
  '',
].join('\n');

const inventory = (status: string): string =>
  ['services:', '  - name: old-jenkins', '    host: 10.0.5.20', '    port: 8080', `    status: ${status}`, '    since: 2025-09-30', '    owner: build-team', ''].join('\n');

ruleTester('no-forward-to-decommissioned', {
  valid: [
    { name: 'no inventory', code: gateway },
    { name: 'the service is active', code: gateway, inventory: inventory('active') },
  ],
  invalid: [
    {
      name: 'a forward to a decommissioned service',
      code: gateway,
      inventory: inventory('decommissioned'),
      errors: [
        {
          line: 6,
          severity: 'high',
          message: 'The forward tcp 8081 -> 10.0.5.20:8080 on input points at old-jenkins (10.0.5.20:8080/tcp), decommissioned since 2025-09-30 (owner: build-team)',
        },
      ],
    },
  ],
});
