import type { InlineSuppression } from '@portcullis/model';

/*
 * The vendor representation of a pfSense or OPNsense config.xml: only what decides what gets in,
 * each value with the line it is on. Values stay as written (aliases and interface keywords are
 * resolved by the converter).
 */

export type PfVendor = 'pfsense' | 'opnsense';

/** A leaf element's trimmed text and where it is. */
export interface PfText {
  value: string;
  line: number;
  column: number;
}

export interface PfInterface {
  /** The configuration's own name: `wan`, `lan`, `opt1`. */
  name: string;
  line: number;
  enabled: boolean;
  /** `<descr>`: the name the GUI shows. */
  descr?: string;
  /** `<if>`: the operating system's interface (`igb0`, `vmx1.100`). */
  device?: string;
  /** `<ipaddr>`: an address, or how it is obtained (`dhcp`, `pppoe`…). */
  ipaddr?: PfText;
  subnet?: PfText;
  ipaddrv6?: PfText;
  subnetv6?: PfText;
  /** `<gateway>` / `<gatewayv6>`: a gateway makes it a WAN-type interface. */
  gateway?: string;
  /** Lines of `<blockpriv>` and `<blockbogons>` when they are set. */
  blockpriv?: number;
  blockbogons?: number;
}

/** One address a rule's source or destination names. */
export interface PfAddressItem {
  /** `any`: `<any/>`; `network`: `<network>` (interface keywords); `address`: `<address>`; `net`: an OPNsense `source_net` entry (any of them). */
  kind: 'any' | 'network' | 'address' | 'net';
  value: string;
  line: number;
  column: number;
}

/** `<source>` / `<destination>`, or the `source_*` / `destination_*` fields of an OPNsense rule. */
export interface PfEndpoint {
  line: number;
  /** Empty means any. Several entries (an OPNsense list) match any of them. */
  items: PfAddressItem[];
  /** `any` was written (`<any/>`, `any`): a port forward without a destination means its interface's address instead. */
  any: boolean;
  port?: PfText;
  not: boolean;
}

/** A condition of a rule that the model does not capture: the rule may match. */
export interface PfPartial {
  what: string;
  line: number;
}

export interface PfFilterRule {
  /** `legacy`: `<filter><rule>`; `mvc`: OPNsense's `<OPNsense><Firewall><Filter><rules><rule>`. */
  layout: 'legacy' | 'mvc';
  line: number;
  endLine: number;
  /** Position among the rules of its layout, in file order. */
  index: number;
  /** OPNsense `<sequence>` (mvc). */
  sequence?: number;
  /** `<type>` (legacy) or `<action>` (mvc): pass, block, reject, match. */
  action?: PfText;
  /** Interface names (comma list for floating rules); undefined or empty means every interface. */
  interface?: PfText;
  interfaceNot: boolean;
  floating: boolean;
  /** `<quick>` as written; undefined when absent. */
  quick?: PfText;
  direction?: PfText;
  ipprotocol?: PfText;
  protocol?: PfText;
  icmptype?: PfText;
  source: PfEndpoint;
  destination: PfEndpoint;
  disabled: boolean;
  description?: string;
  associatedRuleId?: string;
  partial: PfPartial[];
}

/** `<nat><rule>`: a port forward (pf `rdr`). */
export interface PfNatRule {
  line: number;
  endLine: number;
  index: number;
  sequence?: number;
  disabled: boolean;
  /** `<nordr>`: matching packets are not redirected. */
  nordr: boolean;
  interface?: PfText;
  ipprotocol?: PfText;
  protocol?: PfText;
  source: PfEndpoint;
  destination: PfEndpoint;
  target?: PfText;
  localPort?: PfText;
  description?: string;
  /** `pass` means `rdr pass`: the forward passes its traffic without a filter rule. */
  associatedRuleId?: string;
  /** OPNsense's `<pass>`: `pass` (rdr pass) or `rule` (a registered pass rule). */
  passMode?: string;
  natreflection?: string;
  partial: PfPartial[];
}

/** `<nat><onetoone>` (or OPNsense's `<onetoone><rule>`): 1:1 NAT, pf `binat`. */
export interface PfOneToOne {
  line: number;
  index: number;
  sequence?: number;
  disabled: boolean;
  /** `<nobinat>` (legacy) or an OPNsense `nat` type rule: translates nothing inbound. */
  noBinat: boolean;
  interface?: PfText;
  external?: PfText;
  /** The internal host or network. */
  source: PfEndpoint;
  /** Which remote addresses the mapping applies to. */
  destination: PfEndpoint;
  description?: string;
}

export interface PfAlias {
  name: string;
  /** host, network, port, url, url_ports, urltable, urltable_ports, geoip, networkgroup, … */
  type: string;
  entries: PfText[];
  enabled: boolean;
  line: number;
}

export interface PfInterfaceGroup {
  name: string;
  members: string[];
  line: number;
}

/** A virtual IP (`<virtualip><vip>`): IP aliases and CARP addresses belong to the firewall. */
export interface PfVirtualIp {
  interface: string;
  mode: string;
  address: string;
  bits?: string;
  line: number;
}

export interface PfSettings {
  hostname?: PfText;
  systemLine?: number;
  /** `<system><ipv6allow>`: without it, all IPv6 is blocked. */
  ipv6allow: boolean;
  ipv6allowLine?: number;
  webguiLine?: number;
  webguiProtocol?: string;
  webguiPort?: string;
  noAntiLockout: boolean;
  disableHttpRedirect: boolean;
  sshEnabled: boolean;
  sshPort?: string;
  disableNatReflection: boolean;
}

export interface PfConfig {
  vendor: PfVendor;
  rootLine: number;
  settings: PfSettings;
  interfaces: Map<string, PfInterface>;
  aliases: Map<string, PfAlias>;
  groups: Map<string, PfInterfaceGroup>;
  vips: PfVirtualIp[];
  natRules: PfNatRule[];
  oneToOne: PfOneToOne[];
  /** Legacy rules in file order, then OPNsense rules in file order. */
  filterRules: PfFilterRule[];
  suppressions: InlineSuppression[];
}
