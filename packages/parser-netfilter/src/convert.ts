import {
  AddressSet,
  type Device,
  type Family,
  type FilterRule,
  type InterfaceMatch,
  type LineLedger,
  type Pipeline,
  type PortForward,
  type Ruleset,
  type Translation,
  noItems,
} from '@portcullis/model';
import {
  EXACT,
  IPV4_EVIDENCE,
  IPV6_EVIDENCE,
  MATCHES_NEW,
  STATE_MATCH,
  type ChainAst,
  type FileAst,
  type RuleAst,
  type TableAst,
} from './syntax.js';
import { KNOWN_TARGETS, targetMeaning, type TargetMeaning } from './targets.js';

/*
 * Turns the vendor representation into the shared model: one Device per file, one Ruleset per
 * chain (`table/CHAIN`), port forwards from the nat table's DNAT/REDIRECT rules.
 */

const BUILTIN_CHAINS: Record<string, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** The verdicts iptables never treats as chain names. */
const STANDARD_VERDICTS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

/**
 * Whether `-j NAME` may name a chain of the table: never a standard verdict, and a known target
 * (DNAT) only when the table has a chain named like one, which is rare; looking every DNAT up among
 * tens of thousands of chains is not.
 */
export function mayNameChain(table: TableAst, name: string): boolean {
  if (STANDARD_VERDICTS.has(name)) return false;
  return table.chainsNamedLikeTargets || !KNOWN_TARGETS.has(name);
}

const PIPELINE: Pipeline = {
  prerouting: ['raw/PREROUTING', 'mangle/PREROUTING'],
  dnat: ['nat/PREROUTING'],
  input: ['mangle/INPUT', 'filter/INPUT'],
  forward: ['mangle/FORWARD', 'filter/FORWARD'],
};

/**
 * The address family of the file: from its header and the addresses and protocols its rules use
 * (which each table's graph gathers as it walks the rules).
 */
function decideFamily(ast: FileAst, graphs: readonly ChainGraph[]): Family | 'mixed' {
  let v4 = false;
  let v6 = ast.ip6Header;
  for (const graph of graphs) {
    v4 ||= graph.ipv4Evidence;
    v6 ||= graph.ipv6Evidence;
  }
  return v4 && v6 ? 'mixed' : v6 ? 'ipv6' : 'ipv4';
}

/** `dir/host.iptables-save` → `host`; `gw.example.org.rules` → `gw.example.org`. */
export function deviceName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export function convertFile(ast: FileAst, file: string, ledger: LineLedger): Device {
  const tables = [...ast.tables.values()];
  const graphs = tables.map((table) => new ChainGraph(table));
  const family = decideFamily(ast, graphs);
  const converter = new Converter(file, family, ledger);
  const rulesets: Record<string, Ruleset> = {};
  const forwards: PortForward[] = [];
  const external: string[] = [];
  for (let t = 0; t < tables.length; t++) {
    const converted = converter.table(tables[t]!, graphs[t]!);
    for (const ruleset of converted.rulesets) rulesets[ruleset.name] = ruleset;
    for (const forward of converted.forwards) forwards.push(forward);
    for (const name of converted.externalInterfaces) if (!external.includes(name)) external.push(name);
  }
  const present = (names: string[]): string[] => names.filter((n) => rulesets[n] !== undefined);
  return {
    name: deviceName(file),
    vendor: 'netfilter',
    format: 'iptables-save',
    file,
    family,
    rulesets,
    pipeline: {
      prerouting: present(PIPELINE.prerouting),
      dnat: present(PIPELINE.dnat),
      input: present(PIPELINE.input),
      forward: present(PIPELINE.forward),
    },
    forwards,
    externalInterfaces: external,
    origin: { file, line: 1 },
  };
}

/**
 * Which chains of a table jump to which, and what each built-in chain reaches. Chains go by their
 * number in the table (ChainAst.index) and every rule's target is looked up by name once, here: a kube-proxy dump has tens
 * of thousands of chains, and a lookup by name costs more than all else a rule needs.
 */
