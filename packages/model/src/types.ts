import type { AddressSet, Family } from './addresses.js';
import type { PortSet } from './ports.js';
import type { ProtocolSet } from './protocols.js';

/** Where a model element comes from. Lines and columns are 1-based; `file` is as given to the parser. */
export interface Origin {
  file: string;
  line: number;
  column?: number;
  endLine?: number;
  /** IaC resource address (`aws_security_group.web`, a CloudFormation logical id). */
  resource?: string;
}

/**
 * What a rule does with the packets it matches. `allow`/`deny`/`reject` end evaluation; `jump` and
 * `goto` enter another ruleset of the same device; `return` leaves the current one; `continue` is a
 * non-terminal action (log, mark, counters); `dnat`/`redirect` rewrite the destination (a port
 * forward); `snat`/`masquerade` rewrite the source and open nothing.
 */
export type RuleAction =
  | 'allow'
  | 'deny'
  | 'reject'
  | 'jump'
  | 'goto'
  | 'return'
  | 'continue'
  | 'dnat'
  | 'redirect'
  | 'snat'
  | 'masquerade';

/** Interface names as written; a trailing `+` (or `*`) is a prefix wildcard. Negated: any other interface. */
export interface InterfaceMatch {
  names: string[];
  negated: boolean;
}

/** Where a destination NAT sends matched packets. Absent fields keep the packet's own value. */
export interface Translation {
  /** Internal address(es): one address, or a range the NAT picks from. Absent for `redirect` (the device itself). */
  addresses?: AddressSet;
  /** The text of the target as written, for messages: `192.168.1.100:443`. */
  text: string;
  ports?: PortSet;
}

export interface FilterRule {
  /** Stable within its device: `filter/INPUT#3` (ruleset name and 1-based position). */
  id: string;
  action: RuleAction;
  /** The ruleset entered by `jump` / `goto`. */
  target?: string;
  protocols: ProtocolSet;
  sources: AddressSet;
  destinations: AddressSet;
  sourcePorts: PortSet;
  destinationPorts: PortSet;
  inInterface?: InterfaceMatch;
  outInterface?: InterfaceMatch;
  /**
   * False when the rule can only match packets of established or related connections (or invalid
   * ones): it opens nothing new.
   */
  matchesNew: boolean;
  /** True when the rule matches only some connection states (NEW only, ESTABLISHED only, …). */
  stateMatch?: boolean;
  /**
   * False when the rule has conditions the model does not capture (rate limits, packet marks, string
   * matches, ipsets…). Such a rule *may* match: the analysis lets its allow through and never lets its
   * deny hide what follows.
   */
  exact: boolean;
  /** Unresolved references the rule depends on (`ipset:blocklist`), reported, never guessed. */
  symbolic: string[];
  translation?: Translation;
  enabled: boolean;
  description?: string;
  /** The rule as written, normalised (counters dropped), for fingerprints and messages. */
  text: string;
  origin: Origin;
}

export type RulesetSemantics = 'first-match' | 'allow-union' | 'priority';

export interface Ruleset {
  /** Unique within its device: `filter/INPUT`, `nat/PREROUTING`, `acl:OUTSIDE_IN`. */
  name: string;
  semantics: RulesetSemantics;
  /** What happens to packets no rule decides: a policy for built-in chains, `return` for user chains. */
  defaultAction: 'allow' | 'deny' | 'return';
  builtin: boolean;
  rules: FilterRule[];
  origin: Origin;
}

/** A port forward, as the device's configuration states it (DNAT, static NAT, redirect). */
export interface PortForward {
  /** The rule that implements it, when the forward lives in a ruleset. */
  ruleId?: string;
  protocols: ProtocolSet;
  externalPorts: PortSet;
  externalAddresses: AddressSet;
  inInterface?: InterfaceMatch;
  sources: AddressSet;
  /** Undefined for a redirect to the device itself. */
  internalAddresses?: AddressSet;
  internalPorts?: PortSet;
  enabled: boolean;
  text: string;
  origin: Origin;
}

/**
 * The order in which a device's rulesets see a packet arriving from the network. Each stage is a
 * list of rulesets evaluated one after another; a packet must pass every one of them.
 * - `prerouting`: before any NAT (raw, mangle PREROUTING);
 * - `dnat`: rulesets whose `dnat`/`redirect` rules decide where the packet goes;
 * - `input`: packets for the device itself; `forward`: packets routed through it.
 */
export interface Pipeline {
  prerouting: string[];
  dnat: string[];
  input: string[];
  forward: string[];
}

export type Vendor =
  | 'netfilter'
  | 'aws'
  | 'azure'
  | 'gcp'
  | 'cisco-ios'
  | 'cisco-asa'
  | 'junos'
  | 'openwrt'
  | 'pfsense'
  | 'opnsense'
  | 'mikrotik';

