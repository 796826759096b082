import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  type Family,
  type FilterRule,
  type LineLedger,
  type Origin,
  type PortSet,
  type Ruleset,
  noItems,
} from '@portcullis/model';
import { RulesetBuilder as CommonBuilder, type RuleSpec as CommonSpec } from '../common/rulesets.js';
import type { ObjectTable, ServiceVariant } from './objects.js';
import type { AclEntry, AddressTerm, PortTerm } from './syntax.js';

/*
 * Building blocks of the model shared by the Cisco converters: rulesets assembled rule by rule,
 * ACL entries resolved into FilterRules, and routing tables that say which interface a destination
 * leaves by (to place outbound ACLs and ASA security levels, which the engine cannot see).
 */

/** A rule as the Cisco converters state it: by line in the configuration's file, interfaces by name. */
export type RuleSpec = Omit<CommonSpec, 'origin' | 'inInterface' | 'outInterface'> & { inInterface?: string[]; line: number };

/** The common ruleset builder, for rules stated by line. */
export class RulesetBuilder {
  private readonly rules: CommonBuilder;

  constructor(name: string, private readonly file: string, origin: Origin, defaultAction: Ruleset['defaultAction'], family: Family | undefined) {
    this.rules = new CommonBuilder(name, origin, defaultAction, family);
  }

  get name(): string {
    return this.rules.name;
  }

  add(spec: RuleSpec): FilterRule {
    // The spec's `line` is not copied into the rule: filterRuleAt reads only the fields it knows.
    return this.rules.addAt(spec, { file: this.file, line: spec.line });
  }

  get size(): number {
    return this.rules.size;
  }

  build(): Ruleset {
    return this.rules.build();
  }
}

export interface AclContext {
  file: string;
  /** The ACL's own family: `any` in an IPv4 ACL is every IPv4 address. */
  family: Family;
  objects: ObjectTable;
  ledger: LineLedger;
  /** ASA `interface NAME` in an ACL: the interface's addresses, when the configuration states them. */
  interfaceAddresses?(name: string): AddressSet | undefined;
  /** Reported once per name. */
  warned: Set<string>;
}

interface Resolved<T> {
  value: T;
  exact: boolean;
  symbolic: string[];
}

function unresolved(ctx: AclContext, line: number, what: string, name: string): void {
  const key = `${line}|${what}|${name}`;
  if (ctx.warned.has(key)) return;
  ctx.warned.add(key);
  ctx.ledger.note(line, 'warning', 'unresolved-reference', `${what} '${name}' is not defined in this configuration; the entry may match any value`);
}

export function resolveAddress(term: AddressTerm, ctx: AclContext, line: number): Resolved<AddressSet> {
  const all = AddressSet.all(ctx.family);
  switch (term.kind) {
    case 'set':
      return { value: term.set, exact: term.exact, symbolic: [] };
    case 'invalid':
      return { value: all, exact: false, symbolic: [] };
    case 'interface': {
      const set = ctx.interfaceAddresses?.(term.name);
      if (set && !set.isEmpty) return { value: set, exact: true, symbolic: [] };
      return { value: all, exact: false, symbolic: [`interface:${term.name}`] };
    }
    default: {
      const r = ctx.objects.addresses(term.name, ctx.family);
      for (const m of r.missing) unresolved(ctx, line, term.kind, m);
      const symbolic = [...r.symbolic, ...r.missing.map((m) => `${term.kind}:${m}`)];
      // A DNS name may resolve to anything: the entry may match any address.
      const value = r.symbolic.length > 0 ? all : r.set;
      return { value, exact: r.exact && r.missing.length === 0, symbolic };
    }
  }
}

/** What no port term resolves to; shared, as nothing keeps a Resolved past aclEntryRules. */
const ANY_PORT: Resolved<PortSet> = Object.freeze({ value: ALL_PORTS, exact: true, symbolic: noItems<string>() });

function resolvePorts(term: PortTerm | undefined, ctx: AclContext, line: number): Resolved<PortSet> {
  if (!term) return ANY_PORT;
  if (term.kind === 'set') return { value: term.set, exact: true, symbolic: [] };
  if (term.kind === 'invalid') return { value: ALL_PORTS, exact: false, symbolic: [] };
  const r = ctx.objects.ports(term.name);
  for (const m of r.missing) unresolved(ctx, line, 'object-group', m);
  return { value: r.set, exact: r.missing.length === 0, symbolic: r.missing.map((m) => `object-group:${m}`) };
}

