/*
 * Service names that ss and netstat print without `-n` (getservbyport, i.e. /etc/services of
 * Debian's netbase) where IANA's registry, which the model's servicePort reads, names the port
 * differently or gives the name to another port (`http` is IANA's `www-http`; IANA registers
 * `http-alt` on 591 before 8080). Only the differences; every other name comes from the registry.
 */
export const NETBASE_PORTS: ReadonlyMap<string, number> = new Map(Object.entries({
  'netstat/tcp': 15, 'fsp/udp': 21, 'whois/tcp': 43, 'http/tcp': 80, 'imap2/tcp': 143, 'snmp-trap/tcp': 162,
  'snmp-trap/udp': 162, 'z3950/tcp': 210, 'ipp/tcp': 631, 'route/udp': 520, 'datametrics/tcp': 1645,
  'datametrics/udp': 1645, 'l2f/udp': 1701, 'gds-db/tcp': 3050, 'sip-tls/tcp': 5061, 'sip-tls/udp': 5061,
  'x11/tcp': 6000, 'x11-1/tcp': 6001, 'x11-2/tcp': 6002, 'x11-3/tcp': 6003, 'x11-4/tcp': 6004,
  'x11-5/tcp': 6005, 'x11-6/tcp': 6006, 'x11-7/tcp': 6007, 'sge-qmaster/tcp': 6444, 'sge-execd/tcp': 6445,
  'bbs/tcp': 7000, 'http-alt/tcp': 8080, 'kerberos4/udp': 750, 'kerberos4/tcp': 750,
  'kerberos-master/udp': 751, 'kerberos-master/tcp': 751, 'passwd-server/udp': 752, 'krb-prop/tcp': 754,
  'iprop/tcp': 2121, 'supfilesrv/tcp': 871, 'supfiledbg/tcp': 1127, 'poppassd/tcp': 106, 'moira-db/tcp': 775,
  'moira-update/tcp': 777, 'moira-ureg/udp': 779, 'spamd/tcp': 783, 'skkserv/tcp': 1178, 'predict/udp': 1210,
  'rmtcfg/tcp': 1236, 'xtel/tcp': 1313, 'xtelw/tcp': 1314, 'zebrasrv/tcp': 2600, 'zebra/tcp': 2601,
  'ripd/tcp': 2602, 'ripngd/tcp': 2603, 'ospfd/tcp': 2604, 'bgpd/tcp': 2605, 'ospf6d/tcp': 2606,
  'ospfapi/tcp': 2607, 'isisd/tcp': 2608, 'fax/tcp': 4557, 'rplay/udp': 5555, 'nsca/tcp': 5667,
  'canna/tcp': 5680, 'ircd/tcp': 6667, 'zope-ftp/tcp': 8021, 'tproxy/tcp': 8081, 'omniorb/tcp': 8088,
  'clc-build-daemon/tcp': 8990, 'xinetd/tcp': 9098, 'zope/tcp': 9673, 'webmin/tcp': 10000,
  'kamanda/tcp': 10081, 'amandaidx/tcp': 10082, 'amidxtape/tcp': 10083, 'sgi-cmsd/udp': 17001,
  'sgi-crsd/udp': 17002, 'sgi-gcd/udp': 17003, 'sgi-cad/tcp': 17004, 'asp/tcp': 27374, 'asp/udp': 27374,
  'csync2/tcp': 30865, 'dircproxy/tcp': 57000, 'tfido/tcp': 60177, 'fido/tcp': 60179,
}));
