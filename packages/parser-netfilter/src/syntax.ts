import type { AddressSet, DiagnosticSeverity, InterfaceMatch, PortSet, ProtocolSet } from '@portcullis/model';

/*
 * The vendor representation of an iptables-save file: tables, chains and rules as the file states
 * them, values already read into sets but nothing yet decided that depends on the whole file (the
 * address family, which names are chains). It never leaves this package; convert.ts turns it into
 * the shared model.
 */

/** Something wrong or partly understood on a rule line, reported when the line is accounted for. */
export interface Problem {
  severity: DiagnosticSeverity;
  code: string;
  message: string;
  column?: number;
  /**
   * `report`: the line was not (fully) understood and counts as reported. `note`: the rule is
   * understood as far as the model goes; the diagnostic only explains a limitation.
   */
  kind: 'report' | 'note';
}

/** One `-s`/`-d`/`--src-range`/`--match-set …` condition on an address. */
export interface AddressTerm {
  /** Undefined when the value could not be read or names something we cannot resolve (see `symbolic`). */
  set?: AddressSet;
  negated: boolean;
  /** `ipset:NAME`, `host:NAME`: a reference that stays symbolic. */
  symbolic?: string;
}

export interface PortTerm {
  /** Undefined when the value could not be read. */
  set?: PortSet;
  negated: boolean;
}

export interface ProtocolTerm {
  /** Undefined when the value could not be read. */
  set?: ProtocolSet;
  negated: boolean;
  /** The protocol's name as written (lower case), used to resolve service names. */
  name: string;
}

/** `-m state --state` / `-m conntrack --ctstate`. */
export interface StateTerm {
  states: string[];
  negated: boolean;
}

/** A NAT target's `--to-destination`/`--to-source`/`--to-ports`/`--to` value(s), read. */
export interface NatSpec {
  addresses?: AddressSet;
  ports?: PortSet;
  text: string;
}

/**
 * A target that is only a name (`-j ACCEPT`, `-j KUBE-MARK-MASQ`) is one object for every rule of the
 * file that names it (see `ChainAst.jump`): once its rule is read, a target is never changed.
 */
export interface TargetAst {
  name: string;
  /** `-g` rather than `-j`. */
  goto: boolean;
  /**
   * Target options in order; repeated options (several `--to-destination`) keep every value. Once
   * the rule is read they are in `nat`, and only ROUTE keeps its list.
   */
  options: { name: string; values: string[]; negated: boolean }[];
  /** Read for DNAT, SNAT, REDIRECT, MASQUERADE and NETMAP. */
  nat: NatSpec | undefined;
  /**
   * The chain the target names, when it was a chain of the table already as the rule was read (kept
   * here rather than on every rule: a chain's plain jump is one target for all the rules naming it).
   */
  chain: ChainAst | undefined;
}

/*
 * RuleAst.flags: a rule's yes-or-no facts as bits of one number rather than five fields of each of
 * the hundreds of thousands of rules a kube-proxy dump holds.
 */
/** The state conditions let the first packet of a new connection through. */
export const MATCHES_NEW = 1;
/** The rule has a state condition. */
export const STATE_MATCH = 2;
/**
 * Every condition is one the model captures and could be read; without it the rule may match
 * (`limit`, `tcp-flags`, `ctstate DNAT` …).
 */
export const EXACT = 4;
/** An IPv4 (IPv6) address literal or protocol was seen, for deciding the file's family. */
export const IPV4_EVIDENCE = 8;
export const IPV6_EVIDENCE = 16;

/**
 * Every field is set when the rule is made (optional ones to undefined), so that all rules share one
 * shape with their fields in the object: a kube-proxy dump holds hundreds of thousands of them.
 */
export interface RuleAst {
  line: number;
  /** The rule as written (counters dropped; joined again when the line had been wrapped). */
  text: string;
  /*
   * The rule's conditions, read into sets as far as they do not depend on the file's address family
   * (which only the whole file tells): a kube-proxy dump holds hundreds of thousands of rules, and
   * the conditions one by one would outweigh the model made of them.
   */
  /** Every protocol when the rule names none. */
  protocols: ProtocolSet;
  /** The intersection of the plain `-s`/`--src-range` conditions; undefined when there is none. */
  sources: AddressSet | undefined;
  /** The negated ones, complemented within the family once it is known. */
  notSources: AddressSet[];
  destinations: AddressSet | undefined;
  notDestinations: AddressSet[];
  sourcePorts: PortSet;
  destinationPorts: PortSet;
  inInterface?: InterfaceMatch;
  outInterface?: InterfaceMatch;
  /** `ipset:NAME`, `host:NAME`: references that may hold any address. */
  symbolic: string[];
  comment?: string;
  target?: TargetAst;
  problems: Problem[];
  /** MATCHES_NEW, STATE_MATCH, EXACT, IPV4_EVIDENCE, IPV6_EVIDENCE. */
  flags: number;
}

export interface ChainAst {
  name: string;
  /** Position in its table's chains (the order of first appearance). */
  index: number;
  /** `ACCEPT`/`DROP` for built-in chains; undefined for user chains (`-`). */
  policy: 'ACCEPT' | 'DROP' | undefined;
  line: number;
  /** False when the chain was only ever used, never declared with a `:CHAIN` line. */
  declared: boolean;
  rules: RuleAst[];
  /** The target of the rules that jump here once the chain exists (`-j NAME`, nothing more), made by the first. */
  jump: TargetAst | undefined;
}

export interface TableAst {
  name: string;
  line: number;
  committed: boolean;
  /** In order of first appearance. */
  chains: Map<string, ChainAst>;
  /** A chain is named like a known target (`:DNAT - [0:0]`): then `-j DNAT` may jump to it. */
  chainsNamedLikeTargets: boolean;
}

export interface FileAst {
  /** The last section of each table: iptables-restore replaces a table when it appears again. */
  tables: Map<string, TableAst>;
  /** The header comment names ip6tables-save. */
  ip6Header: boolean;
}
