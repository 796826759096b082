import type { DiagnosticSeverity } from '@portcullis/model';

/*
 * The vendor representation of an nftables ruleset, shared by the text reader (`nft list ruleset`)
 * and the JSON reader (`nft -j list ruleset`): tables, chains, named sets and maps, and rules as
 * lists of statements. Values are kept as written (atoms of text), so that both readers meet here
 * and one converter gives both the same model. It never leaves this package.
 */

/** Something wrong or partly understood in a statement, reported against the rule's line. */
export interface NftProblem {
  severity: DiagnosticSeverity;
  code: string;
  message: string;
  line: number;
  column?: number;
  /** `report`: the line was not (fully) understood. `note`: understood as far as the model goes. */
  kind: 'report' | 'note';
}

/** What a match looks at (the left side of a relation, or a map's key). */
export type NftSelector =
  /** `ip saddr`, `tcp dport`, `th dport`, `icmpv6 type`, `ether type` … */
  | { kind: 'payload'; protocol: string; field: string }
  /** `meta l4proto`, `iifname` (meta keys may be written without `meta`) … */
  | { kind: 'meta'; key: string }
  /** `ct state`, `ct status` … */
  | { kind: 'ct'; key: string }
  /** `ip saddr . tcp dport` */
  | { kind: 'concat'; parts: NftSelector[] }
  /** Anything the model does not look into (`fib …`, `numgen …`, `tcp option …`, a bitwise expression). */
  | { kind: 'other'; text: string };

/** A value on the right of a match, a set element or a map's data. */
export type NftValue =
  /** A single value as text: `22`, `10.0.0.0/8`, `1-500`, `eth0`, `established`, `2001:db8::1-2001:db8::2`. */
  | { kind: 'atom'; text: string }
  /** `@name`: a named set or map. */
  | { kind: 'ref'; name: string }
  /** `{ a, b }` (an anonymous set), or a flag list `established,related`. */
  | { kind: 'set'; items: NftValue[] }
  /** `a . b` */
  | { kind: 'concat'; parts: NftValue[] }
  /** `key : data`, an element of a map. */
  | { kind: 'pair'; key: NftValue; data: NftValue }
  /** A verdict as map data (`jump chain`, `accept`). */
  | { kind: 'verdict'; verdict: NftVerdict };

export interface NftVerdict {
  kind: 'accept' | 'drop' | 'reject' | 'return' | 'continue' | 'queue' | 'jump' | 'goto';
  /** The chain entered by `jump`/`goto`. */
  target?: string;
  /** `jump { … }`: an anonymous chain, written in the rule. */
  anonymous?: NftChain;
}

/** A map lookup: `tcp dport map { 80 : 10.0.0.1 }`, `ip saddr map @y`. */
export interface NftMapLookup {
  key: NftSelector;
  /** The map's elements (pairs), or a reference to a named map. */
  data: NftValue;
}

export type NftStatement =
  | { kind: 'match'; selector: NftSelector; op: '==' | '!=' | 'other'; value: NftValue; column?: number }
  | { kind: 'verdict'; verdict: NftVerdict }
  | { kind: 'vmap'; lookup: NftMapLookup }
  | {
      kind: 'nat';
      type: 'dnat' | 'snat' | 'redirect' | 'masquerade';
      /** `dnat ip to …`: the family written after the statement. */
      family?: 'ip' | 'ip6';
      /** The address (or lookup) translated to; absent for `redirect`, `masquerade`, port-only `dnat`. */
      address?: NftValue | { kind: 'lookup'; lookup: NftMapLookup };
      port?: NftValue;
      text: string;
    }
  /** A condition the model does not capture (`limit rate`, `quota`): the rule may match. */
  | { kind: 'inexact'; what: string }
  /** `add @set { ip saddr }`, `update @set …`: the set gets elements at run time. */
  | { kind: 'set-update'; set: string }
  /** A statement that acts on the packet and lets the rule go on (`counter`, `log`, `meta mark set`). */
  | { kind: 'action'; what: string };

export interface NftRule {
  line: number;
  endLine: number;
  /** Where on its line the rule starts, when the reader knows (the JSON listing). */
  column?: number;
  /** The rule as written, white space collapsed, counters' values dropped. */
  text: string;
  statements: NftStatement[];
  comment?: string;
  problems: NftProblem[];
}

export interface NftBaseChain {
  type: string;
  hook: string;
  priority: number;
  /** As written (`filter`, `dstnat`, `-100`, `filter + 10`). */
  priorityText: string;
  policy: 'accept' | 'drop';
  device?: string;
}

export interface NftChain {
  name: string;
  line: number;
  base?: NftBaseChain;
  rules: NftRule[];
}

export interface NftSet {
  name: string;
  line: number;
  /** `map` for maps and verdict maps. */
  kind: 'set' | 'map';
  /** The key type (`ipv4_addr`, `inet_service`, `ifname`, a concatenation joined with ` . `), or a `typeof` expression. */
  keyType: string;
  /** A map's data type (`verdict`, `ipv4_addr`, …). */
  dataType?: string;
  flags: string[];
  /** Undefined when the listing shows none. */
  elements?: NftValue[];
  /** Has a default timeout: its elements come and go. */
  timeout: boolean;
}

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

export interface NftTable {
  family: NftFamily;
  name: string;
  line: number;
  /** In order of appearance. */
  chains: Map<string, NftChain>;
  sets: Map<string, NftSet>;
}

export interface NftRuleset {
  tables: NftTable[];
}

export const FAMILIES: readonly NftFamily[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

/** Chain priorities by name, for the families that filter IP traffic (nft(8), "CHAINS"). */
export const PRIORITY_NAMES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100, out: 100 };