class ChainGraph {
  readonly chains: ChainAst[];
  /**
   * Whether a rule of the table has an IPv4 (IPv6) address or protocol: gathered on the graph's walk
   * over every rule, instead of by a walk of its own over hundreds of thousands of them.
   */
  readonly ipv4Evidence: boolean;
  readonly ipv6Evidence: boolean;
  /** By rule, all chains' rules one after another: the number of the chain it jumps or goes to, or -1. */
  private readonly targets: Int32Array;
  /** Where each chain's rules start in `targets` (one more entry: the end). */
  private readonly offsets: Int32Array;
  /**
   * The rules that jump or go to each chain, with their chains' numbers: those of chain `c` are
   * entries `callerOffsets[c]` up to `callerOffsets[c + 1]`, in the order of the chains and rules.
   */
  private readonly callerOffsets: Int32Array;
  private readonly callerChains: Int32Array;
  private readonly callerRules: RuleAst[];
  private readonly reachCache = new Map<number, Uint8Array>();
  /** `inherited`'s answers, by root and side (2 × root, + 1 for the outgoing side), then by chain. */
  private readonly inheritedCache = new Map<number, (InterfaceMatch | undefined | typeof NOT_KNOWN)[]>();
  /** How many times `inherited` has cut a loop so far. */
  private loopsCut = 0;
  private readonly byName: ReadonlyMap<string, ChainAst>;

  constructor(table: TableAst) {
    this.byName = table.chains;
    const chains = [...table.chains.values()];
    this.chains = chains;
    const count = chains.length;
    // One array for every rule of the table: tens of thousands of chains would each be a typed array.
    const offsets = new Int32Array(count + 1);
    for (let c = 0; c < count; c++) offsets[c + 1] = offsets[c]! + chains[c]!.rules.length;
    const targets = new Int32Array(offsets[count]!).fill(-1);
    const callerOffsets = new Int32Array(count + 1);
    let jumps = 0;
    // The rules' flags together: only their evidence bits are read.
    let evidence = 0;
    for (let c = 0; c < count; c++) {
      const rules = chains[c]!.rules;
      const base = offsets[c]!;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r]!;
        evidence |= rule.flags;
        // Most jumps were resolved as the rule was read; the others are looked up now.
        let target = rule.target?.chain;
        if (target === undefined) {
          const name = rule.target?.name;
          target = name === undefined || !mayNameChain(table, name) ? undefined : table.chains.get(name);
        }
        if (target === undefined) continue;
        targets[base + r] = target.index;
        callerOffsets[target.index + 1]!++;
        jumps++;
      }
    }
    for (let c = 0; c < count; c++) callerOffsets[c + 1]! += callerOffsets[c]!;
    const callerChains = new Int32Array(jumps);
    const callerRules = new Array<RuleAst>(jumps);
    const next = callerOffsets.slice(0, count);
    for (let c = 0; c < count; c++) {
      const rules = chains[c]!.rules;
      const base = offsets[c]!;
      for (let r = 0; r < rules.length; r++) {
        const t = targets[base + r]!;
        if (t < 0) continue;
        const at = next[t]!++;
        callerChains[at] = c;
        callerRules[at] = rules[r]!;
      }
    }
    this.ipv4Evidence = (evidence & IPV4_EVIDENCE) !== 0;
    this.ipv6Evidence = (evidence & IPV6_EVIDENCE) !== 0;
    this.offsets = offsets;
    this.targets = targets;
    this.callerOffsets = callerOffsets;
    this.callerChains = callerChains;
    this.callerRules = callerRules;
  }

  /** The number of the chain called `name`, or -1. */
  find(name: string): number {
    return this.byName.get(name)?.index ?? -1;
  }

  /** The number of the chain rule `r` of chain `c` jumps or goes to, or -1 when its target is none. */
  targetOf(c: number, r: number): number {
    return this.targets[this.offsets[c]! + r]!;
  }

  /** A chain without a `:CHAIN` line: where it is first used, as a rule's chain or as a jump target. */
  firstUse(c: number): number {
    let line = this.chains[c]!.line;
    for (let i = this.callerOffsets[c]!; i < this.callerOffsets[c + 1]!; i++) line = Math.min(line, this.callerRules[i]!.line);
    return line;
  }

  /** Flags, by chain number, of every chain a packet entering chain `root` can visit (`root` included). */
  reach(root: number): Uint8Array {
    let seen = this.reachCache.get(root);
    if (seen) return seen;
    seen = new Uint8Array(this.chains.length);
    seen[root] = 1;
    const stack = [root];
    while (stack.length > 0) {
      const c = stack.pop()!;
      for (let i = this.offsets[c]!; i < this.offsets[c + 1]!; i++) {
        const t = this.targets[i]!;
        if (t >= 0 && !seen[t]) {
          seen[t] = 1;
          stack.push(t);
        }
      }
    }
    this.reachCache.set(root, seen);
    return seen;
  }

  /**
   * The interface every path from chain `root` into chain `c` requires (`-A PREROUTING -i eth0 -j
   * wan` makes eth0 the ingress of chain `wan`), or undefined when paths differ or one has none.
   */
  inherited(c: number, root: number, side: 'inInterface' | 'outInterface'): InterfaceMatch | undefined {
    return this.inheritedOn(c, root, side, new Set<number>());
  }

  /**
   * `visiting`: the chains on the way here, to cut loops. A chain's answer is kept when finding it
   * cut no loop; then it is the same on every way to it (each kube-proxy endpoint chain asks its
   * service chain, which asks the services chain, again and again).
   */
  private inheritedOn(c: number, root: number, side: 'inInterface' | 'outInterface', visiting: Set<number>): InterfaceMatch | undefined {
    if (c === root) return undefined;
    if (visiting.has(c)) {
      this.loopsCut++;
      return undefined;
    }
    const key = side === 'inInterface' ? 2 * root : 2 * root + 1;
    let known = this.inheritedCache.get(key);
    // By chain number: a nat table of a kube-proxy dump asks for most of its tens of thousands of chains.
    if (!known) this.inheritedCache.set(key, (known = new Array<InterfaceMatch | undefined | typeof NOT_KNOWN>(this.chains.length).fill(NOT_KNOWN)));
    const answer = known[c];
    if (answer !== NOT_KNOWN) return answer;
    const cutBefore = this.loopsCut;
    const found = this.inheritedWalk(c, root, side, visiting);
    if (this.loopsCut === cutBefore) known[c] = found;
    return found;
  }

  private inheritedWalk(c: number, root: number, side: 'inInterface' | 'outInterface', visiting: Set<number>): InterfaceMatch | undefined {
    visiting.add(c);
    const reachable = this.reach(root);
    let common: InterfaceMatch | undefined;
    for (let i = this.callerOffsets[c]!; i < this.callerOffsets[c + 1]!; i++) {
      const callerChain = this.callerChains[i]!;
      if (!reachable[callerChain]) continue;
      const iface = this.callerRules[i]![side] ?? this.inheritedOn(callerChain, root, side, visiting);
      if (!iface) return undefined;
      if (common && interfaceKey(common) !== interfaceKey(iface)) return undefined;
      common = iface;
    }
    visiting.delete(c);
    return common;
  }
}