function resolveServices(entry: AclEntry, ctx: AclContext): { variants: ServiceVariant[]; symbolic: string[] } {
  const p = entry.protocol;
  if (p.kind === 'set') return { variants: [{ protocols: p.set, sourcePorts: ALL_PORTS, destinationPorts: ALL_PORTS, exact: true }], symbolic: [] };
  if (p.kind === 'invalid') return { variants: [{ protocols: ALL_PROTOCOLS, sourcePorts: ALL_PORTS, destinationPorts: ALL_PORTS, exact: false }], symbolic: [] };
  const r = ctx.objects.services(p.name);
  for (const m of r.missing) unresolved(ctx, entry.line, p.kind, m);
  return { variants: r.variants, symbolic: r.missing.map((m) => `${p.kind}:${m}`) };
}

/**
 * The FilterRules of one ACL entry: one per service it names (a service group of TCP 80 and UDP 53
 * is two rules, one after the other, with the same action). Remarks are descriptions; an entry
 * that was not fully read may match (`exact: false`).
 */
export function aclEntryRules(entry: AclEntry, ctx: AclContext, builder: RulesetBuilder): FilterRule[] {
  const source = resolveAddress(entry.source, ctx, entry.line);
  const destination = resolveAddress(entry.destination, ctx, entry.line);
  const sp = resolvePorts(entry.sourcePorts, ctx, entry.line);
  const dp = resolvePorts(entry.destinationPorts, ctx, entry.line);
  const services = resolveServices(entry, ctx);
  const understood = !entry.problems.some((x) => x.kind === 'report') && entry.inexact.length === 0;
  // Most entries name no object: skip building a set of nothing (once per entry of a large ACL).
  const named = source.symbolic.length + destination.symbolic.length + sp.symbolic.length + dp.symbolic.length + services.symbolic.length;
  const symbolic = named === 0 ? [] : [...new Set([...source.symbolic, ...destination.symbolic, ...sp.symbolic, ...dp.symbolic, ...services.symbolic])];
  const out: FilterRule[] = [];
  for (const v of services.variants) {
    const spec: RuleSpec = {
      action: entry.action === 'permit' ? 'allow' : 'deny',
      protocols: v.protocols,
      sources: source.value,
      destinations: destination.value,
      sourcePorts: v.sourcePorts.intersect(sp.value),
      destinationPorts: v.destinationPorts.intersect(dp.value),
      matchesNew: !entry.notNew,
      exact: understood && v.exact && source.exact && destination.exact && sp.exact && dp.exact,
      symbolic,
      enabled: !entry.inactive,
      text: entry.text,
      line: entry.line,
    };
    if (entry.remark !== undefined) spec.description = entry.remark;
    out.push(builder.add(spec));
  }
  return out;
}

/** A route: destinations that leave by an interface. */
export interface Route {
  prefix: AddressSet;
  /** Prefix length, for longest-prefix order. */
  length: number;
  iface: string;
  line: number;
}

/**
 * Routes longest prefix first, so first match over them is the router's longest-prefix match.
 * A route whose destinations longer ones already take is left out: it would decide nothing (and a
 * rule built from it would only be shadowed).
 */
export function longestFirst(routes: readonly Route[]): Route[] {
  const sorted = routes.map((r, i) => ({ r, i })).sort((a, b) => b.r.length - a.r.length || a.i - b.i).map((x) => x.r);
  const out: Route[] = [];
  let taken = AddressSet.empty();
  for (const r of sorted) {
    if (taken.covers(r.prefix)) continue;
    out.push(r);
    taken = taken.union(r.prefix);
  }
  return out;
}

/** Whether the routes send every IPv4 destination somewhere (a default route, or prefixes that add up to one). */
export function routesCoverAll(routes: readonly Route[]): boolean {
  const all = AddressSet.all('ipv4');
  return routes.reduce((s, r) => s.union(r.prefix), AddressSet.empty()).covers(all);
}

/** A netmask's prefix length, or undefined when the mask is not contiguous. */
export function maskLength(mask: number): number | undefined {
  let len = 0;
  while (len < 32 && ((mask >>> (31 - len)) & 1) === 1) len++;
  const rebuilt = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return rebuilt === mask >>> 0 ? len : undefined;
}

/** `dir/edge-router.cfg` → `edge-router`: the device name when the configuration has no hostname. */
export function fileDeviceName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
