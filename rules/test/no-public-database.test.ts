import { filterTable, ruleTester } from './rule-tester.js';

ruleTester('no-public-database', {
  valid: [
    { name: 'web ports only', code: filterTable('DROP', '-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT') },
    { name: 'PostgreSQL from the app subnet', code: filterTable('DROP', '-A INPUT -s 10.20.0.0/16 -p tcp -m tcp --dport 5432 -j ACCEPT') },
  ],
  invalid: [
    {
      name: 'PostgreSQL among web ports',
      code: filterTable('DROP', '-A INPUT -p tcp -m multiport --dports 80,443,5432 -j ACCEPT'),
      errors: [{ line: 5, message: 'Database or cache port 5432/tcp (PostgreSQL) on input is reachable from anywhere (0.0.0.0/0)' }],
    },
    {
      name: 'Memcached over UDP',
      code: filterTable('DROP', '-A INPUT -p udp -m udp --dport 11211 -j ACCEPT'),
      errors: [{ line: 5, message: /11211\/udp/ }],
    },
    {
      name: 'Redis and MongoDB in one range',
      code: filterTable('DROP', '-A INPUT -p tcp -m tcp --dport 6000:28000 -j ACCEPT'),
      errors: [{ line: 5, message: /^Database or cache port 6379,7000-7001,7199,7474,8086,9042,9160,9200,9300,11211,26257,27017-27019\/tcp \(several services\)/ }],
    },
  ],
});