/** A chain whose inherited interface is not worked out yet. */
const NOT_KNOWN = Symbol('not known');

const interfaceKey = (m: InterfaceMatch): string => `${m.negated ? '!' : ''}${m.names.join(',')}`;

class Converter {
  private readonly familyArg: Family | undefined;
  /** The table being converted. */
  private tableName = '';
  /**
   * Every address of the family outside a set, by the set: each service chain of a kube-proxy dump
   * says `! -s 10.244.0.0/16` (one set, which the reader shares), and the rules keep the answer.
   */
  private readonly outsideOf = new Map<AddressSet, AddressSet>();

  constructor(
    private readonly file: string,
    private readonly family: Family | 'mixed',
    private readonly ledger: LineLedger,
  ) {
    this.familyArg = family === 'mixed' ? undefined : family;
  }

  table(table: TableAst, graph: ChainGraph): { rulesets: Ruleset[]; forwards: PortForward[]; externalInterfaces: string[] } {
    this.tableName = table.name;
    const builtins = BUILTIN_CHAINS[table.name] ?? [];
    // The built-in chain each chain is (first) reached from.
    const fromBuiltin = new Array<string | undefined>(graph.chains.length);
    for (const name of builtins) {
      const root = graph.find(name);
      if (root < 0) continue;
      graph.reach(root).forEach((seen, c) => {
        if (seen) fromBuiltin[c] ??= name;
      });
    }
    const rulesets: Ruleset[] = [];
    // One string per ruleset name, shared by the jumps to it: looking a ruleset up by a string seen
    // before costs a pointer comparison instead of hashing and comparing a new string.
    const names = graph.chains.map((chain) => `${table.name}/${chain.name}`);
    const converted = graph.chains.map((chain, c) => {
      const name = names[c]!;
      const root = builtins.includes(chain.name) ? chain.name : fromBuiltin[c];
      const rules = new Array<FilterRule>(chain.rules.length);
      // A rule's id is its ruleset's `name#` and its number; the prefix is made once per chain.
      const idPrefix = `${name}#`;
      for (let i = 0; i < rules.length; i++) {
        const t = graph.targetOf(c, i);
        rules[i] = this.rule(chain.rules[i]!, idPrefix + (i + 1), t < 0 ? undefined : names[t], root);
      }
      const builtin = chain.policy !== undefined || (!chain.declared && builtins.includes(chain.name));
      rulesets.push({
        name,
        semantics: 'first-match',
        defaultAction: !builtin ? 'return' : chain.policy === 'DROP' ? 'deny' : 'allow',
        builtin,
        rules,
        origin: { file: this.file, line: chain.declared ? chain.line : graph.firstUse(c) },
      });
      return rules;
    });
    if (table.name !== 'nat') return { rulesets, forwards: [], externalInterfaces: [] };
    return { rulesets, ...this.natExposure(graph, converted) };
  }

