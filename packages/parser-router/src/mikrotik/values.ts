import { PROTO, parseAddressSet, parsePortList, protocolNumber, protocolSet, type AddressSet, type Family, type PortSet, type ProtocolSet } from '@portcullis/model';

/*
 * RouterOS values: `!` before a value negates it; addresses are an address, a block or a range
 * (`10.0.0.1-10.0.0.9`); ports a comma list of ports and ranges; protocols a name or a number.
 */

export function splitNot(text: string): { negated: boolean; text: string } {
  return text.startsWith('!') ? { negated: true, text: text.slice(1) } : { negated: false, text };
}

/** An address, block or range; with a family, only of that family (`/ip` menus hold IPv4, `/ipv6` IPv6). */
export function parseRosAddress(text: string, family?: Family): AddressSet | undefined {
  const set = parseAddressSet(text);
  if (!set || set.isEmpty) return undefined;
  const f = set.family();
  if (family && f !== family) return undefined;
  return set;
}

export function parseRosPorts(text: string): PortSet | undefined {
  if (text === '') return undefined;
  return parsePortList(text);
}

/** RouterOS's own protocol names, where they differ from /etc/protocols. */
const NAMES: Record<string, number> = {
  'ipsec-esp': 50, 'ipsec-ah': 51, 'udp-lite': PROTO.udplite, 'ipv6-encap': 41, icmpv6: PROTO.icmpv6, 'ip-encap': 4, encap: 98,
};

export function parseRosProtocol(text: string): ProtocolSet | undefined {
  const t = text.toLowerCase();
  const n = NAMES[t] ?? protocolNumber(t);
  return n === undefined ? undefined : protocolSet([n]);
}

/** A host name as address lists take them (`rutracker.org`): labels of letters, digits and hyphens. */
export function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > 253 || !/[A-Za-z]/.test(text)) return false;
  const labels = (text.endsWith('.') ? text.slice(0, -1) : text).split('.');
  return labels.every((l) => l.length > 0 && l.length <= 63 && /^[A-Za-z0-9-]+$/.test(l) && !l.startsWith('-') && !l.endsWith('-'));
}
