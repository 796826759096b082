/*
 * The Junos vendor representation: what the configuration says, by name, with the lines it came
 * from. It never leaves this folder; convert.ts turns it into the exposure model.
 */

/** Where an element of the configuration is stated: its first line, its last line, and whether it is deactivated. */
export interface Span {
  line: number;
  endLine: number;
  inactive: boolean;
}

/** A name or value as written, with its line. */
export interface Ref {
  name: string;
  line: number;
  except?: boolean;
}

export interface InterfaceFilter {
  family: 'inet' | 'inet6';
  direction: 'input' | 'output';
  /** One filter, or the filters of an `input-list` / `output-list` in order. */
  names: Ref[];
  line: number;
}

/** A logical interface (`ge-0/0/0.0`): units are what zones, filters and NAT name. */
export interface InterfaceUnit {
  name: string;
  span: Span;
  disabled: boolean;
  filters: InterfaceFilter[];
  addresses: Ref[];
}

export interface PhysicalInterface {
  name: string;
  span: Span;
  disabled: boolean;
}

/** `host-inbound-traffic system-services ssh` / `protocols bgp`, with `except`. */
export interface HostInbound {
  services: Ref[];
  protocols: Ref[];
}

export interface ZoneInterface {
  name: string;
  line: number;
  inactive: boolean;
  hostInbound: HostInbound;
}

export interface Zone {
  name: string;
  span: Span;
  /** `functional-zone management`: traffic for the device only, never through it. */
  functional: boolean;
  interfaces: Map<string, ZoneInterface>;
  hostInbound: HostInbound;
}

export type AddressValue =
  | { kind: 'prefix'; text: string }
  | { kind: 'range'; from: string; to: string }
  | { kind: 'dns-name'; text: string }
  | { kind: 'wildcard'; text: string };

export interface AddressEntry {
  name: string;
  line: number;
  values: AddressValue[];
}

export interface AddressGroup {
  name: string;
  line: number;
  addresses: Ref[];
  sets: Ref[];
}

/** An address book: `security address-book NAME` (global or attached to zones), or a zone's own. */
export interface AddressBook {
  name: string;
  line: number;
  addresses: Map<string, AddressEntry>;
  sets: Map<string, AddressGroup>;
  attachedZones: string[];
}

export interface ApplicationTerm {
  name: string;
  line: number;
  protocol?: Ref;
  destinationPort?: Ref;
  sourcePort?: Ref;
  /** Conditions the model does not capture (`icmp-type`, `rpc-program-number`, `uuid`). */
  inexact: string[];
}

export interface Application {
  name: string;
  span: Span;
  /** The term without a name (`application x protocol tcp destination-port 22`) is `''`. */
  terms: Map<string, ApplicationTerm>;
}

export interface ApplicationSet {
  name: string;
  span: Span;
  applications: Ref[];
  sets: Ref[];
}

export type PolicyAction = 'permit' | 'deny' | 'reject';

export interface Policy {
  name: string;
  span: Span;
  sourceAddresses: Ref[];
  destinationAddresses: Ref[];
  sourceExcluded: boolean;
  destinationExcluded: boolean;
  applications: Ref[];
  /** Global policies may name the zones they apply to. */
  fromZones: Ref[];
  toZones: Ref[];
  action?: { kind: PolicyAction; line: number };
  /** Conditions the model does not capture (`source-identity`, `dynamic-application`, a scheduler). */
  inexact: Ref[];
}

/** The policies of one zone pair (`from-zone a to-zone b`), or the global ones. */
export interface PolicyContext {
  from: string;
  to: string;
  span: Span;
  policies: Map<string, Policy>;
}

export interface NatPool {
  name: string;
  span: Span;
  address?: { from: string; to?: string; line: number };
  port?: Ref;
  routingInstance?: Ref;
}

export type NatContextKind = 'interface' | 'zone' | 'routing-instance';

export interface NatContext {
  kind: NatContextKind;
  name: string;
  line: number;
}

export interface PortRange {
  from: number;
  to: number;
  line: number;
}

export type NatThen =
  | { kind: 'pool'; pool: string; line: number }
  | { kind: 'off'; line: number }
  | { kind: 'static'; prefix?: string; prefixName?: string; mappedPort?: PortRange; line: number; unsupported?: string };

export interface NatRule {
  name: string;
  span: Span;
  sourceAddresses: Ref[];
  sourceAddressNames: Ref[];
  destinationAddresses: Ref[];
  destinationAddressNames: Ref[];
  destinationPorts: PortRange[];
  sourcePorts: PortRange[];
  protocols: Ref[];
  applications: Ref[];
  then?: NatThen;
}

export interface NatRuleSet {
  kind: 'destination' | 'static';
  name: string;
  span: Span;
  from: NatContext[];
  rules: Map<string, NatRule>;
}

export interface FilterCondition {
  key: string;
  value: string;
  except: boolean;
  line: number;
}

export type FilterAction = 'accept' | 'discard' | 'reject' | 'next-term' | 'routing-instance';

export interface FilterTerm {
  name: string;
  span: Span;
  conditions: FilterCondition[];
  action?: { kind: FilterAction; line: number };
}

export interface Filter {
  family: 'inet' | 'inet6';
  name: string;
  span: Span;
  terms: Map<string, FilterTerm>;
}

export interface PrefixList {
  name: string;
  span: Span;
  prefixes: Ref[];
  /** `apply-path`: the prefixes come from elsewhere in the configuration. */
  applyPath?: Ref;
}

/** A service the device itself runs (`system services ssh`), for devices without security zones. */
export interface SystemService {
  name: string;
  /** `web-management http`, `netconf ssh`, `rest https`. */
  variant?: string;
  port?: number;
  line: number;
  endLine: number;
}

export interface JunosConfig {
  hostName?: Ref;
  interfaces: Map<string, InterfaceUnit>;
  physicalInterfaces: Map<string, PhysicalInterface>;
  zones: Map<string, Zone>;
  addressBooks: Map<string, AddressBook>;
  /** Old-style address books inside `security-zone` blocks, by zone name. */
  zoneAddressBooks: Map<string, AddressBook>;
  applications: Map<string, Application>;
  applicationSets: Map<string, ApplicationSet>;
  /** Zone-pair policies by `from>to`, in the order the configuration states them. */
  zonePolicies: Map<string, PolicyContext>;
  globalPolicies?: PolicyContext;
  defaultPolicy?: { action: 'permit-all' | 'deny-all'; line: number };
  /** The first `security policies` line (where the default policy is reported when not written). */
  policiesLine?: number;
  natPools: Map<string, NatPool>;
  natRuleSets: NatRuleSet[];
  /** Where source NAT sends traffic (`rule-set … to zone untrust`): the outside. */
  sourceNatTo: NatContext[];
  filters: Map<string, Filter>;
  prefixLists: Map<string, PrefixList>;
  routingInstances: Map<string, Ref[]>;
  systemServices: SystemService[];
  /** Evidence of IPv6 (inet6 families and addresses). */
  ipv6: boolean;
}

export function emptyConfig(): JunosConfig {
  return {
    interfaces: new Map(),
    physicalInterfaces: new Map(),
    zones: new Map(),
    addressBooks: new Map(),
    zoneAddressBooks: new Map(),
    applications: new Map(),
    applicationSets: new Map(),
    zonePolicies: new Map(),
    natPools: new Map(),
    natRuleSets: [],
    sourceNatTo: [],
    filters: new Map(),
    prefixLists: new Map(),
    routingInstances: new Map(),
    systemServices: [],
    ipv6: false,
  };
}
