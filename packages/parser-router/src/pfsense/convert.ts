import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  PortBuckets,
  PROTO,
  SPECIAL_RANGES,
  addresses,
  portSet,
  protocolNumber,
  protocolSet,
  publicPart,
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
import { Resolver, SPECIAL_INTERFACES, familiesSet, type AddressResolution, type PortResolution } from './resolve.js';
import { RulesetBuilder, type RuleSpec } from './rulesets.js';
import type { PfConfig, PfEndpoint, PfFilterRule, PfInterface, PfNatRule, PfOneToOne, PfText } from './syntax.js';
import { clip, extend, portRange, splitOn, truthy } from './values.js';

/*
 * Turns a pfSense or OPNsense configuration into one Device, expressing pf's order of operations
 * with rulesets (docs/formats/pfsense.md):
 *
 *   prerouting  interfaces:disabled   a drop for each interface that is not enabled
 *   dnat        nat                   1:1 NAT (binat), then port forwards (rdr), first match
 *   input       to-self, filter       packets for the firewall's own addresses, then the rules
 *   forward     not-self, floating:out, filter
 *
 * `filter` is what pf evaluates for a packet coming in on an interface: forwards with an
 * associated `pass` first (rdr pass skips the rules), the built-in rules (IPv6 neighbour discovery,
 * DHCPv6 client, bogons, private networks, anti-lockout), the quick floating rules, then a jump into
 * the rules of each interface group and each interface (`group:NAME`, `rules:NAME`), then the
 * non-quick rules in reverse order (pf's last match among them is the first match of the reversed
 * list), then pf's default: block. Rules with direction `out` go to `floating:out`.
 */

/** Interface names that face the internet, besides the WAN-type ones (a gateway, a dynamic address). */
const WAN_V4 = new Set(['dhcp', 'pppoe', 'pptp', 'l2tp', 'ppp']);
const WAN_V6 = new Set(['dhcp6', 'slaac', '6rd', '6to4']);

/** pfSense's "Block private networks" list (filter.inc). */
const PRIVATE_NETWORKS = addresses('10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7');
/**
 * The part of pfSense's `<bogons>` table that never changes and that no one on the internet can
 * send from. Its other entries (documentation and benchmark networks, space not yet assigned) change
 * with each update and are not modelled: the rule may drop more.
 */
