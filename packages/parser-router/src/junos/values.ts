import {
  parseAddressSet,
  portSet,
  protocolNumber,
  servicePort,
  type AddressSet,
  type PortSet,
} from '@portcullis/model';

/*
 * Values as Junos writes them: port numbers, ranges and names, protocol names and numbers,
 * addresses and prefixes. Each returns undefined for what it cannot read, so the caller reports it.
 */

/** Port names Junos accepts in filters and applications (from the CLI's completion list). */
const PORT_NAMES: Record<string, number> = {
  afs: 1483, bgp: 179, biff: 512, bootpc: 68, bootps: 67, cmd: 514, cvspserver: 2401, dhcp: 67,
  domain: 53, eklogin: 2105, ekshell: 2106, exec: 512, finger: 79, ftp: 21, 'ftp-data': 20, http: 80,
  https: 443, ident: 113, imap: 143, 'kerberos-sec': 88, klogin: 543, kpasswd: 761, 'krb-prop': 754,
  krbupdate: 760, kshell: 544, ldap: 389, ldp: 646, login: 513, 'mobileip-agent': 434, 'mobilip-mn': 435,
  msdp: 639, 'netbios-dgm': 138, 'netbios-ns': 137, 'netbios-ssn': 139, nfsd: 2049, nntp: 119,
  ntalk: 518, ntp: 123, pop3: 110, pptp: 1723, printer: 515, radacct: 1813, radius: 1812, rip: 520,
  rkinit: 2108, smtp: 25, snmp: 161, snmptrap: 162, snpp: 444, socks: 1080, ssh: 22, sunrpc: 111,
  syslog: 514, tacacs: 49, 'tacacs-ds': 65, talk: 517, telnet: 23, tftp: 69, timed: 525, who: 513,
  xdmcp: 177, 'zephyr-clt': 2103, 'zephyr-hm': 2104, 'zephyr-srv': 2102,
};

/** Protocol names Junos uses where they differ from /etc/protocols. */
const PROTOCOL_NAMES: Record<string, number> = {
  icmp6: 58, icmpv6: 58, 'hop-by-hop': 0, routing: 43, fragment: 44, dstopts: 60, 'no-next-header': 59,
  ipip: 4, ipv6: 41,
};

/** One port: a number or a name. */
export function junosPort(text: string): number | undefined {
  if (/^\d{1,5}$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  const lower = text.toLowerCase();
  return PORT_NAMES[lower] ?? servicePort(lower, 'tcp') ?? servicePort(lower, 'udp');
}

/** `22`, `ssh`, `1024-65535`, `0-65535`, `1024-ssh`; undefined for anything else. */
export function junosPortRange(text: string): PortSet | undefined {
  const dash = text.indexOf('-', 1);
  const single = junosPort(text);
  if (single !== undefined) return portSet([[single, single]]);
  if (dash < 0) return undefined;
  const lo = junosPort(text.slice(0, dash));
  const hi = junosPort(text.slice(dash + 1));
  if (lo === undefined || hi === undefined || hi < lo) return undefined;
  return portSet([[lo, hi]]);
}

/** A protocol by Junos name or number. */
export function junosProtocol(text: string): number | undefined {
  const lower = text.toLowerCase();
  return PROTOCOL_NAMES[lower] ?? protocolNumber(lower);
}

/** A prefix or address: `10.0.0.0/8`, `10.0.0.1`, `2001:db8::/32`, `10.0.0.1/255.255.255.0`. */
export function junosPrefix(text: string): AddressSet | undefined {
  if (text.includes('-')) return undefined;
  return parseAddressSet(text);
}

/** An address in a range (`range-address A to B`, `address A to B`): a bare address or one with `/32`. */
export function junosAddressRange(from: string, to: string): AddressSet | undefined {
  const bare = (t: string): string => {
    const slash = t.indexOf('/');
    return slash < 0 ? t : t.slice(0, slash);
  };
  return parseAddressSet(`${bare(from)}-${bare(to)}`);
}

/** Whether a prefix is IPv6 (evidence for the device's family). */
export function isIpv6(text: string): boolean {
  return text.includes(':');
}
