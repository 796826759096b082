import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  type Device,
  type Family,
  type FilterRule,
  type InterfaceMatch,
  type LineLedger,
  type Pipeline,
  type PortForward,
  type PortSet,
  type Ruleset,
  type Translation,
} from '@portcullis/model';
import type { AddressTerm, ChainAst, FileAst, PortTerm, RuleAst, StateTerm, TableAst } from './syntax.js';
import { targetMeaning, type TargetMeaning } from './targets.js';

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

const PIPELINE: Pipeline = {
  prerouting: ['raw/PREROUTING', 'mangle/PREROUTING'],
  dnat: ['nat/PREROUTING'],
  input: ['mangle/INPUT', 'filter/INPUT'],
  forward: ['mangle/FORWARD', 'filter/FORWARD'],
};

/** The address family of the file: from its header and the addresses and protocols its rules use. */
export function decideFamily(ast: FileAst): Family | 'mixed' {
  let v4 = false;
  let v6 = ast.ip6Header;
  for (const table of ast.tables.values()) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        v4 ||= rule.evidence.ipv4;
        v6 ||= rule.evidence.ipv6;
      }
    }
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
  const family = decideFamily(ast);
  const converter = new Converter(file, family, ledger);
  const rulesets: Record<string, Ruleset> = {};
  const forwards: PortForward[] = [];
  const external: string[] = [];
  for (const table of ast.tables.values()) {
    const converted = converter.table(table);
    for (const ruleset of converted.rulesets) rulesets[ruleset.name] = ruleset;
    forwards.push(...converted.forwards);
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

/** Which chains of a table jump to which, and what each built-in chain reaches. */
class ChainGraph {
  /** chain → the rules (with their chain) that jump or go to it. */
  readonly callers = new Map<string, { chain: string; rule: RuleAst }[]>();
  private readonly reachCache = new Map<string, Set<string>>();

  constructor(private readonly table: TableAst) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        const target = rule.target?.name;
        if (target === undefined || STANDARD_VERDICTS.has(target) || !table.chains.has(target)) continue;
        let list = this.callers.get(target);
        if (!list) this.callers.set(target, (list = []));
        list.push({ chain: chain.name, rule });
      }
    }
  }

  isChain(name: string): boolean {
    return !STANDARD_VERDICTS.has(name) && this.table.chains.has(name);
  }

  /** Every chain a packet entering `root` can visit, `root` included. */
  reach(root: string): Set<string> {
    let seen = this.reachCache.get(root);
    if (seen) return seen;
    seen = new Set([root]);
    const stack = [root];
    while (stack.length > 0) {
      const chain = this.table.chains.get(stack.pop()!);
      for (const rule of chain?.rules ?? []) {
        const t = rule.target?.name;
        if (t !== undefined && this.isChain(t) && !seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      }
    }
    this.reachCache.set(root, seen);
    return seen;
  }

  /**
   * The interface every path from `root` into `chain` requires (`-A PREROUTING -i eth0 -j wan` makes
   * eth0 the ingress of chain `wan`), or undefined when paths differ or one has none.
   */
  inherited(chain: string, root: string, side: 'inInterface' | 'outInterface', visiting = new Set<string>()): InterfaceMatch | undefined {
    if (chain === root || visiting.has(chain)) return undefined;
    visiting.add(chain);
    const reachable = this.reach(root);
    let common: InterfaceMatch | undefined;
    for (const caller of this.callers.get(chain) ?? []) {
      if (!reachable.has(caller.chain)) continue;
      const iface = caller.rule[side] ?? this.inherited(caller.chain, root, side, visiting);
      if (!iface) return undefined;
      if (common && interfaceKey(common) !== interfaceKey(iface)) return undefined;
      common = iface;
    }
    visiting.delete(chain);
    return common;
  }
}

const interfaceKey = (m: InterfaceMatch): string => `${m.negated ? '!' : ''}${m.names.join(',')}`;

class Converter {
  private readonly familyArg: Family | undefined;

  constructor(
    private readonly file: string,
    private readonly family: Family | 'mixed',
    private readonly ledger: LineLedger,
  ) {
    this.familyArg = family === 'mixed' ? undefined : family;
  }