  /** `converted` holds each chain's model rules, by chain number. */
  private natExposure(graph: ChainGraph, converted: FilterRule[][]): { forwards: PortForward[]; externalInterfaces: string[] } {
    const forwards: PortForward[] = [];
    const external: string[] = [];
    const addExternal = (m: InterfaceMatch | undefined): void => {
      if (!m || m.negated) return;
      for (const n of m.names) if (!external.includes(n)) external.push(n);
    };
    const none = new Uint8Array(graph.chains.length);
    const prerouting = graph.find('PREROUTING');
    const postrouting = graph.find('POSTROUTING');
    const fromPrerouting = prerouting < 0 ? none : graph.reach(prerouting);
    const fromPostrouting = postrouting < 0 ? none : graph.reach(postrouting);
    const roots = BUILTIN_CHAINS['nat']!.map((name) => graph.find(name)).filter((c) => c >= 0);
    const reachable = (c: number): boolean => roots.some((root) => graph.reach(root)[c] === 1);

    converted.forEach((rules, c) => {
      // A chain no built-in chain reaches is dead configuration: its forwards are kept, disabled.
      const enabled = fromPrerouting[c] === 1;
      const forwarding = enabled || !reachable(c);
      const masquerading = fromPostrouting[c] === 1;
      if (!forwarding && !masquerading) return;
      for (const rule of rules) {
        if (forwarding && (rule.action === 'dnat' || rule.action === 'redirect')) {
          const inInterface = rule.inInterface ?? (enabled ? graph.inherited(c, prerouting, 'inInterface') : undefined);
          forwards.push(this.forward(rule, enabled, inInterface));
          if (enabled) addExternal(inInterface);
        }
        if (masquerading && (rule.action === 'snat' || rule.action === 'masquerade')) {
          addExternal(rule.outInterface ?? graph.inherited(c, postrouting, 'outInterface'));
        }
      }
    });
    return { forwards, externalInterfaces: external };
  }

  private forward(rule: FilterRule, enabled: boolean, inInterface: InterfaceMatch | undefined): PortForward {
    const t = rule.translation;
    // A port-only DNAT keeps the destination; an unreadable one may send the packet anywhere.
    const internalAddresses = rule.action !== 'dnat' ? undefined : t ? (t.addresses ?? rule.destinations) : AddressSet.all(this.familyArg);
    // Every field set at once, like a rule's.
    return {
      ruleId: rule.id,
      protocols: rule.protocols,
      externalPorts: rule.destinationPorts,
      externalAddresses: rule.destinations,
      sources: rule.sources,
      internalPorts: t?.ports ?? rule.destinationPorts,
      enabled,
      text: rule.text,
      origin: rule.origin,
      inInterface,
      internalAddresses,
    };
  }

