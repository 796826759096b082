import { IntervalSet, numberDomain } from './intervals.js';

/** IP protocol numbers 0–255; a set of them is what a rule's protocol matches. */
export const PROTOCOL_DOMAIN = numberDomain(0, 255);
export type ProtocolSet = IntervalSet<number>;

export const PROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132, dccp: 33, udplite: 136 } as const;

export const ALL_PROTOCOLS: ProtocolSet = IntervalSet.full(PROTOCOL_DOMAIN);

/** A set of protocol numbers; the set of one protocol (`-p tcp` on nearly every rule) is made once per number and shared. */
export function protocolSet(numbers: Iterable<number>): ProtocolSet {
  const list = [...numbers];
  const n = list[0]!;
  if (list.length === 1 && Number.isInteger(n) && n >= 0 && n <= 255) return (SINGLE_PROTOCOLS[n] ??= IntervalSet.of(PROTOCOL_DOMAIN, [[n, n]]));
  return IntervalSet.of(PROTOCOL_DOMAIN, list.map((p) => [p, p] as const));
}

const SINGLE_PROTOCOLS: ProtocolSet[] = [];

/** Protocols that carry ports; for the others a rule's port set is meaningless and kept full. */
export const PORTED_PROTOCOLS: ProtocolSet = protocolSet([PROTO.tcp, PROTO.udp, PROTO.sctp, PROTO.dccp, PROTO.udplite]);

// Names as in Debian's /etc/protocols (netbase), which iptables and nft print and accept.
const NAMES: Record<string, number> = {
  ip: 0, hopopt: 0, icmp: 1, igmp: 2, ggp: 3, ipencap: 4, st: 5, tcp: 6, egp: 8, igp: 9, pup: 12,
  udp: 17, hmp: 20, 'xns-idp': 22, rdp: 27, 'iso-tp4': 29, dccp: 33, xtp: 36, ddp: 37, 'idpr-cmtp': 38,
  ipv6: 41, 'ipv6-route': 43, 'ipv6-frag': 44, idrp: 45, rsvp: 46, gre: 47, esp: 50, ah: 51, skip: 57,
  'ipv6-icmp': 58, icmpv6: 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, rspf: 73, vmtp: 81, eigrp: 88,
  ospf: 89, ospfigp: 89, 'ax.25': 93, ipip: 94, etherip: 97, encap: 98, pim: 103, ipcomp: 108,
  vrrp: 112, l2tp: 115, isis: 124, sctp: 132, fc: 133, 'mobility-header': 135, udplite: 136,
  'mpls-in-ip': 137, manet: 138, hip: 139, shim6: 140, wesp: 141, rohc: 142, ethernet: 143,
};

/** Resolves a protocol name or number; undefined when it is neither. */
export function protocolNumber(nameOrNumber: string): number | undefined {
  const t = nameOrNumber.trim().toLowerCase();
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  // An own name only: `constructor` or `__proto__` is no protocol.
  return Object.hasOwn(NAMES, t) ? NAMES[t] : undefined;
}

const PRINTED: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6', 132: 'sctp', 47: 'gre', 50: 'esp', 51: 'ah' };

/** The name used in reports: `tcp`, `udp`, `icmp`, `icmpv6`, else the number. */
export function protocolName(n: number): string {
  return PRINTED[n] ?? String(n);
}
