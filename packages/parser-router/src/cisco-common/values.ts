import {
  AddressSet,
  PORTED_PROTOCOLS,
  protocolNumber,
  portSet,
  type PortSet,
  type ProtocolSet,
  protocolSet,
  ALL_PROTOCOLS,
  parseAddressSet,
  type Family,
} from '@portcullis/model';

/*
 * Values as Cisco IOS and ASA write them: dotted IPv4 addresses with wildcard masks (IOS ACLs) or
 * netmasks (ASA, IOS object-groups and NAT), protocol keywords, and the port names each platform
 * accepts in `eq`/`range`. Everything returns undefined for what it cannot read, so callers report it.
 */

const MAX_U32 = 0xffffffff;

/** A strict dotted quad (`10.0.0.1`) as an unsigned 32-bit number; undefined for anything else. */
export function ipv4Number(text: string): number | undefined {
  if (text.length < 7 || text.length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || octet > 255) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 3) return undefined;
      octet = octet * 10 + (c - 48);
      digits++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return undefined;
  return value * 256 + octet;
}

export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * One IPv4 address, or the range lo–hi. Sets are immutable, and an ACL names the same hosts and
 * networks again and again (one server in thousands of entries): an address or CIDR block is made
 * once and shared, through a memo that starts over when full, so a file of millions of distinct
 * blocks costs no more memory than making them did. Other ranges are made each time.
 */
export function ipv4Range(lo: number, hi: number): AddressSet {
  const key = blockKey(lo, hi);
  if (key === undefined) return AddressSet.ranges([[BigInt(lo), BigInt(hi)]]);
  let set = IPV4_BLOCKS.get(key);
  if (!set) {
    if (IPV4_BLOCKS.size >= MAX_IPV4_BLOCKS) IPV4_BLOCKS.clear();
    IPV4_BLOCKS.set(key, (set = AddressSet.ranges([[BigInt(lo), BigInt(hi)]])));
  }
  return set;
}

const IPV4_BLOCKS = new Map<number, AddressSet>();
export const MAX_IPV4_BLOCKS = 65536;

/** `lo * 64 + prefix length` for an aligned CIDR block of unsigned 32-bit addresses (exact below 2^38); else undefined. */
function blockKey(lo: number, hi: number): number | undefined {
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi <= MAX_U32 && lo <= hi)) return undefined;
  const size = hi - lo + 1;
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || lo % size !== 0) return undefined;
  return lo * 64 + (32 - bits);
}

/** How many address blocks a non-contiguous mask may expand to before we keep a superset instead. */
const MAX_MASK_BLOCKS = 4096;

export interface MaskedSet {
  set: AddressSet;
  /** False when the mask was too scattered to expand and `set` is the smallest range around it. */
  exact: boolean;
  /** True when the mask's don't-care bits are not one contiguous low block. */
  noncontiguous: boolean;
}

/**
 * `address wildcard` as an IOS ACL writes it: the wildcard's one-bits are "don't care". A
 * contiguous wildcard (`0.0.0.255`) is a prefix; a non-contiguous one (`0.0.16.255`) is several
 * blocks, expanded exactly up to MAX_MASK_BLOCKS blocks, else kept as a superset and marked inexact.
 */
export function wildcardSet(address: number, wildcard: number): MaskedSet {
  const w = wildcard >>> 0;
  const base = (address & ~w) >>> 0;
  // Trailing one-bits of the wildcard form one block; the other don't-care bits enumerate blocks.
  let low = 0;
  while (low < 32 && ((w >>> low) & 1) === 1) low++;
  const blockMask = low === 32 ? MAX_U32 : (2 ** low - 1);
  const rest = (w & ~blockMask) >>> 0;
  if (rest === 0) return { set: ipv4Range(base, base + blockMask), exact: true, noncontiguous: false };
  const restBits = popcount(rest);
  if (2 ** restBits > MAX_MASK_BLOCKS) {
    return { set: ipv4Range(base, (base | w) >>> 0), exact: false, noncontiguous: true };
  }
  const ranges: [bigint, bigint][] = [];
  // Every subset of the scattered bits, in increasing order: s = (s − rest) & rest.
  let s = 0;
  do {
    const start = (base | s) >>> 0;
    ranges.push([BigInt(start), BigInt(start + blockMask)]);
    s = ((s - rest) & rest) >>> 0;
  } while (s !== 0);
  return { set: AddressSet.ranges(ranges), exact: true, noncontiguous: true };
}

