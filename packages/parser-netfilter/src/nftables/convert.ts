import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  PORTED_PROTOCOLS,
  PROTO,
  parseAddressSet,
  portSet,
  protocolNumber,
  protocolSet,
  unionPorts,
  type Device,
  type Family,
  type FilterRule,
  type InterfaceMatch,
  type LineLedger,
  type PortForward,
  type PortSet,
  type ProtocolSet,
  type RuleAction,
  type Ruleset,
  type Translation,
} from '@portcullis/model';
import { deviceName } from '../convert.js';
import { readPortRange, serviceProtocol } from '../values.js';
import { lookupText, selectorText, valueText } from './statements.js';
import type { NftChain, NftMapLookup, NftRule, NftRuleset, NftSelector, NftSet, NftStatement, NftTable, NftValue, NftVerdict } from './syntax.js';

/*
 * Turns the vendor representation into the shared model: one Device per file; one Ruleset per chain,
 * named `FAMILY TABLE/CHAIN`; the pipeline from the base chains' hooks ordered by priority; port
 * forwards from DNAT and redirect rules. Verdict maps and NAT maps become one rule per element.
 */

/** Tables of these families filter IP packets of the host (netdev only at its ingress hook). */
const IP_FAMILIES = new Set(['ip', 'ip6', 'inet', 'netdev']);

const FAMILY_OF_TABLE: Record<string, Family | undefined> = { ip: 'ipv4', ip6: 'ipv6' };

/** What a payload protocol implies about the packet: its address family, its transport protocol. */
const IMPLIED: Record<string, { family?: Family; protocols?: ProtocolSet }> = {
  ip: { family: 'ipv4' },
  ip6: { family: 'ipv6' },
  tcp: { protocols: protocolSet([PROTO.tcp]) },
  udp: { protocols: protocolSet([PROTO.udp]) },
  udplite: { protocols: protocolSet([PROTO.udplite]) },
  sctp: { protocols: protocolSet([PROTO.sctp]) },
  dccp: { protocols: protocolSet([PROTO.dccp]) },
  th: { protocols: PORTED_PROTOCOLS },
  icmp: { family: 'ipv4', protocols: protocolSet([PROTO.icmp]) },
  icmpv6: { family: 'ipv6', protocols: protocolSet([PROTO.icmpv6]) },
  igmp: { family: 'ipv4', protocols: protocolSet([2]) },
  ah: { protocols: protocolSet([51]) },
  esp: { protocols: protocolSet([50]) },
  comp: { protocols: protocolSet([108]) },
  gre: { protocols: protocolSet([47]) },
};

type Dimension = 'saddr' | 'daddr' | 'sport' | 'dport' | 'proto' | 'iif' | 'oif' | 'nfproto' | 'state';

/** What a selector reads, in the model's terms. */
interface Reading {
  dimension?: Dimension;
  family?: Family;
  protocols?: ProtocolSet;
}

function reading(s: NftSelector): Reading {
  switch (s.kind) {
    case 'payload': {
      const implied = IMPLIED[s.protocol] ?? {};
      const r: Reading = { ...implied };
      if ((s.protocol === 'ip' || s.protocol === 'ip6') && (s.field === 'saddr' || s.field === 'daddr')) r.dimension = s.field;
      else if ((s.protocol === 'ip' && s.field === 'protocol') || (s.protocol === 'ip6' && s.field === 'nexthdr')) r.dimension = 'proto';
      else if (implied.protocols && !implied.family && (s.field === 'dport' || s.field === 'sport')) r.dimension = s.field;
      return r;
    }
    case 'meta':
      switch (s.key) {
        case 'l4proto':
          return { dimension: 'proto' };
        case 'iif':
        case 'iifname':
          return { dimension: 'iif' };
        case 'oif':
        case 'oifname':
          return { dimension: 'oif' };
        case 'nfproto':
        case 'protocol':
          return { dimension: 'nfproto' };
        default:
          return {};
      }
    case 'ct':
      return s.key === 'state' ? { dimension: 'state' } : {};
    default:
      return {};
  }
}

