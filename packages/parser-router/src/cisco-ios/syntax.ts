import type { AddressSet, Family, InlineSuppression } from '@portcullis/model';
import type { AclEntry, CiscoObject } from '../cisco-common/syntax.js';

/*
 * The vendor representation of an IOS `show running-config`: interfaces, access lists, object
 * groups, static NAT and static routes as the configuration states them. Object-group names and ACL
 * names are still names; convert.ts resolves them. It never leaves this package.
 */

export interface IosAccessGroup {
  acl: string;
  direction: 'in' | 'out';
  family: Family;
  line: number;
}

export interface IosInterface {
  name: string;
  line: number;
  /** `ip address A M [secondary]`: the interface's own addresses and its connected networks. */
  addresses: { address: AddressSet; network: AddressSet; length: number; line: number }[];
  /** `ip address dhcp`, `ip address negotiated`, `ip unnumbered`: an address the file does not state. */
  dynamicAddress: boolean;
  shutdown: boolean;
  accessGroups: IosAccessGroup[];
  /** `ip nat inside` / `ip nat outside`. */
  nat?: { side: 'inside' | 'outside'; line: number };
  /** `zone-member security ZONE`: a zone-based firewall, which Portcullis does not model. */
  zoneMember?: number;
  ipv6: boolean;
}

export interface IosAcl {
  name: string;
  kind: 'standard' | 'extended';
  family: Family;
  /** Where it is first defined. */
  line: number;
  entries: AclEntry[];
}

/** `ip nat inside source static …`: a static translation, and with tcp/udp a port forward. */
export interface IosStaticNat {
  line: number;
  text: string;
  protocol?: 'tcp' | 'udp';
  /** Inside local address(es). */
  local: AddressSet;
  localPort?: number;
  /** Inside global: an address, or the address of an interface. */
  global: { kind: 'address'; set: AddressSet } | { kind: 'interface'; name: string };
  globalPort?: number;
  /** `route-map NAME`: the translation only applies to what the route map matches. */
  routeMap?: string;
}

export interface IosRoute {
  prefix: AddressSet;
  length: number;
  nextHop?: number;
  iface?: string;
  line: number;
}

export interface IosConfig {
  hostname?: string;
  interfaces: Map<string, IosInterface>;
  acls: Map<string, IosAcl>;
  objects: Map<string, CiscoObject>;
  staticNats: IosStaticNat[];
  routes: IosRoute[];
  /** Any IPv6 address, ACL or route: the device also handles IPv6. */
  ipv6: boolean;
  suppressions: InlineSuppression[];
}
