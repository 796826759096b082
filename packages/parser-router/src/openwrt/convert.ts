import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  PROTO,
  formatPorts,
  protocolSet,
  type Device,
  type Family,
  type FilterRule,
  type LineLedger,
  type Origin,
  type PortForward,
  type ProtocolSet,
  type RuleAction,
  type Ruleset,
  type Translation,
} from '@portcullis/model';
import type { AddressTerm, FirewallConfig, Policy, ProtocolTerm, Redirect, Rule, Zone, ZoneRef } from './syntax.js';
import { familyAddresses } from './values.js';
import { filterRule, type RuleSpec } from '../common/rulesets.js';

/*
 * Turns an OpenWrt firewall (fw3 and fw4 read the same sections the same way) into one Device,
 * following the chains fw4 generates (docs/formats/openwrt.md):
 *
 *   dnat     `dstnat`: the redirects in file order, taking packets from their source zone's networks;
 *            without `dest_ip` a redirect goes to the router itself. Each is also a port forward.
 *   input    `input`: rules with `src '*'`, then a jump per zone (by its networks) into `input:ZONE`:
 *            the zone's rules (`src ZONE`, no `dest`) in order, then what port redirections to the
 *            router accept (`ct status dnat accept`), then the zone's input policy.
 *   forward  `forward`: rules with `src '*'` and a `dest`, then a jump per zone into `forward:ZONE`:
 *            its rules (`src ZONE` with a `dest`), the forwarded connections of its port forwards
 *            (fw4's `ct status dnat accept`, limited to the redirect's `dest` zone when it names one),
 *            its `forwarding` sections, and its forward policy for traffic that stays in the zone;
 *            what none of them decides meets the default forward policy.
 *
 * A zone's networks are the interface names (without /etc/config/network the devices are not
 * known); the zones named wan or wan6, and the masquerading zones, face the internet.
 */

const TCP_UDP = protocolSet([PROTO.tcp, PROTO.udp]);
const OUTSIDE_ZONES = new Set(['wan', 'wan6']);

class RulesetBuilder {
  readonly rules: FilterRule[] = [];

  constructor(readonly name: string) {}

  add(spec: RuleSpec): FilterRule {
    const rule = filterRule(`${this.name}#${this.rules.length + 1}`, spec, undefined);
    this.rules.push(rule);
    return rule;
  }
}

export function convertFirewall(config: FirewallConfig, file: string, ledger: LineLedger): Device {
  return new Converter(config, file, ledger).device();
}

/** `etc/config/firewall` → `firewall`; `edge.uci` → `edge`. */
export function fileDeviceName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** The families a section applies to; undefined when its addresses and zones disagree (the firewall skips it). */
type Families = Family[];

interface Groups {
  /** TCP and UDP, which take the ports. */
  ported?: ProtocolSet;
  /** Everything else the section names: ports do not apply. */
  other?: ProtocolSet;
}

class Converter {
  private readonly zones = new Map<string, Zone>();
  private readonly input = new RulesetBuilder('input');
  private readonly forward = new RulesetBuilder('forward');
  private readonly dstnat = new RulesetBuilder('dstnat');
  private readonly zoneInput = new Map<string, RulesetBuilder>();
  private readonly zoneForward = new Map<string, RulesetBuilder>();
  /** Per zone: what its port forwards let through (forward) and its redirections to the router (input). */
  private readonly forwarded = new Map<string, RuleSpec[]>();
  private readonly redirected = new Map<string, RuleSpec[]>();
  private readonly forwards: PortForward[] = [];

