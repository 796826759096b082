import type { AddressSet, DiagnosticSeverity, PortSet, ProtocolSet } from '@portcullis/model';

/*
 * The parts of the vendor representation IOS and ASA share: ACL entries with their address, port
 * and protocol terms as written (references to objects still unresolved), and objects/object-groups.
 * Nothing here leaves the package; each vendor's convert.ts resolves it into the model.
 */

/** Something wrong or partly understood on a line, reported when the line is accounted for. */
export interface Problem {
  severity: DiagnosticSeverity;
  code: string;
  message: string;
  /**
   * `report`: the line was not (fully) understood and counts as reported. `note`: the line is
   * understood as far as the model goes; the diagnostic only explains a limitation.
   */
  kind: 'report' | 'note';
}

export type AddressTerm =
  /** `any`, `host A`, `A wildcard`, `A netmask`, `A/len`; `exact` false for a mask too scattered to expand. */
  | { kind: 'set'; set: AddressSet; exact: boolean }
  | { kind: 'object' | 'object-group'; name: string }
  /** ASA: the address of a named interface. */
  | { kind: 'interface'; name: string }
  /** A value that could not be read: the entry may match any address. */
  | { kind: 'invalid' };

export type PortTerm = { kind: 'set'; set: PortSet } | { kind: 'object-group'; name: string } | { kind: 'invalid' };

export type ProtocolTerm =
  | { kind: 'set'; set: ProtocolSet; name: string }
  | { kind: 'object' | 'object-group'; name: string }
  | { kind: 'invalid'; name: string };

export interface AclEntry {
  line: number;
  /** The entry as written, blanks collapsed (for fingerprints and messages). */
  text: string;
  action: 'permit' | 'deny';
  protocol: ProtocolTerm;
  source: AddressTerm;
  sourcePorts?: PortTerm;
  destination: AddressTerm;
  destinationPorts?: PortTerm;
  /** `established`, `fragments`, reflexive `evaluate`: the entry sees no first packet of a connection. */
  notNew: boolean;
  /** Conditions the model does not capture (`time-range`, ICMP types, TCP flags, DSCP…). */
  inexact: string[];
  /** ASA `inactive`. */
  inactive: boolean;
  /** The remark(s) just above the entry. */
  remark?: string;
  problems: Problem[];
}

/** One member of a network object or group. */
export type NetworkMember =
  | { kind: 'set'; set: AddressSet; exact: boolean; line: number }
  | { kind: 'ref'; name: string; line: number }
  /** A DNS name (ASA `fqdn`): resolved at run time, so it stays symbolic. */
  | { kind: 'fqdn'; name: string; line: number };

/** One member of a service object or group: a protocol with source and destination ports. */
export type ServiceMember =
  | { kind: 'service'; protocols: ProtocolSet; sourcePorts: PortSet; destinationPorts: PortSet; exact: boolean; line: number }
  | { kind: 'ref'; name: string; line: number };

export type ObjectKind = 'network' | 'service' | 'protocol' | 'icmp-type' | 'other';

export interface CiscoObject {
  name: string;
  kind: ObjectKind;
  /** `object` (ASA single objects) or `object-group`. */
  group: boolean;
  line: number;
  network: NetworkMember[];
  services: ServiceMember[];
  /** ASA `object-group service NAME tcp|udp|tcp-udp`: a group of ports, usable after an address. */
  portGroup: boolean;
}