/** A rule being built; verdict maps and NAT maps fork it into one per element. */
interface Draft {
  protocols: ProtocolSet;
  family?: Family | 'none';
  sources: AddressSet;
  destinations: AddressSet;
  sourcePorts: PortSet;
  destinationPorts: PortSet;
  inInterface?: InterfaceMatch;
  outInterface?: InterfaceMatch;
  states: { states: string[]; negated: boolean }[];
  exact: boolean;
  symbolic: string[];
  action: RuleAction;
  target?: string;
  /** `jump { … }`: the anonymous chain to make a ruleset of. */
  anonymous?: NftChain;
  translation?: Translation;
  /** What the fork took from its element, appended to the rule's text. */
  element?: string;
  /** Decided: later statements do not apply. */
  done: boolean;
}

function emptyDraft(): Draft {
  return {
    protocols: ALL_PROTOCOLS,
    sources: AddressSet.all(),
    destinations: AddressSet.all(),
    sourcePorts: ALL_PORTS,
    destinationPorts: ALL_PORTS,
    states: [],
    exact: true,
    symbolic: [],
    action: 'continue',
    done: false,
  };
}

const copy = (d: Draft): Draft => ({ ...d, states: [...d.states], symbolic: [...d.symbolic] });

function restrictFamily(d: Draft, family: Family | undefined): void {
  if (!family) return;
  d.family = d.family === undefined || d.family === family ? family : 'none';
}

/** `eth0` as written; nft's `*` wildcard is the model's prefix wildcard too. */
const interfaceName = (text: string): string => text;

export interface ConvertOptions {
  file: string;
  format: 'nftables' | 'nftables-json';
}

/** `dir/gw.nft` → `gw`; `gw.nft.json` → `gw`, so a ruleset and its JSON listing name the same device. */
export function nftDeviceName(path: string): string {
  const name = deviceName(path);
  return /\.(nft|nftables)$/i.test(name) ? deviceName(name) : name;
}

interface TableContext {
  table: NftTable;
  /** Rule-level family: an `ip` table sees only IPv4 packets, `ip6` only IPv6. */
  family: Family | undefined;
  /** Sets whose elements change at run time (flags, timeouts, `add @set`, or listed without elements). */
  runtimeSets: Set<string>;
  warnedSets: Set<string>;
  prefix: string;
}

export function convertRuleset(ruleset: NftRuleset, options: ConvertOptions, ledger: LineLedger): Device {
  const ipTables = ruleset.tables.filter((t) => IP_FAMILIES.has(t.family));
  const has4 = ipTables.some((t) => t.family !== 'ip6');
  const has6 = ipTables.some((t) => t.family !== 'ip');
  const family: Family | 'mixed' = has4 && has6 ? 'mixed' : has6 ? 'ipv6' : 'ipv4';
  const converter = new Converter(options.file, family, ledger);
  for (const table of ipTables) converter.table(table);
  return {
    name: nftDeviceName(options.file),
    vendor: 'netfilter',
    format: options.format,
    file: options.file,
    family,
    rulesets: converter.rulesets,
    pipeline: converter.pipeline(),
    forwards: converter.forwards,
    externalInterfaces: converter.external,
    origin: { file: options.file, line: 1 },
  };
}

interface BaseChainEntry {
  ruleset: string;
  tableFamily: string;
  type: string;
  hook: string;
  priority: number;
  order: number;
}

class Converter {
  readonly rulesets: Record<string, Ruleset> = {};
  readonly forwards: PortForward[] = [];
  readonly external: string[] = [];
  private readonly bases: BaseChainEntry[] = [];

  constructor(
    private readonly file: string,
    private readonly family: Family | 'mixed',
    private readonly ledger: LineLedger,
  ) {}

  table(table: NftTable): void {
    const ctx: TableContext = {
      table,
      family: FAMILY_OF_TABLE[table.family] ?? (this.family === 'mixed' ? undefined : this.family),
      runtimeSets: runtimeSets(table),
      warnedSets: new Set(),
      prefix: `${table.family} ${table.name}/`,
    };
    const names: string[] = [];
    for (const chain of table.chains.values()) {
      const name = ctx.prefix + chain.name;
      names.push(name);
      this.chain(ctx, chain, name);
      const base = chain.base;
      if (!base) continue;
      if (table.family === 'netdev' && base.hook !== 'ingress') continue;
      this.bases.push({ ruleset: name, tableFamily: table.family, type: base.type, hook: base.hook, priority: base.priority, order: this.bases.length });
    }
    this.natExposure(ctx, names);
  }