  table(table: TableAst): { rulesets: Ruleset[]; forwards: PortForward[]; externalInterfaces: string[] } {
    const graph = new ChainGraph(table);
    const builtins = BUILTIN_CHAINS[table.name] ?? [];
    const fromBuiltin = new Map<string, string>();
    for (const root of builtins) {
      if (!table.chains.has(root)) continue;
      for (const chain of graph.reach(root)) if (!fromBuiltin.has(chain)) fromBuiltin.set(chain, root);
    }
    const rulesets: Ruleset[] = [];
    const converted = new Map<RuleAst, FilterRule>();
    for (const chain of table.chains.values()) {
      const name = `${table.name}/${chain.name}`;
      const rules = chain.rules.map((rule, i) => {
        const root = builtins.includes(chain.name) ? chain.name : fromBuiltin.get(chain.name);
        const fr = this.rule(rule, `${name}#${i + 1}`, table.name, graph, root);
        converted.set(rule, fr);
        return fr;
      });
      const builtin = chain.policy !== undefined || (!chain.declared && builtins.includes(chain.name));
      rulesets.push({
        name,
        semantics: 'first-match',
        defaultAction: !builtin ? 'return' : chain.policy === 'DROP' ? 'deny' : 'allow',
        builtin,
        rules,
        origin: { file: this.file, line: chain.declared ? chain.line : firstUse(chain, table) },
      });
    }
    if (table.name !== 'nat') return { rulesets, forwards: [], externalInterfaces: [] };
    return { rulesets, ...this.natExposure(table, graph, converted) };
  }

  private natExposure(table: TableAst, graph: ChainGraph, converted: Map<RuleAst, FilterRule>): { forwards: PortForward[]; externalInterfaces: string[] } {
    const forwards: PortForward[] = [];
    const external: string[] = [];
    const addExternal = (m: InterfaceMatch | undefined): void => {
      if (!m || m.negated) return;
      for (const n of m.names) if (!external.includes(n)) external.push(n);
    };
    const fromPrerouting = table.chains.has('PREROUTING') ? graph.reach('PREROUTING') : new Set<string>();
    const fromPostrouting = table.chains.has('POSTROUTING') ? graph.reach('POSTROUTING') : new Set<string>();
    const reachable = new Set<string>();
    for (const root of BUILTIN_CHAINS['nat']!) if (table.chains.has(root)) for (const c of graph.reach(root)) reachable.add(c);

    for (const chain of table.chains.values()) {
      for (const ast of chain.rules) {
        const rule = converted.get(ast)!;
        if ((rule.action === 'dnat' || rule.action === 'redirect') && (fromPrerouting.has(chain.name) || !reachable.has(chain.name))) {
          // A chain no built-in chain reaches is dead configuration: its forwards are kept, disabled.
          const enabled = fromPrerouting.has(chain.name);
          const inInterface = rule.inInterface ?? (enabled ? graph.inherited(chain.name, 'PREROUTING', 'inInterface') : undefined);
          forwards.push(this.forward(rule, enabled, inInterface));
          if (enabled) addExternal(inInterface);
        }
        if ((rule.action === 'snat' || rule.action === 'masquerade') && fromPostrouting.has(chain.name)) {
          addExternal(rule.outInterface ?? graph.inherited(chain.name, 'POSTROUTING', 'outInterface'));
        }
      }
    }
    return { forwards, externalInterfaces: external };
  }

  private forward(rule: FilterRule, enabled: boolean, inInterface: InterfaceMatch | undefined): PortForward {
    const t = rule.translation;
    const forward: PortForward = {
      ruleId: rule.id,
      protocols: rule.protocols,
      externalPorts: rule.destinationPorts,
      externalAddresses: rule.destinations,
      sources: rule.sources,
      internalPorts: t?.ports ?? rule.destinationPorts,
      enabled,
      text: rule.text,
      origin: rule.origin,
    };
    if (inInterface) forward.inInterface = inInterface;
    if (rule.action === 'dnat') {
      // A port-only DNAT keeps the destination; an unreadable one may send the packet anywhere.
      forward.internalAddresses = t ? (t.addresses ?? rule.destinations) : AddressSet.all(this.familyArg);
    }
    return forward;
  }

