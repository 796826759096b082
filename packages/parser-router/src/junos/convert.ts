import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  NO_PORTS,
  PORTED_PROTOCOLS,
  PROTO,
  parsePortList,
  portSet,
  protocolName,
  protocolSet,
  type Device,
  type Family,
  type FilterRule,
  type InterfaceMatch,
  type LineLedger,
  type Origin,
  type PortForward,
  type PortSet,
  type ProtocolSet,
  type RuleAction,
  type Ruleset,
  type Translation,
} from '@portcullis/model';
import type {
  AddressBook,
  Application,
  Filter,
  FilterTerm,
  HostInbound,
  JunosConfig,
  NatContext,
  NatRule,
  NatRuleSet,
  Policy,
  PolicyContext,
  Ref,
  Zone,
} from './syntax.js';
import { HOST_PROTOCOLS, HOST_SERVICES, PREDEFINED_APPLICATIONS, SYSTEM_SERVICES, type PredefinedTerm } from './tables.js';
import { junosAddressRange, junosPortRange, junosPrefix, junosProtocol } from './values.js';

/*
 * Turns the Junos representation into one Device. An SRX in flow mode (it has security zones):
 *
 *   prerouting  interfaces:disabled, filters:input   (firewall filters applied `input` on interfaces)
 *   dnat        nat:destination                      (static NAT, then destination NAT, by rule-set context)
 *   input       filters:lo0, host-inbound-traffic    (the zones' system-services and protocols)
 *   forward     filters:output, security-policies    (dispatch by zone pair to policy:FROM>TO, then
 *                                                     policy:global, then the default policy)
 *
 * A device without zones (a router in packet mode) has the filters and, for the device itself,
 * the `system services` it runs; routed traffic is not an exposure of its own.
 */

/** Zones that face the outside by name, besides the zones NAT takes traffic from. */
const OUTSIDE_ZONE_NAMES = new Set(['untrust', 'internet', 'outside', 'wan', 'external', 'public']);

interface AppEntry {
  protocols: ProtocolSet;
  ports: PortSet;
  sourcePorts: PortSet;
  exact: boolean;
  symbolic: string[];
  label: string;
}

interface Resolved {
  set: AddressSet;
  exact: boolean;
}

export function convertConfig(config: JunosConfig, file: string, ledger: LineLedger): Device {
  return new Converter(config, file, ledger).device();
}

/** `dir/edge-fw.conf` → `edge-fw`. */
export function deviceName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

const TCP_UDP = protocolSet([PROTO.tcp, PROTO.udp]);

const ANY_APPLICATION: AppEntry = { protocols: ALL_PROTOCOLS, ports: ALL_PORTS, sourcePorts: ALL_PORTS, exact: true, symbolic: [], label: 'any' };

class Converter {
  private readonly familyArg: Family | undefined;
  private readonly rulesets: Record<string, Ruleset> = {};
  private readonly forwards: PortForward[] = [];
  private readonly noted = new Set<string>();
  private readonly zones: Zone[];

