import type { AddressSet, Family, InlineSuppression, PortSet, ProtocolSet } from '@portcullis/model';

/*
 * The vendor representation of an OpenWrt `/etc/config/firewall`: its sections with their values
 * read and checked, still in OpenWrt's terms (zones by name, policies, targets). Only the converter
 * turns it into the exposure model.
 */

export type Policy = 'accept' | 'reject' | 'drop';

/** A value with the line it was set on. */
export interface At<T> {
  value: T;
  line: number;
}

/** Where a section is in the file: its `config` line and its last line. */
export interface Span {
  line: number;
  endLine: number;
}

/** `src`/`dest`: `*` (any zone) or a zone by name. */
export type ZoneRef = { any: true; line: number } | { any: false; zone: string; line: number };

/** An address list as uci writes it: `src_ip`, `dest_ip`, `src_dip`, a zone's `subnet`. */
export interface AddressTerm {
  /** Addresses the entries name (`!`-less entries). */
  positive: AddressSet;
  /** Addresses excluded by `!` entries. */
  negative: AddressSet;
  /** True when there is at least one `!`-less entry. */
  hasPositive: boolean;
  /** Entries the model cannot hold: network names (their addresses come from the running system), masked matches. */
  symbolic: string[];
  /** Families the entries name: a rule without `family` takes its family from them. */
  families: Set<Family>;
  line: number;
}

/** A port list: `22`, `1000-2000`, `1000:2000`, `!25`, several words or `list` lines. */
export interface PortTerm {
  set: PortSet;
  line: number;
}

export interface ProtocolTerm {
  /** Protocols without ICMP (resolved by family in the converter). */
  protocols: ProtocolSet;
  /** `icmp` (or 1): ICMP for IPv4, ICMPv6 for IPv6. */
  icmp: boolean;
  /** `all`, `any`, `*`. */
  any: boolean;
  line: number;
}

/** Conditions the model does not capture, by option name: they make a rule one that may match. */
export type Inexact = { option: string; line: number };

export interface Defaults {
  span: Span;
  input?: At<Policy>;
  output?: At<Policy>;
  forward?: At<Policy>;
}

export interface Zone {
  name: string;
  span: Span;
  enabled: boolean;
  networks: string[];
  devices: string[];
  subnets?: AddressTerm;
  family?: Family;
  input?: At<Policy>;
  forward?: At<Policy>;
  masq: boolean;
  /** Options that narrow the zone's match in ways the model does not follow (`extra_src`). */
  inexact: Inexact[];
  /** The section could not be read as a zone (no name, a bad value): the firewall skips it. */
  invalid: boolean;
}

export interface Forwarding {
  span: Span;
  name?: string;
  src?: ZoneRef;
  dest?: ZoneRef;
  family?: Family | 'any';
  enabled: boolean;
  invalid: boolean;
}

export type RuleTarget = 'accept' | 'reject' | 'drop' | 'notrack' | 'helper' | 'mark' | 'dscp' | 'dnat' | 'snat' | 'masquerade';

/** What a rule and a redirect share. */
interface Matching {
  span: Span;
  /** `name`, else `_name` (fw3), else the section's own name. */
  name?: string;
  /** The section's options as written, for the rule's text. */
  text: string;
  enabled: boolean;
  /** fw3 and fw4 skip a section with an invalid option. */
  invalid: boolean;
  family?: Family | 'any';
  src?: ZoneRef;
  dest?: ZoneRef;
  proto?: ProtocolTerm;
  srcIp?: AddressTerm;
  srcPort?: PortTerm;
  inexact: Inexact[];
  /** References the model cannot resolve (`ipset:NAME`). */
  symbolic: string[];
}

export interface Rule extends Matching {
  destIp?: AddressTerm;
  destPort?: PortTerm;
  target?: At<RuleTarget>;
}

export interface Redirect extends Matching {
  srcDip?: AddressTerm;
  srcDport?: PortTerm;
  destIp?: AddressTerm;
  destPort?: PortTerm;
  target: At<'dnat' | 'snat'>;
}

export interface Include {
  span: Span;
  path?: string;
  type?: string;
  enabled: boolean;
}

export interface FirewallConfig {
  defaults?: Defaults;
  zones: Zone[];
  forwardings: Forwarding[];
  rules: Rule[];
  redirects: Redirect[];
  includes: Include[];
  suppressions: InlineSuppression[];
}