  private chain(ctx: TableContext, chain: NftChain, name: string, origin = chain.line): void {
    const rules: FilterRule[] = [];
    const ruleset: Ruleset = {
      name,
      semantics: 'first-match',
      defaultAction: chain.base ? (chain.base.policy === 'drop' ? 'deny' : 'allow') : 'return',
      builtin: chain.base !== undefined,
      rules,
      origin: { file: this.file, line: origin },
    };
    this.rulesets[name] = ruleset;
    for (const rule of chain.rules) {
      const first = rules.length + 1;
      for (const draft of this.rule(ctx, rule)) {
        const id = `${name}#${rules.length + 1}`;
        if (draft.anonymous) {
          // `jump { … }`: a chain of its own, named after the rule that holds it.
          draft.target = `${name}{${first}}`;
          this.chain(ctx, draft.anonymous, draft.target, rule.line);
        }
        rules.push(this.finish(ctx, draft, rule, id));
      }
    }
  }

  private finish(ctx: TableContext, d: Draft, rule: NftRule, id: string): FilterRule {
    const family = d.family === 'none' ? undefined : (d.family ?? ctx.family);
    const universe = d.family === 'none' ? AddressSet.empty() : AddressSet.all(family);
    const out: FilterRule = {
      id,
      action: d.action,
      protocols: d.protocols,
      sources: d.sources.intersect(universe),
      destinations: d.destinations.intersect(universe),
      sourcePorts: d.sourcePorts,
      destinationPorts: d.destinationPorts,
      matchesNew: d.states.every(allowsNew),
      exact: d.exact && !rule.problems.some((p) => p.kind === 'report'),
      symbolic: [...new Set(d.symbolic)],
      enabled: true,
      text: d.element ? `${rule.text} (${d.element})` : rule.text,
      origin: { file: this.file, line: rule.line, ...(rule.column !== undefined ? { column: rule.column } : {}), ...(rule.endLine > rule.line ? { endLine: rule.endLine } : {}) },
    };
    if (d.states.length > 0) out.stateMatch = true;
    if (d.target !== undefined) out.target = d.target;
    if (d.inInterface) out.inInterface = d.inInterface;
    if (d.outInterface) out.outInterface = d.outInterface;
    if (d.translation) out.translation = d.translation;
    if (rule.comment !== undefined) out.description = rule.comment;
    return out;
  }

  /** The drafts one rule becomes: one, or one per element of its verdict map or NAT map. */
  private rule(ctx: TableContext, rule: NftRule): Draft[] {
    let drafts = [emptyDraft()];
    for (const s of rule.statements) {
      const next: Draft[] = [];
      for (const d of drafts) {
        if (d.done) next.push(d);
        else next.push(...this.statement(ctx, d, s, rule.line));
      }
      drafts = next;
    }
    return drafts;
  }

  private statement(ctx: TableContext, d: Draft, s: NftStatement, line: number): Draft[] {
    switch (s.kind) {
      case 'match':
        this.match(ctx, d, s.selector, s.op, s.value, line);
        return [d];
      case 'verdict':
        this.verdict(ctx, d, s.verdict);
        return [d];
      case 'vmap':
        return this.lookup(ctx, d, s.lookup, line, (fork, data) => {
          if (data.kind !== 'verdict') {
            fork.exact = false;
            this.ledger.report(line, 'warning', 'invalid-value', `verdict map element '${valueText(data)}' is not a verdict`);
            return;
          }
          this.verdict(ctx, fork, data.verdict);
        });
      case 'nat':
        return this.nat(ctx, d, s, line);
      case 'inexact':
        d.exact = false;
        return [d];
      case 'set-update':
      case 'action':
        return [d];
    }
  }