  constructor(
    private readonly config: JunosConfig,
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {
    this.familyArg = config.ipv6 ? undefined : 'ipv4';
    this.zones = [...config.zones.values()].filter((z) => !z.span.inactive);
  }

  device(): Device {
    // Policies without zones are still a flow-mode device (one whose zones are missing): it drops what no zone takes.
    const c = this.config;
    const zoneMode = this.zones.length > 0 || c.zonePolicies.size > 0 || c.globalPolicies !== undefined || c.defaultPolicy !== undefined;
    const defined = (names: (string | undefined)[]): string[] => names.filter((n): n is string => n !== undefined);
    const pipeline = {
      prerouting: defined([this.disabledInterfaces(), this.interfaceFilters('input')]),
      dnat: defined([this.destinationNat()]),
      input: defined([this.loopbackFilters(), zoneMode ? this.hostInbound() : this.systemServices()]),
      forward: zoneMode ? defined([this.interfaceFilters('output'), this.securityPolicies()]) : [],
    };
    // Filters no interface uses are still part of the model.
    for (const filter of this.config.filters.values()) if (!filter.span.inactive) this.filterRuleset(filter);
    return {
      name: this.config.hostName?.name ?? deviceName(this.file),
      vendor: 'junos',
      format: 'junos',
      file: this.file,
      family: this.config.ipv6 ? 'mixed' : 'ipv4',
      rulesets: this.rulesets,
      pipeline,
      forwards: this.forwards,
      externalInterfaces: this.externalInterfaces(),
      origin: { file: this.file, line: this.config.hostName?.line ?? 1 },
    };
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  private all(family?: Family): AddressSet {
    const everything = AddressSet.all(this.familyArg);
    return family ? everything.intersect(AddressSet.all(family)) : everything;
  }

  private origin(line: number, endLine?: number): Origin {
    return endLine !== undefined && endLine > line ? { file: this.file, line, endLine } : { file: this.file, line };
  }

  private rule(id: string, action: RuleAction, text: string, origin: Origin): FilterRule {
    return {
      id, action, protocols: ALL_PROTOCOLS, sources: this.all(), destinations: this.all(), sourcePorts: ALL_PORTS,
      destinationPorts: ALL_PORTS, matchesNew: true, exact: true, symbolic: [], enabled: true, text, origin,
    };
  }

  private ruleset(name: string, rules: FilterRule[], defaultAction: Ruleset['defaultAction'], builtin: boolean, line: number): string {
    this.rulesets[name] = { name, semantics: 'first-match', defaultAction, builtin, rules, origin: this.origin(line) };
    return name;
  }

  private note(line: number, code: string, message: string, severity: 'warning' | 'info' = 'warning'): void {
    const key = `${line}|${code}|${message}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.ledger.note(line, severity, code, message);
  }

  private zone(name: string, line: number): Zone | undefined {
    const zone = this.config.zones.get(name);
    if (zone && !zone.span.inactive) return zone;
    this.note(line, 'unresolved-reference', `security zone '${name}' is not defined${zone ? ' (it is deactivated)' : ''}; it has no interfaces`);
    return undefined;
  }

  private zoneInterfaces(zone: Zone | undefined): string[] {
    if (!zone) return [];
    return [...zone.interfaces.values()].filter((i) => !i.inactive).map((i) => i.name);
  }

  /** Interfaces that pass traffic through the device: those of the security zones (not the management zone). */
  private transitInterfaces(): string[] {
    return this.zones.filter((z) => !z.functional).flatMap((z) => this.zoneInterfaces(z));
  }

  private isLoopback(unit: string): boolean {
    return unit.startsWith('lo0.');
  }

  // ── interfaces and firewall filters ─────────────────────────────────────────────────────────

  private disabledInterfaces(): string | undefined {
    const rules: FilterRule[] = [];
    const name = 'interfaces:disabled';
    for (const p of this.config.physicalInterfaces.values()) {
      if (!p.disabled || p.span.inactive) continue;
      const r = this.rule(`${name}#${rules.length + 1}`, 'deny', `interfaces ${p.name} disable`, this.origin(p.span.line));
      r.inInterface = { names: [`${p.name}.+`], negated: false };
      rules.push(r);
    }
    for (const u of this.config.interfaces.values()) {
      if (!u.disabled || u.span.inactive) continue;
      const r = this.rule(`${name}#${rules.length + 1}`, 'deny', `interfaces ${u.name} disable`, this.origin(u.span.line));
      r.inInterface = { names: [u.name], negated: false };
      rules.push(r);
    }
    return rules.length === 0 ? undefined : this.ruleset(name, rules, 'allow', true, rules[0]!.origin.line);
  }

  /**
   * Filters applied to interfaces: for each interface, a jump into each of its filters in order,
   * then the implicit discard that ends a filter (or a filter list). An `inet` filter sees IPv4
   * packets only, an `inet6` filter IPv6 ones.
   */
  private interfaceFilters(direction: 'input' | 'output', loopback = false): string | undefined {
    const name = loopback ? 'filters:lo0' : `filters:${direction}`;
    const rules: FilterRule[] = [];
    for (const unit of this.config.interfaces.values()) {
      if (unit.span.inactive || this.isLoopback(unit.name) !== loopback) continue;
      for (const binding of unit.filters) {
        if (binding.direction !== direction) continue;
        const targets: string[] = [];
        for (const ref of binding.names) {
          const target = this.filterRef(ref, binding.family);
          if (target) targets.push(target);
        }
        if (targets.length < binding.names.length) continue;
        const family: Family = binding.family === 'inet' ? 'ipv4' : 'ipv6';
        const where: InterfaceMatch = { names: [unit.name], negated: false };
        const text = `interfaces ${unit.name} family ${binding.family} filter ${direction}${binding.names.length > 1 ? '-list' : ''} ${binding.names.map((r) => r.name).join(' ')}`;
        const steps: FilterRule[] = targets.map((target, i) => {
          const r = this.rule(`${name}#${rules.length + i + 1}`, 'jump', targets.length > 1 ? `${text}: ${binding.names[i]!.name}` : text, this.origin(binding.names[i]!.line));
          r.target = target;
          return r;
        });
        const discard = this.rule(`${name}#${rules.length + steps.length + 1}`, 'deny', `${text}: implicit discard`, this.origin(binding.line));
        for (const r of [...steps, discard]) {
          r.destinations = this.all(family);
          if (!loopback) r[direction === 'input' ? 'inInterface' : 'outInterface'] = where;
          rules.push(r);
        }
      }
    }
    return rules.length === 0 ? undefined : this.ruleset(name, rules, 'allow', true, rules[0]!.origin.line);
  }

  private loopbackFilters(): string | undefined {
    return this.interfaceFilters('input', true);
  }

  private filterRef(ref: Ref, family: 'inet' | 'inet6'): string | undefined {
    const filter = this.config.filters.get(`${family}:${ref.name}`);
    if (!filter || filter.span.inactive) {
      this.note(ref.line, 'unresolved-reference', `firewall filter '${ref.name}' (family ${family}) is not defined${filter ? ' (it is deactivated)' : ''}; the interface is read without it`);
      return undefined;
    }
    return this.filterRuleset(filter);
  }

  private filterRuleset(filter: Filter): string {
    const name = `${filter.family === 'inet' ? 'filter' : 'filter6'}:${filter.name}`;
    if (this.rulesets[name]) return name;
    this.rulesets[name] = { name, semantics: 'first-match', defaultAction: 'return', builtin: false, rules: [], origin: this.origin(filter.span.line) };
    const rules = [...filter.terms.values()].map((term, i) => this.termRule(filter, term, `${name}#${i + 1}`));
    this.rulesets[name].rules = rules;
    return name;
  }

  private termRule(filter: Filter, term: FilterTerm, id: string): FilterRule {
    const family: Family = filter.family === 'inet' ? 'ipv4' : 'ipv6';
    const action: RuleAction = ((): RuleAction => {
      switch (term.action?.kind) {
        case 'discard':
          return 'deny';
        case 'reject':
          return 'reject';
        case 'next-term':
          return 'continue';
        default:
          // accept, a routing instance, or no action at all: Junos accepts.
          return 'allow';
      }
    })();
    // `protocol [ tcp udp ] destination-port [ 135-139 445 ]`, as `show configuration` groups them.
    const grouped = new Map<string, string[]>();
    for (const c of term.conditions) {
      const key = c.except ? `${c.key} except` : c.key;
      grouped.set(key, [...(grouped.get(key) ?? []), ...(c.value ? [c.value] : [])]);
    }
    const conditions = [...grouped].map(([key, values]) => {
      const [k, except] = key.split(' ');
      const v = values.length === 0 ? '' : values.length === 1 ? ` ${values[0]}` : ` [ ${values.join(' ')} ]`;
      return `${k}${v}${except ? ' except' : ''}`;
    });
    const text = `filter ${filter.name} term ${term.name}: ${conditions.length > 0 ? `from ${conditions.join(' ')}; ` : ''}then ${term.action?.kind ?? 'accept'}`;
    const r = this.rule(id, action, text, this.origin(term.span.line, term.span.endLine));
    r.enabled = !term.span.inactive;
    const symbolic: string[] = [];
    let exact = true;
    r.sources = this.filterAddresses(term, 'source-address', 'source-prefix-list', family, symbolic);
    r.destinations = this.filterAddresses(term, 'destination-address', 'destination-prefix-list', family, symbolic);
    if (symbolic.length > 0) exact = false;

    const protocolsOf = (keys: string[]): ProtocolSet | undefined => {
      const numbers = term.conditions.filter((c) => keys.includes(c.key)).map((c) => junosProtocol(c.value)).filter((n): n is number => n !== undefined);
      return numbers.length > 0 ? protocolSet(numbers) : undefined;
    };
    let protocols = protocolsOf(['protocol', 'next-header']) ?? ALL_PROTOCOLS;
    const excluded = protocolsOf(['protocol-except', 'next-header-except']);
    if (excluded) protocols = protocols.subtract(excluded);

    const portsOf = (key: string): PortSet | undefined => {
      let set: PortSet | undefined;
      for (const c of term.conditions) {
        if (c.key !== key) continue;
        const p = junosPortRange(c.value);
        if (p) set = set ? set.union(p) : p;
      }
      return set;
    };
    let ported = false;
    const dst = portsOf('destination-port');
    const dstExcept = portsOf('destination-port-except');
    const src = portsOf('source-port');
    const srcExcept = portsOf('source-port-except');
    r.destinationPorts = (dst ?? ALL_PORTS).subtract(dstExcept ?? NO_PORTS);
    r.sourcePorts = (src ?? ALL_PORTS).subtract(srcExcept ?? NO_PORTS);
    ported = !!(dst ?? dstExcept ?? src ?? srcExcept);
    for (const c of term.conditions) {
      switch (c.key) {
        case 'port':
        case 'port-except':
        case 'address':
        case 'prefix-list':
          // Either side: an attacker picks the side that matches.
          exact = false;
          if (c.key.startsWith('port')) ported = true;
          break;
        case 'tcp-established':
          r.matchesNew = false;
          protocols = protocols.intersect(protocolSet([PROTO.tcp]));
          break;
        case 'tcp-initial':
          protocols = protocols.intersect(protocolSet([PROTO.tcp]));
          break;
        case 'filter':
        case 'is-fragment':
        case 'first-fragment':
        case 'last-fragment':
          exact = false;
          break;
        default:
          if (!c.key.includes('address') && !c.key.includes('prefix-list') && !c.key.includes('protocol') && !c.key.includes('next-header') && !c.key.includes('port')) exact = false;
      }
    }
    // Port conditions match only protocols that carry ports.
    if (ported) protocols = protocols.intersect(PORTED_PROTOCOLS);
    r.protocols = protocols;
    r.exact = exact;
    r.symbolic = symbolic;
    return r;
  }

  /**
   * A term's addresses on one side: the prefixes and prefix lists, longest prefix winning, so
   * `10.0.0.0/8` with `10.1.0.0/16 except` is 10/8 without 10.1/16.
   */
  private filterAddresses(term: FilterTerm, addressKey: string, listKey: string, family: Family, symbolic: string[]): AddressSet {
    const entries: { set: AddressSet; size: bigint; except: boolean }[] = [];
    let mentioned = false;
    for (const c of term.conditions) {
      if (c.key === addressKey) {
        mentioned = true;
        const set = junosPrefix(c.value);
        if (set) entries.push({ set, size: blockSize(set), except: c.except });
      } else if (c.key === listKey) {
        mentioned = true;
        const list = this.config.prefixLists.get(c.value);
        if (!list || list.span.inactive || list.applyPath) {
          symbolic.push(`prefix-list:${c.value}`);
          this.note(c.line, 'unresolved-reference', list?.applyPath
            ? `prefix-list '${c.value}' takes its prefixes from the configuration (apply-path '${list.applyPath.name}'), which Portcullis does not expand`
            : `prefix-list '${c.value}' is not defined`);
          continue;
        }
        for (const p of list.prefixes) {
          const set = junosPrefix(p.name);
          if (set) entries.push({ set, size: blockSize(set), except: c.except });
        }
      }
    }
    const all = this.all(family);
    if (!mentioned) return all;
    entries.sort((a, b) => (a.size > b.size ? -1 : a.size < b.size ? 1 : 0));
    let set = AddressSet.empty();
    for (const e of entries) set = e.except ? set.subtract(e.set) : set.union(e.set);
    return set.intersect(all);
  }

  // ── destination NAT ─────────────────────────────────────────────────────────────────────────

  /**
   * Static NAT before destination NAT; within each, rule-sets from an interface before those from
   * a zone before those from a routing instance (the more specific context wins), each first match.
   */
  private destinationNat(): string | undefined {
    const name = 'nat:destination';
    const specificity = (rs: NatRuleSet): number => {
      const kind = rs.from[0]?.kind;
      return kind === 'interface' ? 0 : kind === 'zone' ? 1 : kind === 'routing-instance' ? 2 : 3;
    };
    const order = [...this.config.natRuleSets].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'static' ? -1 : 1) || specificity(a) - specificity(b));
    const rules: FilterRule[] = [];
    for (const rs of order) {
      const inInterface = this.natContext(rs);
      for (const rule of rs.rules.values()) rules.push(...this.natRules(rs, rule, inInterface, name, rules.length));
    }
    if (rules.length === 0) return undefined;
    return this.ruleset(name, rules, 'allow', true, rules[0]!.origin.line);
  }

  private natContext(rs: NatRuleSet): InterfaceMatch {
    if (rs.from.length === 0) {
      this.note(rs.span.line, 'incomplete-nat', `${rs.kind} NAT rule-set ${rs.name} has no 'from' context; Junos would not commit it, and it matches no traffic here`);
      return { names: [], negated: false };
    }
    const names: string[] = [];
    for (const ctx of rs.from) {
      if (ctx.kind === 'routing-instance' && ctx.name === 'default') {
        // The default instance holds every interface no other instance claims.
        const claimed = [...this.config.routingInstances.values()].flat().map((r) => r.name);
        return { names: claimed, negated: true };
      }
      names.push(...this.contextInterfaces(ctx));
    }
    return { names: [...new Set(names)], negated: false };
  }

  private contextInterfaces(ctx: NatContext): string[] {
    switch (ctx.kind) {
      case 'interface':
        return [ctx.name.includes('.') ? ctx.name : `${ctx.name}.0`];
      case 'zone':
        return this.zoneInterfaces(this.zone(ctx.name, ctx.line));
      case 'routing-instance': {
        const list = this.config.routingInstances.get(ctx.name);
        if (!list) this.note(ctx.line, 'unresolved-reference', `routing instance '${ctx.name}' has no interfaces in this configuration`);
        return (list ?? []).map((r) => r.name);
      }
    }
  }

  private natRules(rs: NatRuleSet, rule: NatRule, inInterface: InterfaceMatch, rsName: string, before: number): FilterRule[] {
    const symbolic: string[] = [];
    let exact = true;
    const books = this.natBooks(rs);
    const addresses = (prefixes: Ref[], names: Ref[]): AddressSet => {
      if (prefixes.length === 0 && names.length === 0) return this.all();
      let set = AddressSet.empty();
      for (const p of prefixes) set = set.union(junosPrefix(p.name) ?? AddressSet.empty());
      for (const n of names) {
        const r = this.resolveName(n, books, symbolic, []);
        set = set.union(r.set);
        exact &&= r.exact;
      }
      return set.intersect(this.all());
    };
    const sources = addresses(rule.sourceAddresses, rule.sourceAddressNames);
    const destinations = addresses(rule.destinationAddresses, rule.destinationAddressNames);
    const ranges = (list: { from: number; to: number }[]): PortSet | undefined => (list.length === 0 ? undefined : portSet(list.map((p) => [p.from, p.to] as const)));
    const dstPorts = ranges(rule.destinationPorts);
    const srcPorts = ranges(rule.sourcePorts);
    let protocols = rule.protocols.length > 0
      ? protocolSet(rule.protocols.map((p) => junosProtocol(p.name)).filter((n): n is number => n !== undefined))
      : ALL_PROTOCOLS;
    // Ports without a protocol: Junos matches them on TCP and UDP.
    if ((dstPorts || srcPorts) && rule.protocols.length === 0) protocols = TCP_UDP;
    const apps = rule.applications.length > 0 ? distinctEntries(rule.applications.flatMap((a) => this.applicationEntries(a, []))) : [ANY_APPLICATION];

    let action: RuleAction;
    let translation: Translation | undefined;
    let thenText: string;
    const then = rule.then;
    if (!then) {
      this.note(rule.span.line, 'incomplete-nat', `NAT rule ${rule.name} has no 'then'; Junos would not commit it, and it is read as one that may match and change nothing`);
      action = 'continue';
      exact = false;
      thenText = '(no then)';
    } else if (then.kind === 'off') {
      action = 'allow';
      thenText = 'destination-nat off';
    } else if (then.kind === 'pool') {
      action = 'dnat';
      thenText = `destination-nat pool ${then.pool}`;
      const pool = this.config.natPools.get(then.pool);
      if (!pool || pool.span.inactive) {
        this.note(then.line, 'unresolved-reference', `destination NAT pool '${then.pool}' is not defined; the rule may send traffic anywhere`);
        translation = { addresses: this.all(), text: `pool ${then.pool} (not defined)` };
        exact = false;
      } else {
        const poolAddresses = pool.address
          ? (pool.address.to ? junosAddressRange(pool.address.from, pool.address.to) : junosPrefix(pool.address.from))
          : undefined;
        const port = pool.port ? junosPortRange(pool.port.name) : undefined;
        const addressText = pool.address ? (pool.address.to ? `${pool.address.from}-${pool.address.to}` : pool.address.from) : '(destination)';
        translation = { addresses: poolAddresses ?? destinations, text: `${addressText}${pool.port ? `:${pool.port.name}` : ''}` };
        if (port) translation.ports = port;
      }
    } else {
      action = 'dnat';
      let target: AddressSet | undefined;
      let targetText = then.prefix ?? then.prefixName ?? '?';
      if (then.prefix) target = junosPrefix(then.prefix);
      else if (then.prefixName) {
        const r = this.resolveName({ name: then.prefixName, line: then.line }, books, symbolic, []);
        target = r.set;
        exact &&= r.exact;
      }
      if (!target || target.isEmpty) {
        if (!then.unsupported) this.note(then.line, 'incomplete-nat', `static NAT rule ${rule.name} has no prefix to translate to; the rule may send traffic anywhere`);
        target = this.all();
        targetText = '(unknown)';
        exact = false;
      }
      translation = { addresses: target, text: targetText };
      if (then.mappedPort) {
        translation.ports = portSet([[then.mappedPort.from, then.mappedPort.to]]);
        translation.text += `:${then.mappedPort.from === then.mappedPort.to ? then.mappedPort.from : `${then.mappedPort.from}-${then.mappedPort.to}`}`;
      }
      thenText = `static-nat prefix ${then.prefix ?? then.prefixName ?? ''}`.trimEnd();
    }

    const match: string[] = [];
    for (const p of rule.sourceAddresses) match.push(`source-address ${p.name}`);
    for (const p of rule.sourceAddressNames) match.push(`source-address-name ${p.name}`);
    for (const p of rule.destinationAddresses) match.push(`destination-address ${p.name}`);
    for (const p of rule.destinationAddressNames) match.push(`destination-address-name ${p.name}`);
    for (const p of rule.destinationPorts) match.push(`destination-port ${p.from}${p.to !== p.from ? ` to ${p.to}` : ''}`);
    for (const p of rule.sourcePorts) match.push(`source-port ${p.from}${p.to !== p.from ? ` to ${p.to}` : ''}`);
    for (const p of rule.protocols) match.push(`protocol ${p.name}`);
    for (const a of rule.applications) match.push(`application ${a.name}`);
    const base = `${rs.kind} nat rule-set ${rs.name} rule ${rule.name}: ${match.length > 0 ? `match ${match.join(' ')}; ` : ''}then ${thenText}`;

    return apps.map((app, i) => {
      const text = apps.length > 1 ? `${base} (${protocolsLabel(app.protocols)} ${app.label})` : base;
      const r = this.rule(`${rsName}#${before + i + 1}`, action, text, this.origin(rule.span.line, rule.span.endLine));
      r.protocols = protocols.intersect(app.protocols);
      r.destinationPorts = (dstPorts ?? ALL_PORTS).intersect(app.ports);
      r.sourcePorts = (srcPorts ?? ALL_PORTS).intersect(app.sourcePorts);
      r.sources = sources;
      r.destinations = destinations;
      r.inInterface = inInterface;
      r.exact = exact && app.exact;
      r.symbolic = [...symbolic, ...app.symbolic];
      r.enabled = !rule.span.inactive && !rs.span.inactive;
      if (translation) r.translation = translation;
      if (action === 'dnat' && translation) this.forwards.push(this.forward(r, translation));
      return r;
    });
  }

  private forward(r: FilterRule, t: Translation): PortForward {
    const forward: PortForward = {
      ruleId: r.id,
      protocols: r.protocols,
      externalPorts: r.destinationPorts,
      externalAddresses: r.destinations,
      sources: r.sources,
      internalPorts: t.ports ?? r.destinationPorts,
      enabled: r.enabled,
      text: r.text,
      origin: r.origin,
    };
    if (r.inInterface) forward.inInterface = r.inInterface;
    if (t.addresses) forward.internalAddresses = t.addresses;
    return forward;
  }

  private natBooks(rs: NatRuleSet): AddressBook[] {
    const books: AddressBook[] = [];
    const global = this.config.addressBooks.get('global');
    if (global) books.push(global);
    for (const ctx of rs.from) if (ctx.kind === 'zone') books.push(...this.zoneBooks(ctx.name));
    for (const b of this.config.addressBooks.values()) if (!books.includes(b)) books.push(b);
    return books;
  }

  // ── addresses and applications ──────────────────────────────────────────────────────────────

  /** The books a zone's names resolve in: its own (old style), the books attached to it, then the global one. */
  private zoneBooks(zone: string): AddressBook[] {
    const books: AddressBook[] = [];
    const own = this.config.zoneAddressBooks.get(zone);
    if (own) books.push(own);
    for (const b of this.config.addressBooks.values()) if (b.attachedZones.includes(zone)) books.push(b);
    const global = this.config.addressBooks.get('global');
    if (global && !books.includes(global)) books.push(global);
    return books;
  }

  private policyAddresses(refs: Ref[], books: AddressBook[], symbolic: string[]): Resolved {
    let set = AddressSet.empty();
    let exact = true;
    for (const ref of refs) {
      if (ref.name === 'any') set = set.union(this.all());
      else if (ref.name === 'any-ipv4') set = set.union(this.all('ipv4'));
      else if (ref.name === 'any-ipv6') set = set.union(this.all('ipv6'));
      else {
        const r = this.resolveName(ref, books, symbolic, []);
        set = set.union(r.set);
        exact &&= r.exact;
      }
    }
    return { set: set.intersect(this.all()), exact };
  }

  /** Names resolved already, per search order of books: a name used a thousand times is read once. */
  private readonly resolvedNames = new Map<string, Resolved & { symbolic: string[] }>();

  private resolveName(ref: Ref, books: AddressBook[], symbolic: string[], stack: string[]): Resolved {
    const key = `${books.map((b) => b.name).join('\u0000')}\u0001${ref.name}`;
    const known = stack.length === 0 ? this.resolvedNames.get(key) : undefined;
    if (known) {
      for (const s of known.symbolic) symbolic.push(s);
      // Every reference to a name that is nowhere is reported at its own line, as the first one was.
      if (known.symbolic.includes(`address:${ref.name}`)) {
        this.note(ref.line, 'unresolved-reference', `address '${ref.name}' is not in the address book${books.length > 1 ? 's' : ''} it can come from (${books.map((b) => b.name).join(', ') || 'none defined'})`);
      }
      return { set: known.set, exact: known.exact };
    }
    const own: string[] = [];
    const result = this.resolveNameUncached(ref, books, own, stack);
    for (const s of own) symbolic.push(s);
    if (stack.length === 0) this.resolvedNames.set(key, { ...result, symbolic: own });
    return result;
  }

  private resolveNameUncached(ref: Ref, books: AddressBook[], symbolic: string[], stack: string[]): Resolved {
    if (stack.includes(ref.name)) {
      this.note(ref.line, 'unresolved-reference', `address-set '${ref.name}' contains itself (${[...stack, ref.name].join(' -> ')})`);
      return { set: AddressSet.empty(), exact: false };
    }
    for (const book of books) {
      const entry = book.addresses.get(ref.name);
      if (entry) {
        let set = AddressSet.empty();
        let exact = true;
        for (const v of entry.values) {
          if (v.kind === 'prefix') set = set.union(junosPrefix(v.text) ?? AddressSet.empty());
          else if (v.kind === 'range') set = set.union(junosAddressRange(v.from, v.to) ?? AddressSet.empty());
          else {
            symbolic.push(`${v.kind}:${v.text}`);
            exact = false;
            this.note(entry.line, 'unresolved-reference', `address '${entry.name}' is ${v.kind === 'dns-name' ? `the DNS name ${v.text}` : `the wildcard ${v.text}`}, which Portcullis does not resolve`);
          }
        }
        return { set, exact };
      }
      const group = book.sets.get(ref.name);
      if (group) {
        let set = AddressSet.empty();
        let exact = true;
        for (const member of [...group.addresses, ...group.sets]) {
          const r = this.resolveName(member, [book, ...books.filter((b) => b !== book)], symbolic, [...stack, ref.name]);
          set = set.union(r.set);
          exact &&= r.exact;
        }
        return { set, exact };
      }
    }
    symbolic.push(`address:${ref.name}`);
    this.note(ref.line, 'unresolved-reference', `address '${ref.name}' is not in the address book${books.length > 1 ? 's' : ''} it can come from (${books.map((b) => b.name).join(', ') || 'none defined'})`);
    return { set: AddressSet.empty(), exact: false };
  }

  private applicationEntries(ref: Ref, stack: string[]): AppEntry[] {
    if (ref.name === 'any') return [ANY_APPLICATION];
    const custom = this.config.applications.get(ref.name);
    if (custom && !custom.span.inactive) return this.customApplication(custom);
    const set = this.config.applicationSets.get(ref.name);
    if (set && !set.span.inactive) {
      if (stack.includes(ref.name)) {
        this.note(ref.line, 'unresolved-reference', `application-set '${ref.name}' contains itself`);
        return [];
      }
      const inner = [...stack, ref.name];
      return [...set.applications, ...set.sets].flatMap((m) => this.applicationEntries(m, inner));
    }
    const predefined = PREDEFINED_APPLICATIONS[ref.name];
    if (predefined) return predefined.map((t) => termEntry(t, ref.name));
    this.note(ref.line, 'unresolved-reference', ref.name.startsWith('junos-')
      ? `application '${ref.name}' is not a predefined application Portcullis knows; it stays an unresolved reference (neither open nor closed)`
      : `application '${ref.name}' is not defined; it stays an unresolved reference (neither open nor closed)`);
    return [{ protocols: protocolSet([]), ports: ALL_PORTS, sourcePorts: ALL_PORTS, exact: false, symbolic: [`application:${ref.name}`], label: ref.name }];
  }

  private customApplication(app: Application): AppEntry[] {
    if (app.terms.size === 0) {
      this.note(app.span.line, 'incomplete-application', `application '${app.name}' has no protocol; it is read as any protocol and port that may match`);
      return [{ ...ANY_APPLICATION, exact: false, label: app.name }];
    }
    return [...app.terms.values()].map((term) => {
      const protocol = term.protocol ? junosProtocol(term.protocol.name) : undefined;
      const protocols = protocol === undefined ? ALL_PROTOCOLS : protocolSet([protocol]);
      const carriesPorts = protocol === undefined || PORTED_PROTOCOLS.has(protocol);
      const dst = term.destinationPort && carriesPorts ? junosPortRange(term.destinationPort.name) : undefined;
      const src = term.sourcePort && carriesPorts ? junosPortRange(term.sourcePort.name) : undefined;
      return {
        protocols: dst || src ? protocols.intersect(PORTED_PROTOCOLS) : protocols,
        ports: dst ?? ALL_PORTS,
        sourcePorts: src ?? ALL_PORTS,
        exact: term.inexact.length === 0,
        symbolic: [],
        label: term.name ? `${app.name} term ${term.name}` : app.name,
      };
    });
  }

  // ── security policies ───────────────────────────────────────────────────────────────────────

  private securityPolicies(): string {
    const name = 'security-policies';
    const rules: FilterRule[] = [];
    const id = (): string => `${name}#${rules.length + 1}`;
    const transit = this.transitInterfaces();
    const zonesLine = this.zones[0]?.span.line ?? this.config.policiesLine ?? 1;
    const fromNowhere = this.rule(id(), 'deny', 'traffic that arrives on an interface in no security zone is dropped', this.origin(zonesLine));
    fromNowhere.inInterface = { names: transit, negated: true };
    rules.push(fromNowhere);
    const toNowhere = this.rule(id(), 'deny', 'traffic that would leave through an interface in no security zone is dropped', this.origin(zonesLine));
    toNowhere.outInterface = { names: transit, negated: true };
    rules.push(toNowhere);
    for (const ctx of this.config.zonePolicies.values()) {
      const target = this.policyRuleset(ctx);
      const r = this.rule(id(), 'jump', `from-zone ${ctx.from} to-zone ${ctx.to}`, this.origin(ctx.span.line));
      r.target = target;
      r.inInterface = { names: this.zoneInterfaces(this.zone(ctx.from, ctx.span.line)), negated: false };
      r.outInterface = { names: this.zoneInterfaces(this.zone(ctx.to, ctx.span.line)), negated: false };
      r.enabled = !ctx.span.inactive;
      rules.push(r);
    }
    const global = this.config.globalPolicies;
    if (global) {
      const r = this.rule(id(), 'jump', 'global policies', this.origin(global.span.line));
      r.target = this.policyRuleset(global);
      r.enabled = !global.span.inactive;
      rules.push(r);
    }
    const policy = this.config.defaultPolicy;
    const line = policy?.line ?? this.config.policiesLine ?? zonesLine;
    return this.ruleset(name, rules, policy?.action === 'permit-all' ? 'allow' : 'deny', true, line);
  }

  private policyRuleset(ctx: PolicyContext): string {
    const global = ctx.from === '';
    const name = global ? 'policy:global' : `policy:${ctx.from}>${ctx.to}`;
    const globalBook = this.config.addressBooks.get('global');
    const sourceBooks = global ? (globalBook ? [globalBook] : []) : this.zoneBooks(ctx.from);
    const destinationBooks = global ? sourceBooks : this.zoneBooks(ctx.to);
    const rules: FilterRule[] = [];
    for (const p of ctx.policies.values()) rules.push(...this.policyRules(p, ctx, name, rules.length, sourceBooks, destinationBooks));
    return this.ruleset(name, rules, 'return', false, ctx.span.line);
  }

  private policyRules(p: Policy, ctx: PolicyContext, rsName: string, before: number, sourceBooks: AddressBook[], destinationBooks: AddressBook[]): FilterRule[] {
    const symbolic: string[] = [];
    const missing: string[] = [];
    const any: Ref[] = [{ name: 'any', line: p.span.line }];
    if (p.sourceAddresses.length === 0) missing.push('source-address');
    if (p.destinationAddresses.length === 0) missing.push('destination-address');
    if (p.applications.length === 0) missing.push('application');
    if (!p.action) missing.push('then');
    const src = this.policyAddresses(p.sourceAddresses.length > 0 ? p.sourceAddresses : any, sourceBooks, symbolic);
    const dst = this.policyAddresses(p.destinationAddresses.length > 0 ? p.destinationAddresses : any, destinationBooks, symbolic);
    if (p.sourceExcluded) src.set = src.set.complement(this.familyArg);
    if (p.destinationExcluded) dst.set = dst.set.complement(this.familyArg);
    const apps = p.applications.length > 0 ? distinctEntries(p.applications.flatMap((a) => this.applicationEntries(a, []))) : [ANY_APPLICATION];
    const action: RuleAction = !p.action ? 'continue' : p.action.kind === 'permit' ? 'allow' : p.action.kind === 'deny' ? 'deny' : 'reject';
    const exact = src.exact && dst.exact && p.inexact.length === 0 && missing.length === 0;
    if (missing.length > 0) {
      this.note(p.span.line, 'incomplete-policy', `policy ${p.name} has no ${missing.join(', ')}; Junos would not commit it; read as ${missing.includes('then') ? 'a policy that may match and decides nothing' : '`any` for what is missing'}`);
    }
    for (const reason of p.inexact) {
      this.note(reason.line, 'partial-match', `policy ${p.name} also matches on ${reason.name}, which the model does not capture: the policy may match`, 'info');
    }
    const where = global(ctx) ? '' : `from-zone ${ctx.from} to-zone ${ctx.to} `;
    const list = (refs: Ref[]): string => (refs.length === 1 ? refs[0]!.name : `[ ${refs.map((r) => r.name).join(' ')} ]`);
    const match: string[] = [];
    if (p.fromZones.length > 0) match.push(`from-zone ${list(p.fromZones)}`);
    if (p.toZones.length > 0) match.push(`to-zone ${list(p.toZones)}`);
    match.push(`source-address ${p.sourceAddresses.length > 0 ? list(p.sourceAddresses) : '(none)'}${p.sourceExcluded ? ' excluded' : ''}`);
    match.push(`destination-address ${p.destinationAddresses.length > 0 ? list(p.destinationAddresses) : '(none)'}${p.destinationExcluded ? ' excluded' : ''}`);
    match.push(`application ${p.applications.length > 0 ? list(p.applications) : '(none)'}`);
    const base = `${where}${global(ctx) ? 'global ' : ''}policy ${p.name}: match ${match.join(' ')}; then ${p.action?.kind ?? '(none)'}`;
    let inInterface: InterfaceMatch | undefined;
    let outInterface: InterfaceMatch | undefined;
    if (p.fromZones.length > 0) inInterface = { names: p.fromZones.flatMap((z) => this.zoneInterfaces(this.zone(z.name, z.line))), negated: false };
    if (p.toZones.length > 0) outInterface = { names: p.toZones.flatMap((z) => this.zoneInterfaces(this.zone(z.name, z.line))), negated: false };
    return apps.map((app, i) => {
      const r = this.rule(`${rsName}#${before + i + 1}`, action, apps.length > 1 ? `${base} (${protocolsLabel(app.protocols)} ${app.label})` : base, this.origin(p.span.line, p.span.endLine));
      r.protocols = app.protocols;
      r.destinationPorts = app.ports;
      r.sourcePorts = app.sourcePorts;
      r.sources = src.set;
      r.destinations = dst.set;
      r.exact = exact && app.exact;
      r.symbolic = [...symbolic, ...app.symbolic];
      r.enabled = !p.span.inactive && !ctx.span.inactive;
      if (inInterface) r.inInterface = inInterface;
      if (outInterface) r.outInterface = outInterface;
      return r;
    });
  }

  // ── the device itself ───────────────────────────────────────────────────────────────────────

  /** What the zones' host-inbound-traffic admits; an interface's own setting replaces its zone's, per category. */
  private hostInbound(): string {
    const name = 'host-inbound-traffic';
    const rules: FilterRule[] = [];
    for (const zone of this.zones) {
      const ifaces = this.zoneInterfaces(zone);
      for (const category of ['services', 'protocols'] as const) {
        const own = [...zone.interfaces.values()].filter((zi) => !zi.inactive && zi.hostInbound[category].length > 0);
        const rest = ifaces.filter((n) => !own.some((o) => o.name === n));
        const label = `security-zone ${zone.name}`;
        if (rest.length > 0) rules.push(...this.hostRules(zone.hostInbound, category, { names: rest, negated: false }, label, name, rules.length));
        for (const o of own) rules.push(...this.hostRules(o.hostInbound, category, { names: [o.name], negated: false }, `${label} interfaces ${o.name}`, name, rules.length));
      }
    }
    return this.ruleset(name, rules, 'deny', true, this.zones[0]?.span.line ?? this.config.policiesLine ?? 1);
  }

  private hostRules(hostInbound: HostInbound, category: 'services' | 'protocols', where: InterfaceMatch, label: string, rsName: string, before: number): FilterRule[] {
    const table = category === 'services' ? HOST_SERVICES : HOST_PROTOCOLS;
    const keyword = category === 'services' ? 'system-services' : 'protocols';
    const entries = [...hostInbound[category]].sort((a, b) => Number(!!b.except) - Number(!!a.except));
    const out: FilterRule[] = [];
    for (const e of entries) {
      const text = `${label} host-inbound-traffic ${keyword} ${e.name}${e.except ? ' except' : ''}`;
      let terms: AppEntry[];
      if (e.name === 'all') terms = mergedEntries(Object.entries(table).flatMap(([n, ts]) => ts.map((t) => termEntry(t, n))));
      else if (e.name === 'any-service') terms = [ANY_APPLICATION];
      else if (e.name === 'none') terms = [];
      else if (table[e.name]) terms = distinctEntries(table[e.name]!.map((t) => termEntry(t, e.name)));
      else {
        this.note(e.line, 'unresolved-reference', `'${e.name}' is not a host-inbound ${keyword === 'protocols' ? 'protocol' : 'system service'} Portcullis knows; it stays an unresolved reference`);
        terms = [{ protocols: protocolSet([]), ports: ALL_PORTS, sourcePorts: ALL_PORTS, exact: false, symbolic: [`${keyword}:${e.name}`], label: e.name }];
      }
      for (const term of terms) {
        const label = term.label === protocolsLabel(term.protocols) ? term.label : `${protocolsLabel(term.protocols)} ${term.label}`;
        const r = this.rule(`${rsName}#${before + out.length + 1}`, e.except ? 'deny' : 'allow', terms.length > 1 ? `${text} (${label})` : text, this.origin(e.line));
        r.protocols = term.protocols;
        r.destinationPorts = term.ports;
        r.exact = term.exact;
        r.symbolic = term.symbolic;
        r.inInterface = where;
        out.push(r);
      }
    }
    return out;
  }

  /** A device without zones: what `system services` runs, unless a loopback filter says otherwise. */
  private systemServices(): string {
    const name = 'system-services';
    const rules: FilterRule[] = [];
    for (const s of this.config.systemServices) {
      const key = s.variant ? `${s.name} ${s.variant}` : s.name;
      const known = SYSTEM_SERVICES[key];
      if (!known) continue;
      const r = this.rule(`${name}#${rules.length + 1}`, 'allow', `system services ${key}${s.port !== undefined ? ` port ${s.port}` : ''}`, this.origin(s.line, s.endLine));
      r.protocols = protocolSet([known.protocol]);
      r.destinationPorts = portSet([[s.port ?? known.port, s.port ?? known.port]]);
      rules.push(r);
    }
    return this.ruleset(name, rules, 'deny', true, this.config.systemServices[0]?.line ?? 1);
  }

  /** The interfaces of outside-facing zones, of NAT rule-set contexts, and of where source NAT sends traffic. */
  private externalInterfaces(): string[] {
    const out: string[] = [];
    const add = (names: string[]): void => {
      for (const n of names) if (!out.includes(n)) out.push(n);
    };
    for (const zone of this.zones) if (OUTSIDE_ZONE_NAMES.has(zone.name.toLowerCase())) add(this.zoneInterfaces(zone));
    for (const rs of this.config.natRuleSets) {
      if (rs.span.inactive) continue;
      for (const ctx of rs.from) if (!(ctx.kind === 'routing-instance' && ctx.name === 'default')) add(this.contextInterfaces(ctx));
    }
    for (const ctx of this.config.sourceNatTo) if (!(ctx.kind === 'routing-instance' && ctx.name === 'default')) add(this.contextInterfaces(ctx));
    return out;
  }
}