/** `address netmask` (`255.255.255.0`): a netmask is an inverted wildcard, read the same way. */
export function netmaskSet(address: number, netmask: number): MaskedSet {
  return wildcardSet(address, ~netmask >>> 0);
}

function popcount(n: number): number {
  let c = 0;
  let v = n >>> 0;
  while (v !== 0) {
    v &= v - 1;
    c++;
  }
  return c;
}

/** `2001:db8::/32` or a bare IPv6 address; undefined for anything else (IPv4 included). */
export function ipv6Set(text: string): AddressSet | undefined {
  if (!text.includes(':')) return undefined;
  return parseAddressSet(text);
}

// Protocol keywords of IOS and ASA ACLs and objects that /etc/protocols does not spell the same way.
const CISCO_PROTOCOLS: Record<string, number> = {
  ahp: 51, ah: 51, ipinip: 4, nos: 94, pcp: 108, igrp: 9, ipsec: 50, pptp: 47, snp: 109, icmp6: 58,
  eigrp: 88, ospf: 89, pim: 103, gre: 47, esp: 50, igmp: 2, icmp: 1, tcp: 6, udp: 17, sctp: 132,
};

/**
 * A protocol keyword or number as a set: `ip` (and `ipv6` in an IPv6 ACL) is every protocol,
 * `tcp-udp` is both, `icmp` in an IPv6 ACL is ICMPv6. Undefined when unknown.
 */
export function ciscoProtocol(word: string, family: Family = 'ipv4'): ProtocolSet | undefined {
  const w = word.toLowerCase();
  if (w === 'ip' || (family === 'ipv6' && w === 'ipv6')) return ALL_PROTOCOLS;
  if (w === 'tcp-udp') return protocolSet([6, 17]);
  if (w === 'icmp' && family === 'ipv6') return protocolSet([58]);
  const n = CISCO_PROTOCOLS[w] ?? protocolNumber(w);
  return n === undefined ? undefined : protocolSet([n]);
}

export function carriesPorts(protocols: ProtocolSet): boolean {
  return !protocols.isEmpty && PORTED_PROTOCOLS.covers(protocols);
}

/*
 * Port names. IOS and ASA each accept a fixed list in `eq`, `range` and friends, per protocol; a
 * name that differs between TCP and UDP (512: exec/biff, 513: login/who, 514: cmd/syslog) is only
 * read for its own protocol.
 */
const TCP_NAMES: Record<string, number> = {
  aol: 5190, bgp: 179, chargen: 19, cifs: 3020, 'citrix-ica': 1494, cmd: 514, ctiqbe: 2748, daytime: 13,
  discard: 9, domain: 53, drip: 3949, echo: 7, exec: 512, finger: 79, ftp: 21, 'ftp-data': 20, gopher: 70,
  h323: 1720, hostname: 101, http: 80, https: 443, ident: 113, imap4: 143, irc: 194, kerberos: 750,
  klogin: 543, kshell: 544, ldap: 389, ldaps: 636, login: 513, lotusnotes: 1352, lpd: 515, msrpc: 135,
  'netbios-ssn': 139, nfs: 2049, nntp: 119, 'onep-plain': 15001, 'onep-tls': 15002, 'pcanywhere-data': 5631,
  'pim-auto-rp': 496, pop2: 109, pop3: 110, pptp: 1723, rsh: 514, rtsp: 554, sip: 5060, smtp: 25,
  sqlnet: 1521, ssh: 22, sunrpc: 111, tacacs: 49, talk: 517, telnet: 23, time: 37, uucp: 540, whois: 43,
  www: 80,
};

