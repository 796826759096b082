import { AddressSet, IntervalSet, PORT_DOMAIN, PROTO, parseAddressSet, portSet, protocolNumber, protocolSet, type Family, type PortSet } from '@portcullis/model';
import type { Policy, RuleTarget } from './syntax.js';

/*
 * Option values as fw3 and fw4 read them (fw4.uc's parse_* functions): enums match on a prefix,
 * case-insensitively; booleans take 1/0, on/off, true/false, yes/no; list options also split an
 * `option` value on spaces.
 */

/** fw4's parse_enum: the first choice the value is a prefix of, case-insensitively. */
export function parseEnum<T extends string>(value: string, choices: readonly T[]): T | undefined {
  const v = value.toLowerCase();
  if (v === '') return undefined;
  return choices.find((c) => c.startsWith(v));
}

export function parsePolicy(value: string): Policy | undefined {
  return parseEnum(value, ['accept', 'reject', 'drop'] as const);
}

export function parseTarget(value: string): RuleTarget | undefined {
  return parseEnum(value, ['accept', 'reject', 'drop', 'notrack', 'helper', 'mark', 'dscp', 'dnat', 'snat', 'masquerade'] as const);
}

export function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (v === '1' || v === 'on' || v === 'true' || v === 'yes') return true;
  if (v === '0' || v === 'off' || v === 'false' || v === 'no') return false;
  return undefined;
}

/** `ipv4`, `ipv6`, `any`/`all`/`*`; as fw4, anything with a 4 (or `inet`) is IPv4, with a 6 IPv6. */
export function parseFamily(value: string): Family | 'any' | undefined {
  const v = value.toLowerCase();
  if (v === 'any' || v === 'all' || v === '*') return 'any';
  if (v === 'inet' || v.includes('4')) return 'ipv4';
  if (v.includes('6')) return 'ipv6';
  return undefined;
}

/** An option that takes a list also splits its `option` form on spaces and tabs. */
export function listWords(value: string): string[] {
  return value.split(/[ \t]+/).filter((w) => w !== '');
}

/** `!` before a value negates it (spaces after it are allowed). */
export function splitInvert(word: string): { negated: boolean; text: string } {
  const t = word.trimStart();
  if (!t.startsWith('!')) return { negated: false, text: t.trim() };
  return { negated: true, text: t.slice(1).trim() };
}

const PORT = /^(\d{1,5})(?:[-:](\d{1,5}))?$/;

/** One port word: `22`, `1000-2000`, `1000:2000`, with `!` for "not". */
export function parsePortWord(word: string): { negated: boolean; set: PortSet } | undefined {
  const { negated, text } = splitInvert(word);
  const m = PORT.exec(text);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || hi < lo) return undefined;
  return { negated, set: portSet([[lo, hi]]) };
}

/** Ports of several words: the union of the plain ones (or all) without the `!` ones. */
export function combinePorts(words: { negated: boolean; set: PortSet }[]): PortSet {
  let pos: PortSet | undefined;
  let neg = IntervalSet.empty(PORT_DOMAIN);
  for (const w of words) {
    if (w.negated) neg = neg.union(w.set);
    else pos = pos ? pos.union(w.set) : w.set;
  }
  return (pos ?? IntervalSet.full(PORT_DOMAIN)).subtract(neg);
}

export interface ProtocolWord {
  negated: boolean;
  any: boolean;
  icmp: boolean;
  numbers: number[];
}

/** fw4's parse_protocol: `all`/`any`/`*`, `tcpudp`, `icmp` (either family), names and numbers. */
export function parseProtocolWord(word: string): ProtocolWord | undefined {
  const { negated, text } = splitInvert(word);
  const v = text.toLowerCase();
  if (v === '') return undefined;
  if (v === 'all' || v === 'any' || v === '*') return { negated, any: true, icmp: false, numbers: [] };
  if (v === 'tcpudp') return { negated, any: false, icmp: false, numbers: [PROTO.tcp, PROTO.udp] };
  if (v === 'icmp' || v === '1') return { negated, any: false, icmp: true, numbers: [] };
  if (v === 'icmpv6' || v === 'ipv6-icmp' || v === '58') return { negated, any: false, icmp: false, numbers: [PROTO.icmpv6] };
  const n = protocolNumber(v);
  return n === undefined ? undefined : { negated, any: false, icmp: false, numbers: [n] };
}

export function protocolsOf(words: ProtocolWord[]): { protocols: ReturnType<typeof protocolSet>; icmp: boolean; any: boolean } {
  let protocols = protocolSet([]);
  let icmp = false;
  let any = false;
  for (const w of words) {
    if (w.any) any = true;
    if (w.icmp) icmp = true;
    protocols = protocols.union(protocolSet(w.numbers));
  }
  return { protocols, icmp, any };
}

export type AddressWord =
  | { kind: 'set'; negated: boolean; set: AddressSet; family: Family }
  | { kind: 'symbolic'; negated: boolean; name: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * An address word: an address, a CIDR block, `address/netmask`, a range `a-b`, or the name of a
 * network (its addresses are known only on the running router). A non-contiguous mask
 * (`::/::ffff:ffff`) is a masked match the model cannot hold.
 */
export function parseAddressWord(word: string): AddressWord | undefined {
  const { negated, text } = splitInvert(word);
  if (text === '') return undefined;
  const set = parseAddressSet(text);
  if (set) {
    const family = set.family();
    if (family === 'ipv4' || family === 'ipv6') return { kind: 'set', negated, set, family };
    return undefined;
  }
  const slash = text.indexOf('/');
  if (slash > 0 && parseAddressSet(text.slice(0, slash))) return { kind: 'symbolic', negated, name: `masked:${text}` };
  if (IDENTIFIER.test(text)) return { kind: 'symbolic', negated, name: `network:${text}` };
  return undefined;
}

/** The addresses of both families that a family restriction leaves. */
export function familyAddresses(family: Family | 'any' | undefined): AddressSet {
  return family === 'ipv4' || family === 'ipv6' ? AddressSet.all(family) : AddressSet.all();
}