/** One configured device: a host firewall, a router, a cloud security boundary. */
export interface Device {
  name: string;
  vendor: Vendor;
  format: string;
  file: string;
  family: Family | 'mixed';
  rulesets: Record<string, Ruleset>;
  pipeline: Pipeline;
  forwards: PortForward[];
  /** Interfaces the configuration shows to face the outside (NAT masquerade, DNAT ingress). */
  externalInterfaces: string[];
  origin: Origin;
}

export type ServiceStatus = 'active' | 'decommissioned';

export interface Service {
  name: string;
  host: string;
  protocol: 'tcp' | 'udp';
  port: number;
  status: ServiceStatus;
  since?: string;
  owner?: string;
  source: 'inventory' | 'observed';
  origin?: Origin;
}

/** How a parser accounted for the lines of its input (recognised + ignored + reported = total). */
export interface LineAccounting {
  total: number;
  recognised: number;
  ignored: number;
  reported: number;
}

/** What a parser gives back: the model of the file, its diagnostics, and its line accounting. */
export interface ParseResult {
  devices: Device[];
  diagnostics: Diagnostic[];
  lines: LineAccounting;
  /** Inline suppressions found in comments. */
  suppressions: InlineSuppression[];
  /** Per-file accounting, when one result covers several files (a folder read at once). */
  files?: { path: string; lines: LineAccounting }[];
  /** What was seen on the network or on a host: scanned ports, listening sockets. */
  observations?: Observation[];
  /** Which ports a scan covered, so a port it does not list can be told from one it never tried. */
  scans?: ScanCoverage[];
}

/** The ports one scan tried on one host, and the state of those it did not list one by one. */
export interface ScanCoverage {
  host: string;
  aliases?: string[];
  protocol: 'tcp' | 'udp';
  ports: PortSet;
  /** The state of the scanned ports the report does not list (nmap's `<extraports>`), when it says. */
  unlisted?: 'closed' | 'filtered' | 'open|filtered' | 'closed|filtered' | 'unfiltered';
  scanner?: string;
  origin: Origin;
}

/**
 * One port as it was observed: by a scan from another host (nmap: open, closed, filtered), or on the
 * host itself (ss, netstat: a listening socket and what it is bound to).
 */
export interface Observation {
  /** The address (or name) of the host the port belongs to. */
  host: string;
  /** Other names and addresses of the same host (nmap hostnames, IPv6 address). */
  aliases?: string[];
  protocol: 'tcp' | 'udp';
  port: number;
  state: 'open' | 'closed' | 'filtered' | 'open|filtered' | 'closed|filtered' | 'unfiltered' | 'listening';
  /** How it was seen: `scan` from elsewhere, or `socket` on the host itself. */
  method: 'scan' | 'socket';
  tool: 'nmap' | 'ss' | 'netstat';
  /** For sockets: the local address bound (`0.0.0.0`, `::`, `127.0.0.1`, `*`), as written. */
  bind?: string;
  /** For scans: the address the scan ran from, when the file says. */
  scanner?: string;
  service?: string;
  product?: string;
  version?: string;
  process?: string;
  origin: Origin;
}

export interface InlineSuppression {
  rules: string[];
  until?: string;
  reason?: string;
  /** The line the comment is on; it covers that line and the next. */
  line: number;
  file: string;
}

/** An input handed to a parser: its path (for diagnostics and origins) and its text. */
export interface InputFile {
  path: string;
  text: string;
}

/** A format a parser reads: its name, how to recognise it, how to read it. */
/** What the engine needs to pick a format for a file, without loading its reader. */
export interface FormatInfo extends Pick<FormatParser, 'format' | 'description' | 'detect'> {
  /** The format's files of one folder are read together (its reader has `parseFolder`). */
  folder?: boolean;
  /**
   * File name endings that are this format whatever the text says (`.tf`): detection asks no other
   * detector about such a file. `detect` must still say so, for callers that ask it alone.
   */
  owns?: readonly string[];
}

export interface FormatParser {
  format: string;
  description: string;
  /** Confidence 0–1 that `file` is this format, from its name and the first part of its text. */
  detect(file: InputFile): number;
  parse(file: InputFile): ParseResult;
  /**
   * Formats whose files only make sense together (a Terraform module: variables, locals and
   * resources spread over a folder's files) read all the detected files of one folder at once.
   */
  parseFolder?(files: InputFile[]): ParseResult;
  /**
   * The largest file this format reads, in bytes, when its reader stays within a few times the
   * file's size in memory; without it, the scan's limit for every format (32 MiB).
   */
  maxBytes?: number;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/**
 * A problem with an input, a config or a rule. `code` is stable and is what tests and users match
 * on: `unrecognised-line`, `unsupported-match`, `unresolved-reference`, `parse-error`, …
 */
export interface Diagnostic {
  file: string;
  line?: number;
  column?: number;
  severity: DiagnosticSeverity;
  code: string;
  message: string;
}