  private verdict(ctx: TableContext, d: Draft, v: NftVerdict): void {
    d.done = true;
    switch (v.kind) {
      case 'accept':
        d.action = 'allow';
        return;
      case 'drop':
        d.action = 'deny';
        return;
      case 'reject':
        d.action = 'reject';
        return;
      case 'return':
        d.action = 'return';
        return;
      case 'continue':
        d.action = 'continue';
        return;
      case 'queue':
        // The packet goes to a program (or a SYN proxy) that usually lets it in: a may-match accept.
        d.action = 'allow';
        d.exact = false;
        return;
      case 'jump':
      case 'goto':
        d.action = v.kind;
        if (v.anonymous) d.anonymous = v.anonymous;
        else d.target = ctx.prefix + (v.target ?? '');
        return;
    }
  }

  /** Forks the draft once per element of a map: the element's key becomes a condition, its data goes to `apply`. */
  private lookup(ctx: TableContext, d: Draft, lookup: NftMapLookup, line: number, apply: (fork: Draft, data: NftValue) => void): Draft[] {
    const elements = this.mapElements(ctx, lookup.data, line);
    if (!elements) {
      // A map whose contents are not known: the rule may do any of its verdicts to any packet.
      d.exact = false;
      d.symbolic.push(`map:${lookup.data.kind === 'ref' ? lookup.data.name : valueText(lookup.data)}`);
      return [d];
    }
    const out: Draft[] = [];
    for (const e of elements) {
      const fork = copy(d);
      this.match(ctx, fork, lookup.key, '==', e.key, line);
      fork.element = valueText(e);
      apply(fork, e.data);
      out.push(fork);
    }
    // No element matches: the rule goes on to its next statement, which for a map is nothing.
    return out;
  }

  private mapElements(ctx: TableContext, data: NftValue, line: number): { kind: 'pair'; key: NftValue; data: NftValue }[] | undefined {
    let items: NftValue[] | undefined;
    if (data.kind === 'set') items = data.items;
    else if (data.kind === 'ref') {
      const set = ctx.table.sets.get(data.name);
      if (!set) {
        this.ledger.note(line, 'warning', 'unresolved-reference', `map @${data.name} is not declared in table ${ctx.table.name}`);
        return undefined;
      }
      if (this.isRuntime(ctx, set)) return undefined;
      items = set.elements;
    }
    if (!items) return undefined;
    return items.filter((i): i is { kind: 'pair'; key: NftValue; data: NftValue } => i.kind === 'pair');
  }

  private isRuntime(ctx: TableContext, set: NftSet): boolean {
    if (!ctx.runtimeSets.has(set.name)) return false;
    if (!ctx.warnedSets.has(set.name)) {
      ctx.warnedSets.add(set.name);
      const why = set.elements === undefined ? 'is listed without elements' : 'gets elements at run time';
      this.ledger.note(set.line, 'warning', 'runtime-set', `${set.kind} ${set.name} ${why}: rules that use it are kept as ones that may match any value`);
    }
    return true;
  }

  private nat(ctx: TableContext, d: Draft, s: Extract<NftStatement, { kind: 'nat' }>, line: number): Draft[] {
    d.done = true;
    d.action = s.type;
    if (s.type === 'snat' || s.type === 'masquerade') return [d];
    if (s.family) restrictFamily(d, s.family === 'ip' ? 'ipv4' : 'ipv6');
    const translation: Translation = { text: '' };
    const port = s.port ? this.natPorts(s.port, line) : undefined;
    if (port) translation.ports = port;
    if (s.type === 'redirect') {
      translation.text = s.port ? `:${valueText(s.port)}` : 'this device';
      d.translation = translation;
      return [d];
    }
    const address = s.address;
    if (address?.kind === 'lookup') {
      return this.lookup(ctx, d, address.lookup, line, (fork, data) => {
        const t = this.natTarget(data, line, fork);
        if (t) fork.translation = t;
      }).map((fork) => {
        if (!fork.translation) {
          // An unknown map may send the packet anywhere of its family.
          fork.translation = { addresses: AddressSet.all(fork.family === 'ipv4' || fork.family === 'ipv6' ? fork.family : ctx.family), text: lookupText(address.lookup) };
        }
        return fork;
      });
    }
    if (address) {
      const set = parseAddressSet(valueText(address));
      if (!set) {
        this.ledger.report(line, 'warning', 'invalid-value', `not a NAT address: '${valueText(address)}'`);
        d.exact = false;
        translation.addresses = AddressSet.all(ctx.family);
      } else {
        translation.addresses = set;
        restrictFamily(d, set.family() === 'ipv6' ? 'ipv6' : 'ipv4');
      }
    }
    translation.text = natText(address ? valueText(address) : undefined, s.port ? valueText(s.port) : undefined);
    d.translation = translation;
    return [d];
  }

