import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-public-admin-service', {
  valid: [
    { name: 'SMB on the LAN interface from the LAN', code: filterTable('DROP', '-A INPUT -i eth1 -s 192.168.1.0/24 -p tcp -m tcp --dport 445 -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'SMB from anywhere',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 445 -j ACCEPT'),
      errors: [{ line: 5, severity: 'high', message: 'Management or file-sharing port 445/tcp (SMB) on input is reachable from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'SNMP',
      code: filterTable('DROP', '-A INPUT -p udp -m udp --dport 161 -j ACCEPT'),
      errors: [{ line: 5, message: /port 161\/udp \(SNMP\)/ }],
    },
    {
      name: 'the Docker API',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 2375 -j ACCEPT'),
      errors: [{ line: 5, message: /Docker API/ }],
    },
  ],
});