  /** `targetRuleset`: the name of the ruleset the rule jumps or goes to, when its target is a chain. */
  private rule(ast: RuleAst, id: string, targetRuleset: string | undefined, root: string | undefined): FilterRule {
    let exact = (ast.flags & EXACT) !== 0 && (ast.problems.length === 0 || !ast.problems.some((p) => p.kind === 'report'));
    const meaning = this.meaning(ast, targetRuleset, root);
    exact &&= meaning.exact;

    // Every field is set here, the optional ones perhaps to undefined: all of a file's rules then share
    // one shape, made in one step instead of growing one field at a time.
    return {
      id,
      action: meaning.action,
      protocols: ast.protocols,
      sources: this.addresses(ast.sources, ast.notSources, ast),
      destinations: this.addresses(ast.destinations, ast.notDestinations, ast),
      sourcePorts: ast.sourcePorts,
      destinationPorts: ast.destinationPorts,
      matchesNew: (ast.flags & MATCHES_NEW) !== 0,
      exact,
      symbolic: ast.symbolic.length === 0 ? NO_SYMBOLS : ast.symbolic,
      enabled: true,
      text: ast.text,
      origin: { file: this.file, line: ast.line },
      stateMatch: (ast.flags & STATE_MATCH) !== 0 ? true : undefined,
      target: meaning.action === 'jump' || meaning.action === 'goto' ? targetRuleset! : undefined,
      inInterface: ast.inInterface,
      outInterface: ast.outInterface,
      description: ast.comment,
      translation: this.translation(ast, meaning),
    };
  }

  private meaning(ast: RuleAst, targetRuleset: string | undefined, root: string | undefined): TargetMeaning {
    const target = ast.target;
    if (!target) return CONTINUE;
    if (targetRuleset !== undefined) return target.goto ? GOTO : JUMP;
    const role = root === 'PREROUTING' || root === 'OUTPUT' || root === 'POSTROUTING' || root === 'INPUT' ? root : 'other';
    const meaning = targetMeaning(target, role);
    if (meaning) return meaning;
    this.ledger.note(
      ast.line, 'warning', 'unsupported-target',
      `target '${target.name}' is neither a known target nor a chain of table ${this.tableName}; the rule is kept as one that may match and go on`,
    );
    return MAY_CONTINUE;
  }

  private translation(ast: RuleAst, meaning: TargetMeaning): Translation | undefined {
    const nat = ast.target?.nat;
    if (!nat || (meaning.action !== 'dnat' && meaning.action !== 'redirect')) return undefined;
    const t: Translation = { text: nat.text };
    if (meaning.action === 'dnat' && nat.addresses) t.addresses = nat.addresses;
    if (nat.ports) t.ports = nat.ports;
    return t;
  }

  /**
   * The addresses a rule matches: every address of the family, within the intersection of its plain
   * conditions (`plain`, undefined when there is none) and outside each negated one.
   */
  private addresses(plain: AddressSet | undefined, negated: AddressSet[], ast: RuleAst): AddressSet {
    if (plain === undefined && negated.length === 1) return this.outside(negated[0]!);
    const all = AddressSet.all(this.familyArg);
    // A condition within the family (`-d 10.96.0.1/32`) is its own intersection with it: keep its
    // set instead of making an equal one. The rule's evidence names every family its addresses
    // touch, so it tells without comparing bounds (an address is of one family, never between them).
    const inFamily = this.family === 'mixed' || (ast.flags & (this.family === 'ipv4' ? IPV6_EVIDENCE : IPV4_EVIDENCE)) === 0;
    let set = plain === undefined ? all : inFamily ? plain : all.intersect(plain);
    for (const n of negated) set = set.intersect(n.complement(this.familyArg));
    return set;
  }

  /** Every address of the family but those of `set`: `! -s 10.244.0.0/16` alone. */
  private outside(set: AddressSet): AddressSet {
    let answer = this.outsideOf.get(set);
    if (answer === undefined) {
      answer = AddressSet.all(this.familyArg).intersect(set.complement(this.familyArg));
      this.outsideOf.set(set, answer);
    }
    return answer;
  }
}

/** The symbolic references of every rule that has none: one list, frozen, since the rules share it. */
const NO_SYMBOLS = noItems<string>();

const CONTINUE: TargetMeaning = { action: 'continue', exact: true };
const MAY_CONTINUE: TargetMeaning = { action: 'continue', exact: false };
const JUMP: TargetMeaning = { action: 'jump', exact: true };
const GOTO: TargetMeaning = { action: 'goto', exact: true };

