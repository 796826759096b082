import type { AddressSet, Family, InlineSuppression, PortSet, ProtocolSet } from '@portcullis/model';

/*
 * The vendor representation of a RouterOS export: the firewall entries of `/ip firewall` and
 * `/ipv6 firewall` with their values read, address lists, interface lists and the few settings
 * that say which side is the outside. Names (chains, lists, interfaces) are resolved only by the
 * converter.
 */

export type Table = 'filter' | 'nat' | 'raw';

/** A condition with RouterOS's `!` (not). */
export interface Negatable<T> {
  negated: boolean;
  value: T;
  line: number;
}

/** A condition the model does not capture (`layer7-protocol`, `limit`, `dst-address-type`, …). */
export interface Inexact {
  key: string;
  line: number;
}

export interface FirewallEntry {
  table: Table;
  family: Family;
  chain: string;
  action: string;
  /** First and last physical line of the command. */
  line: number;
  endLine: number;
  /** The command as written, normalised (`add chain=… action=…`), without its comment. */
  text: string;
  disabled: boolean;
  comment?: string;
  jumpTarget?: string;
  protocol?: Negatable<ProtocolSet>;
  srcAddress?: Negatable<AddressSet>;
  dstAddress?: Negatable<AddressSet>;
  srcAddressList?: Negatable<string>;
  dstAddressList?: Negatable<string>;
  srcPort?: Negatable<PortSet>;
  dstPort?: Negatable<PortSet>;
  /** `port=`: the source or the destination port. */
  anyPort?: Negatable<PortSet>;
  inInterface?: Negatable<string>;
  outInterface?: Negatable<string>;
  inInterfaceList?: Negatable<string>;
  outInterfaceList?: Negatable<string>;
  connectionState?: Negatable<string[]>;
  connectionNatState?: Negatable<string[]>;
  /** `ipsec-policy=in,ipsec`: only traffic that came through (or goes into) an IPsec tunnel. */
  ipsecOnly?: number;
  toAddresses?: AddressSet;
  toPorts?: PortSet;
  /** The list `add-src-to-address-list` / `add-dst-to-address-list` fills. */
  addressList?: string;
  inexact: Inexact[];
  /** The entry could not be read fully (an invalid value, reported): it may match anything. */
  invalid: boolean;
}

export interface AddressListEntry {
  family: Family;
  list: string;
  /** The address, a range or a block; undefined for a DNS name (resolved at run time). */
  set?: AddressSet;
  dnsName?: string;
  disabled: boolean;
  /** `timeout=` or `dynamic=yes`: present now, gone later. */
  temporary: boolean;
  line: number;
}

export interface InterfaceList {
  name: string;
  include: string[];
  exclude: string[];
  line: number;
}

export interface InterfaceListMember {
  list: string;
  iface: string;
  disabled: boolean;
  line: number;
}

export interface RouterOsConfig {
  identity?: { name: string; line: number };
  /** `/ipv6 settings set disable-ipv6=yes`. */
  ipv6Disabled: boolean;
  /** The export configures IPv6 (addresses, a DHCPv6 client or an IPv6 firewall). */
  ipv6Configured: boolean;
  entries: FirewallEntry[];
  addressLists: AddressListEntry[];
  interfaceLists: Map<string, InterfaceList>;
  members: InterfaceListMember[];
  /** Interfaces that take their address from the provider: `/ip dhcp-client`, `/interface pppoe-client`. */
  uplinks: { iface: string; line: number }[];
  /** The router's own addresses (`/ip address`, `/ipv6 address`): a dst-nat to one of them delivers to the router. */
  ownAddresses: AddressSet;
  /** `/interface detect-internet set wan-interface-list=…`. */
  detectedWan?: string;
  /** `/ip upnp set enabled=yes`: clients open port forwards at run time. */
  upnp?: number;
  /** First line of each firewall menu, per family: where a chain with no rules is reported. */
  menuLines: Map<string, number>;
  /** The header line (`# … by RouterOS …`), if any. */
  headerLine?: number;
  suppressions: InlineSuppression[];
}