  /** A NAT map's data: `10.1.1.1`, `10.1.1.1 . 4242`. */
  private natTarget(data: NftValue, line: number, d: Draft): Translation | undefined {
    const parts = data.kind === 'concat' ? data.parts : [data];
    const addressText = parts[0] ? valueText(parts[0]) : '';
    const addresses = parseAddressSet(addressText);
    if (!addresses) {
      this.ledger.report(line, 'warning', 'invalid-value', `not a NAT address: '${valueText(data)}'`);
      d.exact = false;
      return undefined;
    }
    restrictFamily(d, addresses.family() === 'ipv6' ? 'ipv6' : 'ipv4');
    const t: Translation = { addresses, text: natText(addressText, parts[1] ? valueText(parts[1]) : undefined) };
    const ports = parts[1] ? this.natPorts(parts[1], line) : undefined;
    if (ports) t.ports = ports;
    return t;
  }

  private natPorts(v: NftValue, line: number): PortSet | undefined {
    const ports = readPorts(valueText(v), 'tcp');
    if (!ports) this.ledger.report(line, 'warning', 'invalid-value', `not a NAT port: '${valueText(v)}'`);
    return ports;
  }

  /** Applies `SELECTOR op VALUE` to the draft. */
  private match(ctx: TableContext, d: Draft, selector: NftSelector, op: '==' | '!=' | 'other', value: NftValue, line: number): void {
    if (selector.kind === 'concat') return this.concatMatch(ctx, d, selector.parts, op, value, line);
    const r = reading(selector);
    restrictFamily(d, r.family);
    if (r.protocols) d.protocols = d.protocols.intersect(r.protocols);
    if (!r.dimension || op === 'other') {
      d.exact = false;
      return;
    }
    const values = this.values(ctx, value, line, d);
    if (values === undefined) {
      d.exact = false;
      return;
    }
    this.restrict(d, r, values, op === '!=', line, selectorText(selector));
  }

  /** `ip saddr . tcp dport { a . 1, b . 2 }`: each part is exact only when there is one element. */
  private concatMatch(ctx: TableContext, d: Draft, parts: NftSelector[], op: '==' | '!=' | 'other', value: NftValue, line: number): void {
    const readings = parts.map(reading);
    for (const r of readings) {
      restrictFamily(d, r.family);
      if (r.protocols) d.protocols = d.protocols.intersect(r.protocols);
    }
    const elements = this.values(ctx, value, line, d);
    if (op !== '==' || elements === undefined) {
      d.exact = false;
      return;
    }
    const columns: string[][] = parts.map(() => []);
    for (const e of elements) {
      const cells = e.kind === 'concat' ? e.parts : [e];
      if (cells.length !== parts.length) {
        d.exact = false;
        return;
      }
      cells.forEach((c, i) => columns[i]!.push(valueText(c)));
    }
    if (elements.length > 1 && readings.filter((r) => r.dimension).length > 1) d.exact = false;
    readings.forEach((r, i) => {
      if (!r.dimension) d.exact = false;
      else this.restrict(d, r, columns[i]!.map((text) => ({ kind: 'atom', text })), false, line, selectorText(parts[i]!));
    });
  }

  /**
   * The values a match compares with, as a flat list: a set's items, a named set's elements. Undefined
   * when they are not known (a set filled at run time, an unknown set).
   */
  private values(ctx: TableContext, value: NftValue, line: number, d: Draft): NftValue[] | undefined {
    switch (value.kind) {
      case 'set':
        return value.items.flatMap((i) => this.values(ctx, i, line, d) ?? []);
      case 'ref': {
        const set = ctx.table.sets.get(value.name);
        if (!set) {
          this.ledger.note(line, 'warning', 'unresolved-reference', `set @${value.name} is not declared in table ${ctx.table.name}`);
          d.symbolic.push(`set:${value.name}`);
          return undefined;
        }
        if (this.isRuntime(ctx, set)) {
          d.symbolic.push(`set:${value.name}`);
          return undefined;
        }
        return set.elements ?? [];
      }
      default:
        return [value];
    }
  }