  constructor(
    private readonly config: FirewallConfig,
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {
    for (const z of config.zones) if (z.enabled && !z.invalid && !this.zones.has(z.name)) this.zones.set(z.name, z);
    for (const z of this.zones.values()) {
      this.zoneInput.set(z.name, new RulesetBuilder(`input:${z.name}`));
      this.zoneForward.set(z.name, new RulesetBuilder(`forward:${z.name}`));
    }
  }

  device(): Device {
    for (const r of this.config.redirects) this.redirect(r);
    for (const r of this.config.rules) this.rule(r);
    for (const inc of this.config.includes) {
      if (!inc.enabled) continue;
      this.ledger.note(
        inc.span.line, 'warning', 'include-not-read',
        `the ${inc.type ?? 'script'} include ${inc.path ?? '(no path)'} adds rules this file does not show; Portcullis does not read them`,
      );
    }
    const rulesets: Record<string, Ruleset> = {};
    const put = (rs: Ruleset): void => {
      rulesets[rs.name] = rs;
    };
    const defaults = this.config.defaults;
    const externals = this.externalInterfaces();
    // Global chains: `src '*'` rules came in through rule(); now the forwardings from any zone, then the zone jumps.
    for (const f of this.config.forwardings) if (f.src?.any) this.forwarding(f, this.forward);
    for (const zone of this.zones.values()) {
      this.zoneJump(this.input, zone, `input:${zone.name}`);
      this.zoneJump(this.forward, zone, `forward:${zone.name}`);
    }
    put(this.build(this.input, this.policy(defaults?.input?.value), true, this.origin(defaults?.input?.line ?? defaults?.span.line ?? 1)));
    put(this.build(this.forward, this.policy(defaults?.forward?.value), true, this.origin(defaults?.forward?.line ?? defaults?.span.line ?? 1)));
    for (const zone of this.zones.values()) {
      const inputPolicy = zone.input ?? defaults?.input;
      const zi = this.zoneInput.get(zone.name)!;
      for (const spec of this.redirected.get(zone.name) ?? []) zi.add(spec);
      put(this.build(zi, this.policy(inputPolicy?.value), true, this.origin(zone.input?.line ?? zone.span.line, zone.span.endLine)));
      const zf = this.zoneForward.get(zone.name)!;
      for (const spec of this.forwarded.get(zone.name) ?? []) zf.add(spec);
      for (const f of this.config.forwardings) if (f.src && !f.src.any && f.src.zone === zone.name) this.forwarding(f, zf);
      const forwardPolicy = zone.forward ?? defaults?.forward;
      const ifaces = this.interfaces(zone);
      if (ifaces.length > 0) {
        const policy = forwardPolicy?.value ?? 'drop';
        zf.add({
          action: policy === 'accept' ? 'allow' : policy === 'reject' ? 'reject' : 'deny',
          outInterface: ifaces,
          destinations: familyAddresses(zone.family),
          text: `zone ${zone.name}: forward ${policy.toUpperCase()} (traffic that stays in the zone)`,
          origin: this.origin(forwardPolicy?.line ?? zone.span.line),
        });
      }
      put(this.build(zf, 'return', false, this.origin(zone.span.line, zone.span.endLine)));
    }
    const hasNat = this.dstnat.rules.length > 0;
    if (hasNat) put(this.build(this.dstnat, 'allow', true, this.dstnat.rules[0]!.origin));
    return {
      name: fileDeviceName(this.file),
      vendor: 'openwrt',
      format: 'openwrt',
      file: this.file,
      family: 'mixed',
      rulesets,
      pipeline: { prerouting: [], dnat: hasNat ? ['dstnat'] : [], input: ['input'], forward: ['forward'] },
      forwards: this.forwards,
      externalInterfaces: externals,
      origin: { file: this.file, line: 1 },
    };
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  private origin(line: number, endLine?: number): Origin {
    return endLine !== undefined && endLine > line ? { file: this.file, line, endLine } : { file: this.file, line };
  }

  private build(b: RulesetBuilder, defaultAction: Ruleset['defaultAction'], builtin: boolean, origin: Origin): Ruleset {
    return { name: b.name, semantics: 'first-match', defaultAction, builtin, rules: b.rules, origin };
  }

  private policy(p: Policy | undefined): 'allow' | 'deny' {
    return p === 'accept' ? 'allow' : 'deny';
  }

  /** A zone's networks and devices: the interface names its rules are keyed by. */
  private interfaces(zone: Zone): string[] {
    return [...zone.networks, ...zone.devices.filter((d) => !d.startsWith('!'))];
  }

  private zoneOf(ref: ZoneRef | undefined): Zone | undefined {
    return ref && !ref.any ? this.zones.get(ref.zone) : undefined;
  }

  private externalInterfaces(): string[] {
    const out: string[] = [];
    for (const zone of this.zones.values()) {
      if (!OUTSIDE_ZONES.has(zone.name.toLowerCase()) && !zone.masq) continue;
      for (const i of this.interfaces(zone)) if (!out.includes(i)) out.push(i);
    }
    if (out.length === 0 && this.zones.size > 0) {
      const first = this.config.zones[0]!;
      this.ledger.note(first.span.line, 'info', 'no-outside-zone', 'no zone is named wan or masquerades: every network is treated as facing the internet');
    }
    return out;
  }

  /** The jump into a zone's chain: by its networks (and its `subnet` sources), for its family. */
  private zoneJump(b: RulesetBuilder, zone: Zone, target: string): void {
    const ifaces = this.interfaces(zone);
    const spec: RuleSpec = {
      action: 'jump',
      target,
      destinations: familyAddresses(zone.family),
      text: `zone ${zone.name}${ifaces.length > 0 ? ` (${ifaces.join(', ')})` : ''}`,
      origin: this.origin(zone.span.line),
      exact: zone.inexact.length === 0,
    };
    if (ifaces.length > 0) spec.inInterface = ifaces;
    if (zone.subnets) {
      spec.sources = this.addressSet(zone.subnets, zone.family ? [zone.family] : ['ipv4', 'ipv6']);
      if (zone.subnets.symbolic.length > 0) {
        spec.exact = false;
        spec.symbolic = [...zone.subnets.symbolic];
      }
    }
    b.add(spec);
  }

  /** An address term within the families a section applies to. */
  private addressSet(term: AddressTerm | undefined, families: Families): AddressSet {
    let all = AddressSet.empty();
    for (const f of families) all = all.union(AddressSet.all(f));
    if (!term) return all;
    const base = term.hasPositive ? term.positive : all;
    return base.subtract(term.negative).intersect(all);
  }

  /**
   * fw4's family inference: an explicit `family`, else the one family the addresses and zones
   * name, else (for a rule) both; undefined when they disagree.
   */
  private families(explicit: Family | 'any' | undefined, objects: (Set<Family> | Family | undefined)[]): Families | undefined {
    let res: Family | undefined = explicit === 'ipv4' || explicit === 'ipv6' ? explicit : undefined;
    for (const o of objects) {
      if (o === undefined) continue;
      const only = typeof o === 'string' ? o : o.size === 1 ? [...o][0]! : undefined;
      if (only === undefined) continue;
      if (res === undefined) res = only;
      else if (only !== res) return undefined;
    }
    return res ? [res] : ['ipv4', 'ipv6'];
  }

  /** The protocols of a section, split into those that take ports and the others. */
  private groups(proto: ProtocolTerm | undefined, families: Families): Groups {
    if (!proto) return { ported: TCP_UDP };
    if (proto.any) return { other: ALL_PROTOCOLS };
    let set = proto.protocols;
    if (proto.icmp) {
      if (families.includes('ipv4')) set = set.union(protocolSet([PROTO.icmp]));
      if (families.includes('ipv6')) set = set.union(protocolSet([PROTO.icmpv6]));
    }
    const ported = set.intersect(TCP_UDP);
    const other = set.subtract(TCP_UDP);
    const out: Groups = {};
    if (!ported.isEmpty) out.ported = ported;
    if (!other.isEmpty) out.other = other;
    return out;
  }

  private portsIgnored(line: number, what: string, other: ProtocolSet | undefined, hasPorts: boolean): void {
    if (!hasPorts || !other) return;
    const all = other.isFull;
    this.ledger.note(
      line, 'warning', 'ports-ignored',
      `ports apply to tcp and udp only: for ${all ? 'every protocol' : 'its other protocols'} the ${what} matches every port, as fw3 and fw4 do`,
    );
  }

  // ── rules ───────────────────────────────────────────────────────────────────────────────────

  private rule(r: Rule): void {
    const target = r.target?.value;
    if (target === 'notrack' || target === 'helper' || target === 'mark' || target === 'dscp') return; // raw and mangle: they decide nothing
    if (target === 'dnat' || target === 'snat' || target === 'masquerade') {
      this.ledger.note(r.span.line, 'warning', 'invalid-value', `'${target.toUpperCase()}' is not a rule target (it belongs to a redirect); the rule is not modelled`);
      return;
    }
    // No source zone: traffic the router sends (output), not what gets in. (An invalid one is kept, disabled.)
    if (!r.src && !r.invalid) return;
    const srcZone = this.zoneOf(r.src);
    const destZone = this.zoneOf(r.dest);
    let families = this.families(r.family, [r.srcIp?.families, r.destIp?.families, srcZone?.family, destZone?.family]);
    let enabled = r.enabled && !r.invalid;
    if (!families) {
      if (!r.invalid) this.ledger.note(r.span.line, 'warning', 'family-conflict', 'the addresses, zones and family of this rule name different IP versions; fw3 and fw4 skip it');
      families = ['ipv4', 'ipv6'];
      enabled = false;
    }
    if (!r.target && enabled) {
      this.ledger.note(r.span.line, 'warning', 'missing-target', 'the rule has no target: fw4 only counts its packets, fw3 rejects them; Portcullis lets it decide nothing');
    }
    const action: RuleAction = target === 'accept' ? 'allow' : target === 'reject' ? 'reject' : target === 'drop' ? 'deny' : 'continue';
    // A rule without `src` (invalid, reported) is kept disabled in the zone-less chain.
    const forward = r.dest !== undefined;
    const builder = !r.src || r.src.any ? (forward ? this.forward : this.input) : (forward ? this.zoneForward : this.zoneInput).get(r.src.zone)!;
    const groups = this.groups(r.proto, families);
    const hasPorts = r.destPort !== undefined || r.srcPort !== undefined;
    if (enabled) this.portsIgnored(r.span.line, 'rule', groups.other, hasPorts);
    const base: RuleSpec = {
      action,
      sources: this.addressSet(r.srcIp, families),
      destinations: this.addressSet(r.destIp, families),
      exact: r.inexact.length === 0 && r.symbolic.length === 0 && !(r.srcIp?.symbolic.length) && !(r.destIp?.symbolic.length),
      symbolic: [...r.symbolic, ...(r.srcIp?.symbolic ?? []), ...(r.destIp?.symbolic ?? [])],
      enabled,
      text: r.text,
      origin: this.origin(r.span.line, r.span.endLine),
    };
    if (r.name !== undefined) base.description = r.name;
    if (destZone && action !== 'continue') {
      const ifaces = this.interfaces(destZone);
      if (ifaces.length > 0) base.outInterface = ifaces;
    }
    if (groups.ported) {
      const spec: RuleSpec = { ...base, protocols: groups.ported };
      if (r.destPort) spec.destinationPorts = r.destPort.set;
      if (r.srcPort) spec.sourcePorts = r.srcPort.set;
      builder.add(spec);
    }
    if (groups.other) builder.add({ ...base, protocols: groups.other });
  }

  private forwarding(f: FirewallConfig['forwardings'][number], b: RulesetBuilder): void {
    const destZone = this.zoneOf(f.dest);
    const families = this.families(f.family, [this.zoneOf(f.src)?.family, destZone?.family]) ?? ['ipv4', 'ipv6'];
    const from = f.src?.any ? 'any zone' : `zone ${f.src && !f.src.any ? f.src.zone : '?'}`;
    const to = !f.dest || f.dest.any ? 'any zone' : `zone ${f.dest.zone}`;
    const spec: RuleSpec = {
      action: 'allow',
      destinations: this.addressSet(undefined, families),
      enabled: f.enabled && !f.invalid,
      text: `forwarding${f.name !== undefined ? ` '${f.name}'` : ''}: ${from} to ${to}`,
      origin: this.origin(f.span.line, f.span.endLine),
    };
    if (destZone) spec.outInterface = this.interfaces(destZone);
    b.add(spec);
  }

  // ── redirects ───────────────────────────────────────────────────────────────────────────────

  private redirect(r: Redirect): void {
    if (r.target.value === 'snat') return; // source NAT opens nothing
    let enabled = r.enabled && !r.invalid;
    const srcZone = this.zoneOf(r.src);
    const destZone = this.zoneOf(r.dest);
    const say = (code: string, message: string): void => {
      if (enabled) this.ledger.note(r.span.line, 'warning', code, message);
      enabled = false;
    };
    if (!r.src && !r.invalid) say('invalid-value', "a DNAT redirect needs a source zone ('src'); fw3 and fw4 skip it");
    else if (r.src?.any) say('invalid-value', "a DNAT redirect must not have source '*'; fw3 and fw4 skip it");
    if (r.destIp && (!r.destIp.hasPositive || !r.destIp.negative.isEmpty)) say('invalid-value', "a redirect's 'dest_ip' must not be negated; fw3 and fw4 skip it");
    if (r.destIp?.symbolic.some((s) => s.startsWith('masked:'))) say('invalid-value', "a redirect's 'dest_ip' must not use a non-contiguous mask; fw4 skips it");
    const addressed = [r.srcIp, r.srcDip, r.destIp].filter((t): t is AddressTerm => t !== undefined);
    let families = this.families(r.family, [r.srcIp?.families, r.srcDip?.families, r.destIp?.families, srcZone?.family, destZone?.family]);
    if (!families) {
      say('family-conflict', 'the addresses, zones and family of this redirect name different IP versions; fw3 and fw4 skip it');
      families = ['ipv4'];
    } else if (families.length === 2) {
      // Unrestricted: the families its addresses name, else IPv4 only unless `family any` (as fw4, for fw3's sake).
      const named = new Set<Family>(addressed.flatMap((t) => [...t.families]));
      if (named.size > 0) families = (['ipv4', 'ipv6'] as const).filter((f) => named.has(f));
      else if (r.family !== 'any') families = ['ipv4'];
    }
    if (r.destIp && r.destIp.positive.intervals.rangeCount > 1) {
      this.ledger.note(r.destIp.line, 'warning', 'invalid-value', "'dest_ip' names several addresses: fw4 rewrites to the first one only");
    }
    const groups = this.groups(r.proto, families);
    const hasPorts = r.srcDport !== undefined || r.destPort !== undefined || r.srcPort !== undefined;
    if (enabled) this.portsIgnored(r.span.line, 'redirect', groups.other, hasPorts);
    const inInterface = srcZone ? this.interfaces(srcZone) : [];
    let sources = this.addressSet(r.srcIp, families);
    if (srcZone?.subnets) sources = sources.intersect(this.addressSet(srcZone.subnets, families));
    const destinations = this.addressSet(r.srcDip, families);
    let inside = r.destIp ? r.destIp.positive.intersect(this.addressSet(undefined, families)) : undefined;
    const symbolic = [...r.symbolic, ...(r.srcIp?.symbolic ?? []), ...(r.srcDip?.symbolic ?? []), ...(r.destIp?.symbolic ?? [])];
    // A `dest_ip` that names a network: the target is known only on the router, so it may be any host.
    if (inside && inside.isEmpty) inside = this.addressSet(undefined, families);
    const exact = r.inexact.length === 0 && symbolic.length === 0;
    const origin = this.origin(r.span.line, r.span.endLine);
    const zoneName = srcZone?.name;
    const emit = (protocols: ProtocolSet, ported: boolean): void => {
      const externalPorts = ported && r.srcDport ? r.srcDport.set : ALL_PORTS;
      const internalPorts = ported ? (r.destPort ?? r.srcDport)?.set : undefined;
      const insideText = inside ? inside.toCidrs().map((c) => c.replace(/\/(32|128)$/, '')).join(',') : 'this router';
      const translation: Translation = { text: internalPorts ? `${insideText}:${formatPorts(internalPorts)}` : insideText };
      if (inside) translation.addresses = inside;
      if (internalPorts) translation.ports = internalPorts;
      const spec: RuleSpec = {
        action: inside ? 'dnat' : 'redirect',
        protocols,
        sources,
        destinations,
        destinationPorts: externalPorts,
        exact,
        symbolic,
        translation,
        enabled,
        text: r.text,
        origin,
      };
      if (ported && r.srcPort) spec.sourcePorts = r.srcPort.set;
      if (inInterface.length > 0) spec.inInterface = inInterface;
      if (r.name !== undefined) spec.description = r.name;
      const rule = this.dstnat.add(spec);
      const fwd: PortForward = {
        ruleId: rule.id,
        protocols,
        externalPorts,
        externalAddresses: destinations,
        sources,
        enabled,
        text: r.text,
        origin,
      };
      if (inInterface.length > 0) fwd.inInterface = { names: inInterface, negated: false };
      if (inside) fwd.internalAddresses = inside;
      if (internalPorts) fwd.internalPorts = internalPorts;
      this.forwards.push(fwd);
      if (!enabled || zoneName === undefined) return;
      // fw3 and fw4 accept what a port forward translated in the source zone's chains (`ct status dnat accept`).
      const pass: RuleSpec = {
        action: 'allow',
        protocols,
        sources,
        destinations: inside ?? this.addressSet(undefined, families),
        destinationPorts: internalPorts ?? externalPorts,
        exact,
        symbolic,
        text: `${r.text} (accepted as a port ${inside ? 'forward' : 'redirection'})`,
        origin,
      };
      if (inside && destZone) {
        const ifaces = this.interfaces(destZone);
        if (ifaces.length > 0) pass.outInterface = ifaces;
      }
      const table = inside ? this.forwarded : this.redirected;
      const list = table.get(zoneName) ?? [];
      list.push(pass);
      table.set(zoneName, list);
    };
    if (groups.ported) emit(groups.ported, true);
    if (groups.other) emit(groups.other, false);
  }
}