  private rule(ast: RuleAst, id: string, table: string, graph: ChainGraph, root: string | undefined): FilterRule {
    let exact = ast.inexact.length === 0 && !ast.problems.some((p) => p.kind === 'report');
    const symbolic: string[] = [];
    const sources = this.addresses(ast.sources, symbolic);
    const destinations = this.addresses(ast.destinations, symbolic);
    exact &&= sources.exact && destinations.exact;

    let protocols = ALL_PROTOCOLS;
    if (ast.protocol?.set) protocols = ast.protocol.negated ? ast.protocol.set.complement() : ast.protocol.set;
    else if (ast.protocol) exact = false;

    const sourcePorts = this.ports(ast.sourcePorts);
    const destinationPorts = this.ports(ast.destinationPorts);
    exact &&= sourcePorts.exact && destinationPorts.exact;
    let src = sourcePorts.set;
    let dst = destinationPorts.set;
    for (const term of ast.eitherPorts) {
      if (!term.set) exact = false;
      // `! --ports P` is "neither port in P", which the model can state; `--ports P` ("either") it cannot.
      else if (term.negated) {
        src = src.intersect(term.set.complement());
        dst = dst.intersect(term.set.complement());
      } else exact = false;
    }

    const meaning = this.meaning(ast, table, graph, root);
    exact &&= meaning.exact;

    const rule: FilterRule = {
      id,
      action: meaning.action,
      protocols,
      sources: sources.set,
      destinations: destinations.set,
      sourcePorts: src,
      destinationPorts: dst,
      matchesNew: ast.states.every(allowsNew),
      ...(ast.states.length > 0 ? { stateMatch: true } : {}),
      exact,
      symbolic,
      enabled: true,
      text: ast.text,
      origin: { file: this.file, line: ast.line },
    };
    if (meaning.action === 'jump' || meaning.action === 'goto') rule.target = `${table}/${ast.target!.name}`;
    if (ast.inInterface) rule.inInterface = ast.inInterface;
    if (ast.outInterface) rule.outInterface = ast.outInterface;
    if (ast.comment !== undefined) rule.description = ast.comment;
    const translation = this.translation(ast, meaning);
    if (translation) rule.translation = translation;
    return rule;
  }

  private meaning(ast: RuleAst, table: string, graph: ChainGraph, root: string | undefined): TargetMeaning {
    const target = ast.target;
    if (!target) return { action: 'continue', exact: true };
    if (graph.isChain(target.name)) return { action: target.goto ? 'goto' : 'jump', exact: true };
    const role = root === 'PREROUTING' || root === 'OUTPUT' || root === 'POSTROUTING' || root === 'INPUT' ? root : 'other';
    const meaning = targetMeaning(target, role);
    if (meaning) return meaning;
    this.ledger.note(
      ast.line, 'warning', 'unsupported-target',
      `target '${target.name}' is neither a known target nor a chain of table ${table}; the rule is kept as one that may match and go on`,
    );
    return { action: 'continue', exact: false };
  }

  private translation(ast: RuleAst, meaning: TargetMeaning): Translation | undefined {
    const nat = ast.target?.nat;
    if (!nat || (meaning.action !== 'dnat' && meaning.action !== 'redirect')) return undefined;
    const t: Translation = { text: nat.text };
    if (meaning.action === 'dnat' && nat.addresses) t.addresses = nat.addresses;
    if (nat.ports) t.ports = nat.ports;
    return t;
  }

  /** The intersection of a rule's address conditions, each complemented within the family when negated. */
  private addresses(terms: AddressTerm[], symbolic: string[]): { set: AddressSet; exact: boolean } {
    let set = AddressSet.all(this.familyArg);
    let exact = true;
    for (const term of terms) {
      if (term.symbolic !== undefined) {
        // An ipset or a host name may hold anything: the rule may match any address.
        symbolic.push(term.symbolic);
        exact = false;
      } else if (!term.set) {
        exact = false;
      } else {
        set = set.intersect(term.negated ? term.set.complement(this.familyArg) : term.set);
      }
    }
    return { set, exact };
  }

  private ports(terms: PortTerm[]): { set: PortSet; exact: boolean } {
    let set = ALL_PORTS;
    let exact = true;
    for (const term of terms) {
      if (!term.set) exact = false;
      else set = set.intersect(term.negated ? term.set.complement() : term.set);
    }
    return { set, exact };
  }
}

/**
 * Whether a state condition lets the first packet of a new connection through. DNAT/SNAT describe
 * the connection, and a new connection's first packet already has them.
 */
function allowsNew(term: StateTerm): boolean {
  if (term.negated) return !term.states.includes('NEW');
  return term.states.some((s) => s === 'NEW' || s === 'UNTRACKED' || s === 'DNAT' || s === 'SNAT');
}

/** A chain without a `:CHAIN` line: where it is first used, as a rule's chain or as a jump target. */
function firstUse(chain: ChainAst, table: TableAst): number {
  let line = chain.line;
  for (const other of table.chains.values()) {
    for (const rule of other.rules) if (rule.target?.name === chain.name && rule.line < line) line = rule.line;
  }
  return line;
}