  private restrict(d: Draft, r: Reading, values: NftValue[], negated: boolean, line: number, what: string): void {
    const texts = values.map(valueText);
    const bad = (text: string): void => {
      this.ledger.report(line, 'warning', 'invalid-value', `'${text}' is not a value of ${what}`);
      d.exact = false;
    };
    switch (r.dimension) {
      case 'saddr':
      case 'daddr': {
        // A named set may hold thousands of networks: collected, then joined at once.
        const parts: AddressSet[] = [];
        for (const t of texts) {
          const s = parseAddressSet(t);
          if (!s || (r.family && s.family() !== r.family)) return bad(t);
          parts.push(s);
        }
        let set = AddressSet.unionAll(parts);
        if (negated) set = set.complement(r.family);
        if (r.dimension === 'saddr') d.sources = d.sources.intersect(set);
        else d.destinations = d.destinations.intersect(set);
        return;
      }
      case 'sport':
      case 'dport': {
        const proto = values.length > 0 && r.protocols?.rangeCount === 1 && r.protocols.has(PROTO.udp) ? 'udp' : 'tcp';
        const parts: PortSet[] = [];
        for (const t of texts) {
          const s = readPorts(t, proto);
          if (!s) return bad(t);
          parts.push(s);
        }
        let set = unionPorts(parts);
        if (negated) set = set.complement();
        if (r.dimension === 'dport') d.destinationPorts = d.destinationPorts.intersect(set);
        else d.sourcePorts = d.sourcePorts.intersect(set);
        return;
      }
      case 'proto': {
        const numbers: number[] = [];
        for (const t of texts) {
          const n = protocolNumber(t);
          if (n === undefined) return bad(t);
          numbers.push(n);
        }
        const set = protocolSet(numbers);
        d.protocols = d.protocols.intersect(negated ? set.complement() : set);
        return;
      }
      case 'iif':
      case 'oif': {
        const m: InterfaceMatch = { names: texts.map(interfaceName), negated };
        if (r.dimension === 'iif') d.inInterface = m;
        else d.outInterface = m;
        return;
      }
      case 'nfproto': {
        const families = new Set<Family>();
        for (const t of texts) {
          if (t === 'ipv4' || t === 'ip') families.add('ipv4');
          else if (t === 'ipv6' || t === 'ip6') families.add('ipv6');
          else if (negated) continue;
          else {
            // `meta protocol arp`: no IP packet matches.
            d.family = 'none';
            return;
          }
        }
        const kept = (['ipv4', 'ipv6'] as const).filter((f) => families.has(f) !== negated);
        if (kept.length === 1) restrictFamily(d, kept[0]);
        else if (kept.length === 0) d.family = 'none';
        return;
      }
      case 'state':
        d.states.push({ states: texts.map((t) => t.toUpperCase()), negated });
        return;
      default:
        d.exact = false;
    }
  }

  /**
   * The stages of the model's pipeline, from the base chains' hooks ordered by priority: ingress and
   * early prerouting filters, then the NAT prerouting chains, then input and forward (each preceded by
   * the prerouting filters that run after destination NAT).
   */
  pipeline(): Device['pipeline'] {
    const ordered = [...this.bases].sort((a, b) => a.priority - b.priority || familyRank(a) - familyRank(b) || a.order - b.order);
    const natPre = ordered.filter((b) => b.type === 'nat' && b.hook === 'prerouting');
    const boundary = natPre.length > 0 ? Math.min(...natPre.map((b) => b.priority)) : -100;
    const filters = ordered.filter((b) => b.type === 'filter');
    const ingress = filters.filter((b) => b.hook === 'ingress');
    const early = filters.filter((b) => b.hook === 'prerouting' && b.priority < boundary);
    const late = filters.filter((b) => b.hook === 'prerouting' && b.priority >= boundary);
    const stages = {
      prerouting: [...ingress, ...early],
      dnat: natPre,
      input: [...late, ...filters.filter((b) => b.hook === 'input')],
      forward: [...late, ...filters.filter((b) => b.hook === 'forward')],
    };
    if (this.family === 'mixed') {
      this.bypassOtherFamily(stages.prerouting, false);
      this.bypassOtherFamily(stages.dnat, false);
      this.bypassOtherFamily(stages.input, true);
      this.bypassOtherFamily(stages.forward, true);
    }
    return {
      prerouting: stages.prerouting.map((b) => b.ruleset),
      dnat: stages.dnat.map((b) => b.ruleset),
      input: stages.input.map((b) => b.ruleset),
      forward: stages.forward.map((b) => b.ruleset),
    };
  }

