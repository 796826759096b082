import type { AddressSet, InlineSuppression } from '@portcullis/model';
import type { AclEntry, CiscoObject } from '../cisco-common/syntax.js';

/*
 * The vendor representation of a Cisco ASA configuration (8.3 and later): interfaces with their
 * `nameif` and security level, access lists and where they are applied, objects and object-groups,
 * object NAT and twice NAT, routes and management access. It never leaves this package.
 */

export interface AsaInterface {
  /** The hardware name (`GigabitEthernet0/0`, `Vlan2`). */
  id: string;
  line: number;
  /** The logical name everything else refers to; an interface without one passes no traffic. */
  nameif?: string;
  level?: number;
  levelLine?: number;
  addresses: { address: AddressSet; network: AddressSet; length: number; line: number }[];
  /** `ip address dhcp` / `pppoe`: the address is not in the file. */
  dynamicAddress: boolean;
  /** `… setroute`: the default route is learnt on this interface. */
  setroute?: number;
  shutdown: boolean;
  ipv6: boolean;
}

export interface AsaAcl {
  name: string;
  kind: 'extended' | 'standard';
  line: number;
  entries: AclEntry[];
}

export interface AsaAccessGroup {
  acl: string;
  /** `global` applies to every interface's inbound traffic, after the interface's own list. */
  direction: 'in' | 'out' | 'global';
  iface?: string;
  line: number;
}

/** What a NAT rule names for an address: `any`, the interface's own address, an object or a literal. */
export type NatAddress =
  | { kind: 'any' }
  | { kind: 'interface' }
  | { kind: 'object'; name: string }
  | { kind: 'literal'; set: AddressSet; text: string };

/** `object network X` / ` nat (real,mapped) static MAPPED [service tcp REAL MAPPED]`. */
export interface AsaObjectNat {
  object: string;
  line: number;
  text: string;
  realIf: string;
  mappedIf: string;
  type: 'static' | 'dynamic';
  mapped?: NatAddress;
  service?: { protocol: 'tcp' | 'udp' | 'sctp'; realPort: number; mappedPort: number };
}

/** `nat (real,mapped) [after-auto] source static|dynamic … [destination static …] [service A B]`. */
export interface AsaTwiceNat {
  line: number;
  text: string;
  realIf: string;
  mappedIf: string;
  /** 1: before object NAT (the default); 3: `after-auto`. */
  section: 1 | 3;
  sourceType: 'static' | 'dynamic';
  sourceReal: NatAddress;
  sourceMapped?: NatAddress;
  destination?: { mapped: NatAddress; real: NatAddress };
  /** Service object names: the first is the real source / mapped destination port, the second the mapped source / real destination port. */
  service?: [string, string];
  unidirectional: boolean;
  inactive: boolean;
}

export interface AsaRoute {
  iface: string;
  prefix: AddressSet;
  length: number;
  line: number;
}

/** `ssh|telnet|http ADDRESS MASK INTERFACE`: who may manage the ASA itself, on which interface. */
export interface AsaManagement {
  service: 'ssh' | 'telnet' | 'http';
  sources: AddressSet;
  iface: string;
  line: number;
  text: string;
}

export interface AsaConfig {
  hostname?: string;
  /** `ASA Version 9.8(4)` as [major, minor]. */
  version?: [number, number];
  interfaces: AsaInterface[];
  names: Map<string, number>;
  objects: Map<string, CiscoObject>;
  acls: Map<string, AsaAcl>;
  accessGroups: AsaAccessGroup[];
  objectNats: AsaObjectNat[];
  twiceNats: AsaTwiceNat[];
  routes: AsaRoute[];
  management: AsaManagement[];
  /** `http server enable [port]`: ASDM listens (on 443 unless a port is given). */
  httpServer?: { port: number; line: number };
  sameSecurityInter: boolean;
  sameSecurityIntra: boolean;
  ipv6: boolean;
  suppressions: InlineSuppression[];
}