const UDP_NAMES: Record<string, number> = {
  biff: 512, bootpc: 68, bootps: 67, cifs: 3020, discard: 9, dnsix: 195, domain: 53, echo: 7, http: 80,
  isakmp: 500, kerberos: 750, 'mobile-ip': 434, nameserver: 42, 'netbios-dgm': 138, 'netbios-ns': 137,
  'netbios-ss': 139, nfs: 2049, 'non500-isakmp': 4500, ntp: 123, 'pcanywhere-status': 5632,
  'pim-auto-rp': 496, radius: 1645, 'radius-acct': 1646, rip: 520, ripv6: 521, 'secureid-udp': 5510,
  sip: 5060, snmp: 161, snmptrap: 162, sunrpc: 111, syslog: 514, tacacs: 49, talk: 517, tftp: 69,
  time: 37, vxlan: 4789, who: 513, www: 80, xdmcp: 177,
};

/** Names whose number depends on the protocol: never read across. */
const PROTOCOL_BOUND = new Set(['exec', 'biff', 'login', 'who', 'cmd', 'syslog', 'rsh']);

/**
 * A port number or name for the given protocols. `tcp-udp` (both) takes a name either list knows.
 * Names from the other protocol's list are accepted when they mean the same port there (IOS lists
 * `netbios-ss` under UDP only; `tcp eq netbios-ss` still means 139).
 */
export function portNumber(word: string, protocols: ProtocolSet | undefined): number | undefined {
  if (/^\d{1,5}$/.test(word)) {
    const n = Number(word);
    return n <= 65535 ? n : undefined;
  }
  const w = word.toLowerCase();
  const tcp = protocols === undefined || protocols.has(6) || protocols.has(132);
  const udp = protocols === undefined || protocols.has(17);
  const own = (tcp ? TCP_NAMES[w] : undefined) ?? (udp ? UDP_NAMES[w] : undefined);
  if (own !== undefined) return own;
  if (PROTOCOL_BOUND.has(w)) return undefined;
  return TCP_NAMES[w] ?? UDP_NAMES[w];
}

export const PORT_OPERATORS = new Set(['eq', 'neq', 'lt', 'gt', 'range']);

export interface PortRead {
  set?: PortSet;
  /** Words used, from the operator on. */
  used: number;
  error?: string;
}

/**
 * Reads `eq P [P…]`, `neq P [P…]`, `lt P`, `gt P`, `range P1 P2` starting at `words[at]` (the
 * operator). IOS accepts several ports after `eq` and `neq`; the list ends at the first word that
 * is no port.
 */
export function readPortOperator(words: readonly string[], at: number, protocols: ProtocolSet | undefined): PortRead {
  const op = words[at]!.toLowerCase();
  // No closures over the words: this runs for most entries of a large ACL.
  if (op === 'range') {
    const a = portAt(words, at + 1, protocols);
    if (a === undefined) return badPort(words, at, op, at + 1);
    const b = portAt(words, at + 2, protocols);
    if (b === undefined) return badPort(words, at, op, at + 2);
    if (b < a) return { used: 3, error: `range ${a} ${b} is empty` };
    return { set: portSet([[a, b]]), used: 3 };
  }
  if (op === 'lt' || op === 'gt') {
    const p = portAt(words, at + 1, protocols);
    if (p === undefined) return badPort(words, at, op, at + 1);
    if (op === 'lt') return { set: p === 0 ? portSet([]) : portSet([[0, p - 1]]), used: 2 };
    return { set: p === 65535 ? portSet([]) : portSet([[p + 1, 65535]]), used: 2 };
  }
  // eq / neq with one or more ports.
  const first = portAt(words, at + 1, protocols);
  if (first === undefined) return badPort(words, at, op, at + 1);
  if (op === 'eq' && portAt(words, at + 2, protocols) === undefined) return { set: portSet([[first, first]]), used: 2 };
  const ports = [first];
  let i = at + 2;
  while (i < words.length && ports.length < 10) {
    const p = portAt(words, i, protocols);
    if (p === undefined) break;
    ports.push(p);
    i++;
  }
  const set = portSet(ports.map((p) => [p, p] as const));
  return { set: op === 'neq' ? set.complement() : set, used: i - at };
}

function portAt(words: readonly string[], i: number, protocols: ProtocolSet | undefined): number | undefined {
  const word = words[i];
  return word === undefined ? undefined : portNumber(word, protocols);
}

function badPort(words: readonly string[], at: number, op: string, i: number): PortRead {
  return {
    used: Math.min(i - at + 1, words.length - at),
    error: words[i] === undefined ? `'${op}' needs a port` : `'${words[i]}' is not a port number or a known port name`,
  };
}