  /**
   * In a device with both families, a base chain of an `ip` (or `ip6`) table never sees packets of
   * the other family, while the engine runs every chain of a stage over all packets. Such a chain
   * gets a first rule for the other family: `allow` when chains of that family are in the same stage
   * (the engine passes an accept on to the next chain), `return` when none is (so that no policy
   * decides for them). Where the engine takes its decisions from the last chain of a stage
   * (`decides`) and that chain is of one family, the other family's packets `goto` the last chain of
   * their own family instead: it already let them pass once, and now its rules say what gets in.
   */
  private bypassOtherFamily(stage: BaseChainEntry[], decides: boolean): void {
    stage.forEach((entry, i) => {
      const own = FAMILY_OF_TABLE[entry.tableFamily];
      if (!own) return;
      const other: Family = own === 'ipv4' ? 'ipv6' : 'ipv4';
      const rs = this.rulesets[entry.ruleset]!;
      if (rs.rules[0]?.id === `${rs.name}#other-family`) return;
      const decider = stage.filter((b) => FAMILY_OF_TABLE[b.tableFamily] !== own).pop();
      const rule: FilterRule = {
        id: `${rs.name}#other-family`,
        action: decider ? 'allow' : 'return',
        protocols: ALL_PROTOCOLS,
        sources: AddressSet.all(other),
        destinations: AddressSet.all(other),
        sourcePorts: ALL_PORTS,
        destinationPorts: ALL_PORTS,
        matchesNew: true,
        exact: true,
        symbolic: [],
        enabled: true,
        text: `(${entry.tableFamily} table: ${other === 'ipv4' ? 'IPv4' : 'IPv6'} packets pass this chain untouched)`,
        origin: rs.origin,
      };
      if (decides && decider && i === stage.length - 1) {
        rule.action = 'goto';
        rule.target = decider.ruleset;
        rule.text = `(${entry.tableFamily} table: ${other === 'ipv4' ? 'IPv4' : 'IPv6'} packets are decided by ${decider.ruleset})`;
      }
      rs.rules.unshift(rule);
    });
  }

  /** Port forwards from DNAT/redirect rules of NAT prerouting chains; outside interfaces from them and from masquerade/SNAT. */
  private natExposure(ctx: TableContext, names: string[]): void {
    const chains = new Map<string, NftChain>();
    for (const chain of ctx.table.chains.values()) chains.set(ctx.prefix + chain.name, chain);
    const natRoots = (hook: string): string[] => names.filter((n) => chains.get(n)?.base?.type === 'nat' && chains.get(n)?.base?.hook === hook);
    const graph = new RulesetGraph(this.rulesets, Object.keys(this.rulesets).filter((n) => n.startsWith(ctx.prefix)));
    const pre = graph.reach(natRoots('prerouting'));
    const post = graph.reach(natRoots('postrouting'));
    const anyBase = graph.reach(names.filter((n) => chains.get(n)?.base));
    for (const name of graph.names) {
      const rs = this.rulesets[name]!;
      for (const rule of rs.rules) {
        if ((rule.action === 'dnat' || rule.action === 'redirect') && (pre.has(name) || !anyBase.has(name))) {
          // A chain no base chain reaches is dead configuration: its forwards are kept, disabled.
          const enabled = pre.has(name);
          const inInterface = rule.inInterface ?? (enabled ? graph.inherited(name, 'inInterface') : undefined);
          this.forwards.push(this.forward(rule, enabled, inInterface));
          if (enabled) this.addExternal(inInterface);
        }
        if ((rule.action === 'snat' || rule.action === 'masquerade') && post.has(name)) {
          this.addExternal(rule.outInterface ?? graph.inherited(name, 'outInterface'));
        }
      }
    }
  }