const BOGONS_V4 = addresses('0.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '224.0.0.0/3');

const TCP = protocolSet([PROTO.tcp]);
const UDP = protocolSet([PROTO.udp]);
const PORTED = protocolSet([PROTO.tcp, PROTO.udp]);

export function convertConfig(config: PfConfig, file: string, ledger: LineLedger): Device {
  return new Converter(config, file, ledger).device();
}

/** `dir/fw.config.xml` → `fw.config`. */
export function deviceName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Where a filter rule sits in pf's order: floating rules, then interface groups, then interfaces. */
type Placement = { kind: 'floating' } | { kind: 'group'; name: string } | { kind: 'interface'; names: string[] };

interface RuleShape {
  rule: PfFilterRule;
  placement: Placement;
  interfaces?: InterfaceMatch;
  quick: boolean;
  direction: 'in' | 'out' | 'any';
  specs: RuleSpec[];
}

class Converter {
  private readonly families: Family[];
  private readonly familyArg: Family | undefined;
  private readonly resolver: Resolver;
  private readonly rulesets: Record<string, Ruleset> = {};
  private readonly forwards: PortForward[] = [];
  /** Forwards that pass their own traffic (rdr pass), as allow rules at the top of `filter`. */
  private readonly passRules: RuleSpec[] = [];
  /** Where forwards send packets, joined when asked (see notSelf). */
  private readonly natTargets: AddressSet[] = [];
  /** The enabled, exactly read NAT rules so far: a forward they take entirely never translates. */
  private readonly natTaken = new TakenIndex();
  private readonly interfaces: PfInterface[];
  /** The `associated-rule-id`s filter rules carry. */
  private readonly associated: Set<string>;

  constructor(
    private readonly config: PfConfig,
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {
    this.families = config.settings.ipv6allow ? ['ipv4', 'ipv6'] : ['ipv4'];
    this.familyArg = config.settings.ipv6allow ? undefined : 'ipv4';
    this.resolver = new Resolver(config, ledger);
    this.interfaces = [...config.interfaces.values()];
    this.associated = new Set(config.filterRules.flatMap((r) => (r.associatedRuleId !== undefined ? [r.associatedRuleId] : [])));
  }

  device(): Device {
    const nat = this.nat();
    const out = this.filter();
    const toSelf = this.toSelf();
    const notSelf = this.notSelf();
    const disabled = this.disabledInterfaces();
    const present = (names: (string | undefined)[]): string[] => names.filter((n): n is string => n !== undefined);
    const s = this.config.settings;
    return {
      name: s.hostname?.value || deviceName(this.file),
      vendor: this.config.vendor,
      format: this.config.vendor,
      file: this.file,
      family: this.familyArg ?? 'mixed',
      rulesets: this.rulesets,
      pipeline: {
        prerouting: present([disabled]),
        dnat: present([nat]),
        input: [toSelf, 'filter'],
        forward: present([notSelf, out, 'filter']),
      },
      forwards: this.forwards,
      externalInterfaces: this.externalInterfaces(),
      origin: this.origin(s.hostname?.line ?? this.config.rootLine),
    };
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  private origin(line: number, endLine?: number): Origin {
    return endLine !== undefined && endLine > line ? { file: this.file, line, endLine } : { file: this.file, line };
  }

  /**
   * The spec once per family its addresses reach, so no rule pairs IPv4 sources with IPv6
   * destinations (a packet never has both). Rules with no address condition stay one.
   */
  private perFamily(spec: RuleSpec): RuleSpec[] {
    if (this.familyArg) return [spec];
    const all = AddressSet.all();
    const src = spec.sources ?? all;
    const dst = spec.destinations ?? all;
    if (src.equals(all) && dst.equals(all)) return [spec];
    const out: RuleSpec[] = [];
    for (const f of this.families) {
      const s = src.only(f);
      const d = dst.only(f);
      if (!s.isEmpty && !d.isEmpty) out.push({ ...spec, sources: s, destinations: d });
    }
    return out.length > 0 ? out : [spec];
  }

  /** Adds the spec, split by family; the first rule stands for it (a forward's `ruleId`). */
  private addSplit(b: RulesetBuilder, spec: RuleSpec): FilterRule {
    const [first, ...rest] = this.perFamily(spec);
    const rule = b.add(first!);
    for (const r of rest) b.add(r);
    return rule;
  }

  private add(b: RulesetBuilder): string {
    this.rulesets[b.name] = b.build();
    return b.name;
  }

  private warn(line: number, code: string, message: string, severity: 'warning' | 'info' = 'warning'): void {
    this.resolver.warnOnce(line, code, message, severity);
  }

  private all(families: readonly Family[] = this.families): AddressSet {
    return familiesSet(families);
  }

  /** `inet` / `inet6` / `inet46` as families the device has; `fallback` when absent. */
  private familiesOf(ipprotocol: PfText | undefined, fallback: readonly Family[]): Family[] {
    const v = ipprotocol?.value.toLowerCase() ?? '';
    let wanted: readonly Family[] = fallback;
    if (v === 'inet') wanted = ['ipv4'];
    else if (v === 'inet6') wanted = ['ipv6'];
    else if (v === 'inet46' || v === 'any') wanted = ['ipv4', 'ipv6'];
    else if (v !== '') this.ledger.report(ipprotocol!.line, 'warning', 'invalid-value', `'${clip(v, 20)}' is not inet, inet6 or inet46; read as ${fallback.join(' and ')}`, ipprotocol!.column);
    return wanted.filter((f) => this.families.includes(f));
  }

  /** A protocol as pf reads it, in one family (`icmp` is ICMPv6 in an IPv6 rule). */
  private protocols(protocol: PfText | undefined, hasPorts: boolean, family: Family): { set: ProtocolSet; exact: boolean } {
    const v = protocol?.value.toLowerCase() ?? '';
    if (v === '') return { set: hasPorts ? TCP : ALL_PROTOCOLS, exact: true };
    if (v === 'any') return { set: ALL_PROTOCOLS, exact: true };
    if (v === 'tcp/udp') return { set: PORTED, exact: true };
    if (v === 'icmp') return { set: protocolSet([family === 'ipv6' ? PROTO.icmpv6 : PROTO.icmp]), exact: true };
    if (v === 'icmp6' || v === 'ipv6-icmp' || v === 'icmpv6') return { set: protocolSet([PROTO.icmpv6]), exact: true };
    if (v === 'carp') return { set: protocolSet([112]), exact: true };
    if (v === 'pfsync') return { set: protocolSet([240]), exact: true };
    const n = protocolNumber(v);
    if (n !== undefined) return { set: protocolSet([n]), exact: true };
    this.warn(protocol!.line, 'invalid-value', `'${clip(v, 30)}' is not a protocol Portcullis knows; the rule may match any protocol`);
    return { set: ALL_PROTOCOLS, exact: false };
  }

  private interfaceKnown(name: string): boolean {
    return this.config.interfaces.has(name) || this.config.groups.has(name) || SPECIAL_INTERFACES.has(name.toLowerCase());
  }

  /** Interface names with groups replaced by their members. */
  private expand(names: string[]): string[] {
    const out: string[] = [];
    for (const n of names) {
      const g = this.config.groups.get(n);
      if (g) extend(out, g.members);
      else out.push(n);
    }
    return [...new Set(out)];
  }

  /** Interfaces whose traffic comes from the internet: `wan`, and WAN-type ones (a gateway, an address from the provider). */
  private externalInterfaces(): string[] {
    const out: string[] = [];
    for (const iface of this.interfaces) {
      const v4 = iface.ipaddr?.value.toLowerCase() ?? '';
      const v6 = iface.ipaddrv6?.value.toLowerCase() ?? '';
      if (iface.name === 'wan' || iface.gateway !== undefined || WAN_V4.has(v4) || WAN_V6.has(v6)) out.push(iface.name);
    }
    return out;
  }

  // ── NAT ─────────────────────────────────────────────────────────────────────────────────────

  private nat(): string | undefined {
    const c = this.config;
    if (c.natRules.length === 0 && c.oneToOne.length === 0) return undefined;
    const first = [...c.oneToOne, ...c.natRules].reduce((min, r) => Math.min(min, r.line), Number.POSITIVE_INFINITY);
    const b = new RulesetBuilder('nat', this.origin(first), 'allow', this.familyArg);
    for (const r of bySequence(c.oneToOne)) this.binat(r, b);
    for (const r of bySequence(c.natRules)) this.portForward(r, b);
    return this.add(b);
  }

  /** The NAT rule's interfaces (`wan` when it names none); unknown ones make pfSense skip the rule. */
  private natInterfaces(value: PfText | undefined, line: number): { names: string[]; ok: boolean } {
    const names = value ? splitOn(value.value, ',') : ['wan'];
    const unknown = names.filter((n) => !this.interfaceKnown(n));
    if (unknown.length > 0) {
      this.warn(value?.line ?? line, 'unresolved-reference', `interface '${clip(unknown.join(', '), 40)}' is not defined: pfSense does not load this NAT rule`);
      return { names, ok: false };
    }
    return { names: this.expand(names), ok: true };
  }

  private missing(line: number, names: string[], what: string): void {
    for (const n of [...new Set(names)]) {
      this.warn(line, 'unresolved-reference', `'${clip(n, 40)}' is not an alias, an interface nor an address: pfSense does not load this ${what}`);
    }
  }

  private portForward(r: PfNatRule, b: RulesetBuilder): void {
    const ifaces = this.natInterfaces(r.interface, r.line);
    const families = this.familiesOf(r.ipprotocol, this.config.vendor === 'pfsense' ? ['ipv4'] : this.families);
    const proto = r.protocol?.value.toLowerCase() ?? 'any';
    const ported = proto === 'tcp' || proto === 'udp' || proto === 'tcp/udp';
    const protocols = this.protocols(r.protocol, false, families[0] ?? 'ipv4').set;
    const symbolic: string[] = [];
    const missing: string[] = [];
    let exact = r.partial.length === 0;
    const take = (x: AddressResolution | PortResolution): void => {
      extend(symbolic, x.symbolic);
      extend(missing, x.missing);
    };

    const sources = this.resolver.endpoint(r.source, families);
    take(sources);
    exact &&= sources.exact;
    let destinations: AddressSet;
    if (r.destination.items.length === 0 && !r.destination.any && !r.destination.not) {
      // No destination: the address of the interface the forward is on.
      destinations = AddressSet.empty();
      for (const n of ifaces.names) destinations = destinations.union(this.resolver.interfaceSet(n, 'address', families) ?? AddressSet.empty());
    } else {
      const d = this.resolver.endpoint(r.destination, families);
      take(d);
      destinations = d.set;
    }
    let sourcePorts = ALL_PORTS;
    let externalPorts = ALL_PORTS;
    if (ported && r.source.port) {
      const p = this.resolver.ports(r.source.port);
      take(p);
      sourcePorts = p.set;
    }
    if (ported && r.destination.port) {
      const p = this.resolver.ports(r.destination.port);
      take(p);
      externalPorts = p.set;
    }

    // Where it goes: an address, a host alias (a pool), or an interface's address.
    let internal: AddressSet | undefined;
    if (!r.nordr) {
      if (!r.target) this.warn(r.line, 'incomplete-nat', 'a port forward without a <target>: pfSense does not load it');
      else if (this.config.interfaces.has(r.target.value)) {
        // An interface as the target: its address.
        internal = this.resolver.interfaceSet(r.target.value, 'address', families);
      } else {
        const t = this.resolver.endpoint({ line: r.target.line, items: [{ kind: 'address', value: r.target.value, line: r.target.line, column: r.target.column }], any: false, not: false }, families);
        take(t);
        if (t.symbolic.length === 0) internal = t.set;
      }
    }
    let internalPorts: PortSet | undefined = ported ? externalPorts : undefined;
    if (ported && r.localPort && !r.nordr) {
      const range = portRange(r.localPort.value);
      const start = range ? range[0] : this.resolver.firstPort(r.localPort);
      if (start === undefined) missing.push(r.localPort.value);
      else {
        // A range maps onto a range of the same length; anything else onto the one local port.
        const ext = externalPorts.rangeCount === 1 && !externalPorts.isFull ? externalPorts : undefined;
        const width = ext ? (ext.bounds[1] as number) - (ext.bounds[0] as number) : 0;
        internalPorts = portSet([[start, Math.min(start + width, 65535)]]);
      }
    }
    if (missing.length > 0) this.missing(r.line, missing, 'port forward');
    const enabled = !r.disabled && ifaces.ok && missing.length === 0 && families.length > 0 && (r.nordr || internal !== undefined);
    if (families.length === 0 && !r.disabled) this.warn(r.line, 'ipv6-not-allowed', 'an IPv6 port forward while IPv6 is not allowed (System > Advanced > Networking): it never applies', 'info');
    for (const p of r.partial) this.warn(p.line, 'partial-match', `the forward also matches on ${p.what}, which Portcullis does not model: it may translate fewer packets`, 'info');

    const text = natText(r, ifaces.names);
    const inInterface: InterfaceMatch = { names: ifaces.names, negated: false };
    const spec: RuleSpec = {
      action: r.nordr ? 'allow' : 'dnat',
      protocols, sources: sources.set, destinations, sourcePorts, destinationPorts: externalPorts, inInterface,
      exact, symbolic: [...new Set(symbolic)], enabled, text, origin: this.origin(r.line, r.endLine),
    };
    if (r.description !== undefined) spec.description = r.description;
    if (!r.nordr) {
      const translation: Translation = { text: targetText(r) };
      if (internal) translation.addresses = internal;
      if (ported && r.localPort && internalPorts) translation.ports = internalPorts;
      spec.translation = translation;
    }
    const rule = this.addSplit(b, spec);
    const reached = !this.natTaken.takes(spec);
    if (enabled && exact && spec.symbolic!.length === 0) this.natTaken.add(spec);
    if (r.nordr) return;

    const forward: PortForward = {
      ruleId: rule.id, protocols, externalPorts, externalAddresses: destinations, inInterface, sources: sources.set,
      enabled, text, origin: rule.origin,
    };
    if (internal) forward.internalAddresses = internal;
    if (internalPorts) forward.internalPorts = internalPorts;
    this.forwards.push(forward);
    if (internal) this.natTargets.push(internal);

    const passes = r.associatedRuleId === 'pass' || r.passMode === 'pass' || r.passMode === 'rule';
    // An earlier forward that takes all its packets leaves it nothing to pass.
    if (passes && enabled && internal && reached) {
      this.passRules.push({
        action: 'allow', protocols, sources: sources.set, sourcePorts, destinations: internal,
        destinationPorts: internalPorts ?? ALL_PORTS, inInterface, exact, text: `rdr pass: ${text}`, origin: rule.origin,
      });
    } else if (r.associatedRuleId !== undefined && !passes && !this.associated.has(r.associatedRuleId)) {
      this.warn(r.line, 'associated-rule-missing', `the filter rule this forward created (${clip(r.associatedRuleId, 40)}) is not in the configuration: only other rules can let its traffic in`, 'info');
    }
  }

  private binat(r: PfOneToOne, b: RulesetBuilder): void {
    const ifaces = this.natInterfaces(r.interface, r.line);
    const families = this.families;
    const missing: string[] = [];
    const internal = this.resolver.endpoint(r.source, families);
    extend(missing, internal.missing);
    const remote = this.resolver.endpoint(r.destination, families);
    extend(missing, remote.missing);
    let external: AddressSet | undefined;
    if (!r.external) this.warn(r.line, 'incomplete-nat', 'a 1:1 NAT rule without an <external> address: pfSense does not load it');
    else {
      const e = this.resolver.endpoint({ line: r.external.line, items: [{ kind: 'address', value: r.external.value, line: r.external.line, column: r.external.column }], any: false, not: false }, families);
      extend(missing, e.missing);
      external = e.set;
      // The external block is as large as the internal network (`binat … -> EXTERNAL/len`).
      const cidrs = internal.set.toCidrs();
      const first = external.toCidrs()[0];
      if (cidrs.length === 1 && first !== undefined) {
        const len = cidrs[0]!.slice(cidrs[0]!.indexOf('/') + 1);
        external = addresses(`${first.slice(0, first.indexOf('/'))}/${len}`);
      }
    }
    if (missing.length > 0) this.missing(r.line, missing, '1:1 NAT rule');
    const enabled = !r.disabled && ifaces.ok && missing.length === 0 && external !== undefined;
    const text = `${r.noBinat ? 'no ' : ''}binat on ${ifaces.names.join(',')} from ${endpointText(r.source)} to ${endpointText(r.destination)}${r.noBinat ? '' : ` -> ${r.external?.value ?? '?'}`}`;
    const inInterface: InterfaceMatch = { names: ifaces.names, negated: false };
    const spec: RuleSpec = {
      action: r.noBinat ? 'allow' : 'dnat', sources: remote.set, destinations: external ?? AddressSet.empty(), inInterface,
      exact: internal.exact && remote.exact, symbolic: [...internal.symbolic, ...remote.symbolic], enabled, text, origin: this.origin(r.line),
    };
    if (r.description !== undefined) spec.description = r.description;
    if (!r.noBinat) spec.translation = { addresses: internal.set, text: endpointText(r.source) };
    const rule = this.addSplit(b, spec);
    if (enabled && spec.exact) this.natTaken.add(spec);
    if (r.noBinat) return;
    this.forwards.push({
      ruleId: rule.id, protocols: ALL_PROTOCOLS, externalPorts: ALL_PORTS, externalAddresses: external ?? AddressSet.empty(), inInterface,
      sources: remote.set, internalAddresses: internal.set, enabled, text, origin: rule.origin,
    });
    this.natTargets.push(internal.set);
  }

  // ── filter rules ────────────────────────────────────────────────────────────────────────────

  private isQuick(rule: PfFilterRule): boolean {
    if (rule.layout === 'mvc') return rule.quick ? truthy(rule.quick.value) : true;
    // pfSense: interface rules are always quick, floating ones when `<quick>` is there.
    if (this.config.vendor === 'pfsense') return !rule.floating || rule.quick !== undefined;
    // OPNsense: quick unless floating, or as `<quick>` says.
    return rule.quick ? truthy(rule.quick.value) : !rule.floating;
  }

  private direction(rule: PfFilterRule): 'in' | 'out' | 'any' {
    if (rule.layout === 'legacy' && !rule.floating && (this.config.vendor === 'pfsense' || !rule.direction)) return 'in';
    const d = rule.direction?.value.toLowerCase() ?? (rule.layout === 'mvc' ? 'in' : 'any');
    if (d === 'in' || d === 'out') return d;
    if (d === '' || d === 'any' || d === 'both') return 'any';
    this.ledger.report(rule.direction!.line, 'warning', 'invalid-value', `'${clip(d, 20)}' is not in, out or any; read as any`, rule.direction!.column);
    return 'any';
  }

  private action(rule: PfFilterRule): RuleAction {
    const v = rule.action?.value.toLowerCase() ?? '';
    if (v === 'pass' || v === '') return 'allow';
    if (v === 'block') return 'deny';
    if (v === 'reject') return 'reject';
    if (v === 'match') return 'continue';
    this.ledger.report(rule.action!.line, 'warning', 'invalid-value', `'${clip(v, 20)}' is not pass, block, reject or match; pfSense reads it as pass`, rule.action!.column);
    return 'allow';
  }

  /** Where the rule sits and which interfaces it is on; a problem when pfSense would not load it. */
  private placement(rule: PfFilterRule): { placement: Placement; interfaces?: InterfaceMatch; problem?: string } {
    const names = rule.interface ? splitOn(rule.interface.value, ',') : [];
    const negated = rule.interfaceNot;
    if (!rule.floating && names.length <= 1) {
      const name = names[0] ?? '';
      if (name === '') return { placement: { kind: 'floating' }, problem: 'a rule without an interface is not loaded' };
      if (this.config.groups.has(name)) {
        return { placement: { kind: 'group', name }, interfaces: { names: this.expand([name]), negated } };
      }
      if (!this.interfaceKnown(name)) return { placement: { kind: 'interface', names: [name] }, problem: `interface '${clip(name, 40)}' is not defined: pfSense does not load this rule` };
      if (negated) {
        // `on ! lan`: among the interface rules of every other interface, in its place.
        const others = this.interfaces.map((i) => i.name).filter((n) => n !== name);
        return { placement: { kind: 'interface', names: others }, interfaces: { names: [name], negated } };
      }
      return { placement: { kind: 'interface', names: [name] }, interfaces: { names: [name], negated } };
    }
    if (names.length === 0) return negated ? { placement: { kind: 'floating' }, problem: 'a rule on every interface but all of them matches nothing' } : { placement: { kind: 'floating' } };
    const known = names.filter((n) => this.interfaceKnown(n));
    const unknown = names.filter((n) => !this.interfaceKnown(n));
    if (unknown.length > 0) {
      const all = known.length === 0 ? '; with none of its interfaces defined, pfSense applies it on every interface' : '';
      this.warn(rule.interface!.line, 'unresolved-reference', `interface '${clip(unknown.join(', '), 40)}' is not defined and is left out${all}`);
    }
    if (known.length === 0) return { placement: { kind: 'floating' } };
    return { placement: { kind: 'floating' }, interfaces: { names: this.expand(known), negated } };
  }

  private shape(rule: PfFilterRule): RuleShape {
    const { placement, interfaces, problem } = this.placement(rule);
    const quick = this.isQuick(rule);
    const direction = this.direction(rule);
    const action = this.action(rule);
    const families = this.familiesOf(rule.ipprotocol, ['ipv4']);
    if (problem) this.warn(rule.interface?.line ?? rule.line, 'unresolved-reference', problem);
    if (families.length === 0 && !rule.disabled) this.warn(rule.line, 'ipv6-not-allowed', 'an IPv6 rule while IPv6 is not allowed (System > Advanced > Networking): pfSense blocks all IPv6 before it', 'info');
    for (const p of rule.partial) this.warn(p.line, 'partial-match', `the rule also matches on ${p.what}, which Portcullis does not model: it may match`, 'info');

    const proto = rule.protocol?.value.toLowerCase() ?? '';
    const hasPorts = rule.source.port !== undefined || rule.destination.port !== undefined;
    const ported = proto === 'tcp' || proto === 'udp' || proto === 'tcp/udp' || (proto === '' && hasPorts);
    if (hasPorts && !ported) {
      this.warn(rule.line, 'ports-ignored', `ports are only matched for TCP and UDP: this ${proto || 'any'}-protocol rule matches every port`, 'info');
    }
    const icmpTypes = rule.icmptype !== undefined && rule.icmptype.value.toLowerCase() !== 'any' && (proto === 'icmp' || proto === 'ipv6-icmp');
    if (icmpTypes) this.warn(rule.icmptype!.line, 'partial-match', 'the rule matches some ICMP types only, which Portcullis does not model: it may match', 'info');

    const symbolic: string[] = [];
    const missing: string[] = [];
    let exact = rule.partial.length === 0 && !icmpTypes;
    const take = (x: AddressResolution | PortResolution): void => {
      extend(symbolic, x.symbolic);
      extend(missing, x.missing);
      exact &&= x.exact;
    };
    let sourcePorts = ALL_PORTS;
    let destinationPorts = ALL_PORTS;
    if (ported && rule.source.port) {
      const p = this.resolver.ports(rule.source.port);
      take(p);
      sourcePorts = p.set;
    }
    if (ported && rule.destination.port) {
      const p = this.resolver.ports(rule.destination.port);
      take(p);
      destinationPorts = p.set;
    }

    // One FilterRule per family, as pf loads an inet46 rule: no rule pairs IPv4 sources with IPv6
    // destinations, and `icmp` is ICMPv6 in the IPv6 one.
    const text = filterText(rule, action, direction, quick);
    const specs: RuleSpec[] = [];
    const sets = families.map((f) => {
      const src = this.resolver.endpoint(rule.source, [f]);
      const dst = this.resolver.endpoint(rule.destination, [f]);
      take(src);
      take(dst);
      return { src, dst, protocols: this.protocols(rule.protocol, hasPorts, f) };
    });
    if (missing.length > 0) this.missing(rule.line, missing, 'rule');
    const enabled = !rule.disabled && !problem && missing.length === 0 && families.length > 0;
    for (const { src, dst, protocols } of sets) {
      // The half of an inet46 rule whose addresses are all of the other family matches nothing.
      if (sets.length > 1 && (src.set.isEmpty || dst.set.isEmpty)) continue;
      const spec: RuleSpec = {
        action, protocols: protocols.set, sources: src.set, destinations: dst.set, sourcePorts, destinationPorts,
        exact: exact && protocols.exact, symbolic: [...new Set(symbolic)], enabled, text, origin: this.origin(rule.line, rule.endLine),
      };
      if (rule.description !== undefined) spec.description = rule.description;
      specs.push(spec);
    }
    if (specs.length === 0) {
      // An IPv6 rule on an IPv4-only firewall: kept, disabled, so the model still shows it.
      const spec: RuleSpec = { action, sources: AddressSet.empty(), destinations: AddressSet.empty(), enabled: false, text, origin: this.origin(rule.line, rule.endLine) };
      if (rule.description !== undefined) spec.description = rule.description;
      specs.push(spec);
    }
    const shape: RuleShape = { rule, placement, quick, direction, specs };
    if (interfaces) shape.interfaces = interfaces;
    return shape;
  }

  /** pf's order: floating, then interface groups, then interfaces; within each, OPNsense's own rules by sequence before the legacy ones. */
  private ordered(): RuleShape[] {
    const shapes = this.config.filterRules.map((r) => this.shape(r));
    const rank = (s: RuleShape): number => (s.placement.kind === 'floating' ? 0 : s.placement.kind === 'group' ? 1 : 2);
    return shapes
      .map((s, i) => ({ s, i }))
      .sort((a, b) => {
        const d = rank(a.s) - rank(b.s);
        if (d !== 0) return d;
        const la = a.s.rule.layout === 'mvc' ? 0 : 1;
        const lb = b.s.rule.layout === 'mvc' ? 0 : 1;
        if (la !== lb) return la - lb;
        if (la === 0) return (a.s.rule.sequence ?? 0) - (b.s.rule.sequence ?? 0) || a.s.rule.index - b.s.rule.index;
        return a.i - b.i;
      })
      .map((x) => x.s);
  }

  private filter(): string | undefined {
    const b = new RulesetBuilder('filter', this.origin(this.config.rootLine), 'deny', this.familyArg);
    const outQuick: RuleSpec[] = [];
    const outLast: RuleSpec[] = [];
    const floatingQuick: RuleSpec[] = [];
    const lastMatch: RuleSpec[] = [];
    const byGroup = new Map<string, RuleSpec[]>();
    const byInterface = new Map<string, RuleSpec[]>();

    for (const shape of this.ordered()) {
      const where = shape.interfaces;
      if (shape.direction !== 'out') {
        const specs = shape.specs.map((spec) => (where ? { ...spec, inInterface: where } : { ...spec }));
        const p = shape.placement;
        if (!shape.quick) lastMatch.push(...specs);
        else if (p.kind === 'floating') floatingQuick.push(...specs);
        else if (p.kind === 'group') listOf(byGroup, p.name).push(...specs);
        else for (const name of p.names) listOf(byInterface, name).push(...specs);
      }
      if (shape.direction !== 'in') {
        const specs = shape.specs.map((spec) => (where ? { ...spec, outInterface: where } : { ...spec }));
        (shape.quick ? outQuick : outLast).push(...specs);
      }
    }

    for (const pass of this.passRules) this.addSplit(b, pass);
    this.builtinRules(b);
    for (const spec of floatingQuick) b.add(spec);
    for (const [name, specs] of byGroup) {
      const g = this.config.groups.get(name)!;
      const rs = new RulesetBuilder(`group:${name}`, this.origin(g.line), 'return', this.familyArg);
      for (const spec of specs) rs.add(spec);
      const target = this.add(rs);
      b.add({ action: 'jump', target, inInterface: { names: g.members, negated: false }, text: `interface group ${name}: its rules`, origin: this.origin(g.line) });
    }
    for (const [name, specs] of byInterface) {
      const iface = this.config.interfaces.get(name);
      const rs = new RulesetBuilder(`rules:${name}`, this.origin(iface?.line ?? specs[0]!.origin.line), 'return', this.familyArg);
      for (const spec of specs) rs.add(spec);
      const target = this.add(rs);
      b.add({ action: 'jump', target, inInterface: { names: [name], negated: false }, text: `interface ${name}: its rules`, origin: this.origin(iface?.line ?? specs[0]!.origin.line) });
    }
    // Non-quick rules: the last one that matches decides, so they go in reverse order, after every quick rule.
    for (const spec of [...lastMatch].reverse()) b.add(spec);
    this.dhcpClientRules(b);
    this.add(b);

    if (outQuick.length === 0 && outLast.length === 0) return undefined;
    const out = new RulesetBuilder('floating:out', this.origin(this.config.rootLine), 'allow', this.familyArg);
    for (const spec of outQuick) out.add(spec);
    for (const spec of [...outLast].reverse()) out.add(spec);
    return this.add(out);
  }

  /** pf rules pfSense and OPNsense add before the user's: they decide before any rule of the GUI. */
  private builtinRules(b: RulesetBuilder): void {
    const s = this.config.settings;
    const systemLine = s.ipv6allowLine ?? s.systemLine ?? this.config.rootLine;
    if (s.ipv6allow) {
      b.add({
        action: 'allow', protocols: protocolSet([PROTO.icmpv6]), sources: AddressSet.all('ipv6'), destinations: AddressSet.all('ipv6'), exact: false,
        text: 'pass quick inet6 proto ipv6-icmp icmp6-type {1,2,135,136} (built in: neighbour discovery and errors)', origin: this.origin(systemLine),
      });
    }
    for (const iface of this.interfaces) {
      if (!iface.enabled) continue;
      const on: InterfaceMatch = { names: [iface.name], negated: false };
      const v6 = this.resolver.dynamic(iface.name, 'ipv6');
      if (s.ipv6allow && (v6 === 'dhcp6' || v6 === 'slaac')) {
        b.add({
          action: 'allow', protocols: UDP, sources: AddressSet.all('ipv6'), destinations: AddressSet.all('ipv6'), sourcePorts: portSet([[547, 547]]),
          destinationPorts: portSet([[546, 546]]), inInterface: on, text: `pass in quick on ${iface.name} proto udp from any port 547 to any port 546 (built in: DHCPv6 client)`,
          origin: this.origin(this.resolver.dynamicLine(iface.name, 'ipv6') ?? iface.line),
        });
      }
      if (iface.blockbogons !== undefined) {
        this.addSplit(b, { action: 'deny', sources: BOGONS_V4, inInterface: on, text: `block in quick on ${iface.name} from <bogons> (built in: block bogon networks)`, origin: this.origin(iface.blockbogons) });
      }
      if (iface.blockpriv !== undefined) {
        this.addSplit(b, {
          action: 'deny', sources: PRIVATE_NETWORKS.intersect(this.all()), inInterface: on,
          text: `block in quick on ${iface.name} from {10/8, 127/8, 172.16/12, 192.168/16, fc00::/7} (built in: block private networks)`, origin: this.origin(iface.blockpriv),
        });
      }
    }
    this.antiLockout(b);
  }

  /** pfSense and OPNsense let the LAN reach the web GUI (and SSH) whatever the rules say, unless told not to. */
  private antiLockout(b: RulesetBuilder): void {
    const s = this.config.settings;
    if (s.webguiLine === undefined || s.noAntiLockout) return;
    const on = this.interfaces.length === 1 ? this.interfaces[0] : this.config.interfaces.get('lan');
    if (!on || !on.enabled) return;
    const address = this.resolver.interfaceSet(on.name, 'address', this.families);
    if (!address || address.isEmpty) return;
    const https = s.webguiProtocol !== 'http';
    const gui = Number(s.webguiPort || (https ? 443 : 80));
    const ports: [number, number][] = [];
    if (Number.isInteger(gui) && gui >= 0 && gui <= 65535) ports.push([gui, gui]);
    if (https && !s.disableHttpRedirect && gui !== 80) ports.push([80, 80]);
    if (s.sshEnabled) {
      const ssh = Number(s.sshPort || 22);
      if (Number.isInteger(ssh) && ssh >= 0 && ssh <= 65535) ports.push([ssh, ssh]);
    }
    const shown = ports.map(([p]) => p).join(' ');
    this.addSplit(b, {
      action: 'allow', protocols: TCP, destinations: address, destinationPorts: portSet(ports), inInterface: { names: [on.name], negated: false },
      text: `pass in quick on ${on.name} proto tcp from any to (${on.name}) port { ${shown} } (built in: anti-lockout rule)`,
      origin: this.origin(s.webguiLine),
    });
  }

  /** The DHCP client's replies: a non-quick pass, so any rule of the interface decides before it. */
  private dhcpClientRules(b: RulesetBuilder): void {
    for (const iface of this.interfaces) {
      if (!iface.enabled || this.resolver.dynamic(iface.name, 'ipv4') !== 'dhcp') continue;
      b.add({
        action: 'allow', protocols: UDP, sources: AddressSet.all('ipv4'), destinations: AddressSet.all('ipv4'), sourcePorts: portSet([[67, 67]]),
        destinationPorts: portSet([[68, 68]]), inInterface: { names: [iface.name], negated: false },
        text: `pass in on ${iface.name} proto udp from any port 67 to any port 68 (built in: DHCP client)`,
        origin: this.origin(this.resolver.dynamicLine(iface.name, 'ipv4') ?? iface.line),
      });
    }
  }

  // ── stages around the rules ─────────────────────────────────────────────────────────────────

  /** Packets for the firewall: its own addresses (any public address, where it takes one from the provider). */
  private toSelf(): string {
    const b = new RulesetBuilder('to-self', this.origin(this.interfaces[0]?.line ?? this.config.rootLine), 'deny', this.familyArg);
    const own = this.resolver.staticSelf().intersect(this.all());
    if (!own.isEmpty) this.addSplit(b, { action: 'allow', destinations: own, text: 'the firewall\'s own addresses', origin: this.origin(this.interfaces[0]?.line ?? this.config.rootLine) });
    for (const f of this.families) {
      const dynamic = this.interfaces.find((i) => i.enabled && this.resolver.dynamic(i.name, f) !== undefined);
      if (!dynamic) continue;
      const space = f === 'ipv4' ? SPECIAL_RANGES.publicIpv4 : SPECIAL_RANGES.publicIpv6;
      this.addSplit(b, {
        action: 'allow', destinations: space,
        text: `interface ${dynamic.name}: ${f === 'ipv4' ? 'IPv4' : 'IPv6'} address from ${this.resolver.dynamic(dynamic.name, f)!}`,
        origin: this.origin(this.resolver.dynamicLine(dynamic.name, f) ?? dynamic.line),
      });
    }
    return this.add(b);
  }

  /** Routed packets never go to the firewall's own public addresses: those are delivered to it (`to-self`). */
  private notSelf(): string | undefined {
    const own = publicPart(this.resolver.staticSelf()).subtract(AddressSet.unionAll(this.natTargets)).intersect(this.all());
    if (own.isEmpty) return undefined;
    const line = this.interfaces[0]?.line ?? this.config.rootLine;
    const b = new RulesetBuilder('not-self', this.origin(line), 'allow', this.familyArg);
    this.addSplit(b, { action: 'deny', destinations: own, text: 'the firewall\'s own addresses are not routed', origin: this.origin(line) });
    return this.add(b);
  }

  private disabledInterfaces(): string | undefined {
    const off = this.interfaces.filter((i) => !i.enabled);
    if (off.length === 0) return undefined;
    const b = new RulesetBuilder('interfaces:disabled', this.origin(off[0]!.line), 'allow', this.familyArg);
    for (const i of off) b.add({ action: 'deny', inInterface: { names: [i.name], negated: false }, text: `interface ${i.name} is not enabled`, origin: this.origin(i.line) });
    return this.add(b);
  }
}

/**
 * NAT rules by the port buckets their destination ports touch (those with no port condition, or
 * ports too wide, on the wide list): a rule that takes every packet of a later one has the later
 * one's first port, so only the rules near it are asked, not every earlier forward of thousands.
 */
class TakenIndex {
  private readonly byPort = new PortBuckets<RuleSpec>();
  private readonly all: RuleSpec[] = [];

  add(spec: RuleSpec): void {
    this.all.push(spec);
    this.byPort.add(spec, spec.destinationPorts ?? ALL_PORTS);
  }

  /** Whether a rule added so far takes every packet `later` would. */
  takes(later: RuleSpec): boolean {
    const ports = later.destinationPorts;
    // No ports at all: any rule covers that. No port condition: only a rule without one does (on the
    // wide list). Otherwise: a rule whose ports hold the first of `later`'s.
    const near =
      ports === undefined ? [this.byPort.wide]
      : ports.isEmpty ? [this.all]
      : this.byPort.near(portSet([[ports.bounds[0]!, ports.bounds[0]!]]))!;
    return near.some((list) => list.some((earlier) => takes(earlier, later)));
  }
}

/** Whether the earlier NAT rule takes every packet the later one would (so the later one never translates). */
function takes(earlier: RuleSpec, later: RuleSpec): boolean {
  const names = (m: InterfaceMatch | undefined): string[] => m?.names ?? [];
  const ifaces = names(later.inInterface).every((n) => names(earlier.inInterface).includes(n));
  const set = <T extends { covers(o: T): boolean }>(a: T | undefined, b: T | undefined): boolean => a === undefined || (b !== undefined && a.covers(b));
  return (
    ifaces &&
    set(earlier.protocols, later.protocols) &&
    set(earlier.sources, later.sources) &&
    set(earlier.destinations, later.destinations) &&
    set(earlier.sourcePorts, later.sourcePorts) &&
    set(earlier.destinationPorts, later.destinationPorts)
  );
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/** OPNsense orders by `<sequence>` where every rule has one; otherwise the file's order. */
function bySequence<T extends { sequence?: number; index: number }>(rules: T[]): T[] {
  if (!rules.every((r) => r.sequence !== undefined)) return rules;
  return [...rules].sort((a, b) => a.sequence! - b.sequence! || a.index - b.index);
}

function endpointText(ep: PfEndpoint): string {
  const items = ep.items.length === 0 ? 'any' : ep.items.map((i) => i.value).join(',');
  return `${ep.not ? '!' : ''}${items}${ep.port ? ` port ${ep.port.value}` : ''}`;
}

function natText(r: PfNatRule, ifaces: string[]): string {
  const proto = r.protocol ? ` proto ${r.protocol.value.toLowerCase()}` : '';
  const to = r.destination.items.length === 0 && !r.destination.any && !r.destination.not ? `(${ifaces.join(',')})${r.destination.port ? ` port ${r.destination.port.value}` : ''}` : endpointText(r.destination);
  const head = `${r.nordr ? 'no rdr' : 'rdr'} on ${ifaces.join(',')}${proto} from ${endpointText(r.source)} to ${to}`;
  return r.nordr ? head : `${head} -> ${targetText(r)}`;
}

function targetText(r: PfNatRule): string {
  const target = r.target?.value ?? '?';
  return r.localPort ? `${target}:${r.localPort.value}` : target;
}

function filterText(rule: PfFilterRule, action: RuleAction, direction: 'in' | 'out' | 'any', quick: boolean): string {
  const verb = action === 'allow' ? 'pass' : action === 'deny' ? 'block' : action === 'reject' ? 'block return' : 'match';
  const dir = direction === 'any' ? '' : ` ${direction}`;
  const on = rule.interface?.value ? ` on ${rule.interfaceNot ? '!' : ''}${rule.interface.value}` : '';
  const ipp = rule.ipprotocol ? ` ${rule.ipprotocol.value}` : '';
  const proto = rule.protocol && rule.protocol.value.toLowerCase() !== 'any' ? ` proto ${rule.protocol.value.toLowerCase()}` : '';
  return `${verb}${dir}${quick ? ' quick' : ''}${on}${ipp}${proto} from ${endpointText(rule.source)} to ${endpointText(rule.destination)}`;
}