const global = (ctx: PolicyContext): boolean => ctx.from === '';

function termEntry(t: PredefinedTerm, name: string): AppEntry {
  return {
    protocols: protocolSet([t.protocol]),
    ports: t.ports ? (parsePortList(t.ports) ?? ALL_PORTS) : ALL_PORTS,
    sourcePorts: ALL_PORTS,
    exact: !t.inexact,
    symbolic: [],
    label: name,
  };
}

/** `tcp`, `tcp,udp`, `any`: how a rule's text tells its protocol apart from its siblings'. */
function protocolsLabel(set: ProtocolSet): string {
  if (set.isFull) return 'any';
  const names: string[] = [];
  for (const [lo, hi] of set.ranges()) for (let n = lo; n <= hi && names.length < 8; n++) names.push(protocolName(n));
  return names.join(',');
}

const entryKey = (e: AppEntry): string => `${e.protocols.key()}|${e.sourcePorts.key()}|${e.exact}|${e.symbolic.join(',')}`;

/**
 * The entries of an application list, each keeping its own rule, but without the ports an earlier
 * entry of the same protocols already covers: the applications of one policy never shadow each
 * other, while a policy's applications stay apart for what later rules can tell. `any` makes every
 * other entry redundant.
 */
function distinctEntries(entries: AppEntry[]): AppEntry[] {
  const everything = entries.find((e) => e.exact && e.symbolic.length === 0 && e.protocols.isFull && e.ports.isFull && e.sourcePorts.isFull);
  if (everything) return [everything];
  const out: AppEntry[] = [];
  for (const e of entries) {
    const same = out.filter((o) => entryKey(o) === entryKey(e));
    let ports = e.ports;
    for (const o of same) ports = ports.subtract(o.ports);
    if (same.length > 0 && ports.isEmpty) {
      if (!same[0]!.label.split(', ').includes(e.label)) same[0]!.label += `, ${e.label}`;
      continue;
    }
    out.push({ ...e, ports, symbolic: [...e.symbolic] });
  }
  return out;
}

/** Entries merged per protocol set: what `host-inbound-traffic system-services all` admits, one rule per protocol. */
function mergedEntries(entries: AppEntry[]): AppEntry[] {
  const groups = new Map<string, AppEntry>();
  for (const e of entries) {
    const seen = groups.get(entryKey(e));
    if (!seen) groups.set(entryKey(e), { ...e, symbolic: [...e.symbolic], label: protocolsLabel(e.protocols) });
    else seen.ports = seen.ports.union(e.ports);
  }
  return [...groups.values()];
}

/** The number of addresses in the first block of a set (a prefix's size, for longest-prefix order). */
function blockSize(set: AddressSet): bigint {
  for (const [lo, hi] of set.intervals.ranges()) return hi - lo + 1n;
  return 0n;
}