  private addExternal(m: InterfaceMatch | undefined): void {
    if (!m || m.negated) return;
    for (const n of m.names) if (!this.external.includes(n)) this.external.push(n);
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
    if (rule.action === 'dnat') forward.internalAddresses = t?.addresses ?? rule.destinations;
    return forward;
  }
}

/** Which rulesets of a table jump to which: what a base chain reaches, and what every caller agrees on. */
class RulesetGraph {
  private readonly callers = new Map<string, FilterRule[]>();
  private readonly owner = new Map<FilterRule, string>();

  constructor(
    private readonly rulesets: Record<string, Ruleset>,
    readonly names: string[],
  ) {
    for (const name of names) {
      for (const rule of rulesets[name]!.rules) {
        this.owner.set(rule, name);
        if (!rule.target) continue;
        const list = this.callers.get(rule.target) ?? [];
        list.push(rule);
        this.callers.set(rule.target, list);
      }
    }
  }

  reach(roots: string[]): Set<string> {
    const seen = new Set(roots);
    const stack = [...roots];
    while (stack.length > 0) {
      for (const rule of this.rulesets[stack.pop()!]?.rules ?? []) {
        if (rule.target && this.rulesets[rule.target] && !seen.has(rule.target)) {
          seen.add(rule.target);
          stack.push(rule.target);
        }
      }
    }
    return seen;
  }

  /** The interface every rule entering `name` requires (directly or from its own callers), if they agree. */
  inherited(name: string, side: 'inInterface' | 'outInterface', visiting = new Set<string>()): InterfaceMatch | undefined {
    if (visiting.has(name)) return undefined;
    visiting.add(name);
    let common: InterfaceMatch | undefined;
    const callers = this.callers.get(name) ?? [];
    if (callers.length === 0) return undefined;
    for (const rule of callers) {
      const m = rule[side] ?? this.inherited(this.owner.get(rule)!, side, visiting);
      if (!m) return undefined;
      if (common && interfaceKey(common) !== interfaceKey(m)) return undefined;
      common = m;
    }
    return common;
  }
}

const interfaceKey = (m: InterfaceMatch): string => `${m.negated ? '!' : ''}${m.names.join(',')}`;

/** Among chains of equal priority, those of one family first: the chain that sees both comes last and decides. */
const familyRank = (b: BaseChainEntry): number => (FAMILY_OF_TABLE[b.tableFamily] ? 0 : 1);

/** Sets whose contents the listing does not fix: dynamic or timed sets, sets rules add to, sets listed empty. */
function runtimeSets(table: NftTable): Set<string> {
  const out = new Set<string>();
  for (const set of table.sets.values()) {
    if (set.elements === undefined || set.timeout || set.flags.includes('dynamic') || set.flags.includes('timeout')) out.add(set.name);
  }
  const visit = (chain: NftChain): void => {
    for (const rule of chain.rules) {
      for (const s of rule.statements) {
        if (s.kind === 'set-update') out.add(s.set);
        if (s.kind === 'verdict' && s.verdict.anonymous) visit(s.verdict.anonymous);
      }
    }
  };
  for (const chain of table.chains.values()) visit(chain);
  return out;
}

/** Whether a state condition lets the first packet of a new connection through. */
function allowsNew(term: { states: string[]; negated: boolean }): boolean {
  if (term.negated) return !term.states.includes('NEW');
  return term.states.some((s) => s === 'NEW' || s === 'UNTRACKED');
}

/** `22`, `ssh`, `8000-8100`. */
function readPorts(text: string, protocol: 'tcp' | 'udp'): PortSet | undefined {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const read = readPortRange(m ? `${m[1]}:${m[2]}` : text, serviceProtocol(protocol));
  return read.ok ? portSet([read.value]) : undefined;
}

function natText(address: string | undefined, port: string | undefined): string {
  if (address === undefined) return port !== undefined ? `:${port}` : '';
  if (port === undefined) return address;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

