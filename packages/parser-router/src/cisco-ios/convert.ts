import {
  ALL_PORTS,
  AddressSet,
  protocolSet,
  singlePort,
  type Device,
  type Family,
  type LineLedger,
  type PortForward,
  type Ruleset,
  type Translation,
} from '@portcullis/model';
import { RulesetBuilder, aclEntryRules, fileDeviceName, longestFirst, type AclContext, type Route, type RuleSpec } from '../cisco-common/model.js';
import { ObjectTable } from '../cisco-common/objects.js';
import { formatIpv4 } from '../cisco-common/values.js';
import { aclKey } from './parser.js';
import type { IosAccessGroup, IosConfig, IosInterface, IosStaticNat } from './syntax.js';

/*
 * Turns an IOS configuration into the model, expressing IOS's order of operations with rulesets
 * (docs/formats/cisco.md):
 *
 *   prerouting  `inbound`: per interface, `goto acl:NAME` (its inbound ACL, checked before NAT, so
 *               on the outside global address), `allow` for an interface without one, `deny` for a
 *               shut-down interface. An outside interface without an ACL enters `interface:NAME`,
 *               an empty ruleset whose default is allow: a default-accept boundary.
 *   dnat        `nat`: `ip nat inside source static` as DNAT rules taking packets from the
 *               `ip nat outside` interfaces; also listed as port forwards.
 *   forward     `outbound` (only with outbound ACLs): by destination, the outbound ACL of the
 *               interface the route table sends it to; then `routed`: translated packets (already
 *               checked by the inbound ACL before NAT) pass, and routed packets meet the inbound
 *               ACL again, so exposures are reported at the ACL entry that lets them in.
 *
 * Every ACL is a ruleset `acl:NAME` (`acl6:NAME` for IPv6) with the implicit deny as its default.
 */

const V4 = AddressSet.all('ipv4');

export function convertIos(config: IosConfig, file: string, ledger: LineLedger): Device {
  return new IosConverter(config, file, ledger).device();
}

class IosConverter {
  private readonly family: Family | 'mixed';
  private readonly rulesets: Record<string, Ruleset> = {};
  private readonly interfaces: IosInterface[];
  private readonly external: IosInterface[];
  private readonly forwards: PortForward[] = [];
  /** The DNAT rules' specs, replayed in `routed` to let translated packets through. */
  private readonly translated: RuleSpec[] = [];
  private readonly translatedKeys = new Set<string>();

  constructor(
    private readonly config: IosConfig,
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {
    this.family = config.ipv6 ? 'mixed' : 'ipv4';
    this.interfaces = [...config.interfaces.values()];
    this.external = this.interfaces.filter((i) => i.nat?.side === 'outside' && !i.shutdown);
  }

  private get families(): Family[] {
    return this.family === 'mixed' ? ['ipv4', 'ipv6'] : ['ipv4'];
  }

  device(): Device {
    this.acls();
    this.dispatch('inbound');
    this.nat();
    const outbound = this.outbound();
    this.routed();
    const name = this.config.hostname ?? fileDeviceName(this.file);
    return {
      name,
      vendor: 'cisco-ios',
      format: 'cisco-ios',
      file: this.file,
      family: this.family,
      rulesets: this.rulesets,
      pipeline: {
        prerouting: ['inbound'],
        dnat: this.rulesets['nat'] ? ['nat'] : [],
        input: [],
        forward: outbound ? ['outbound', 'routed'] : ['routed'],
      },
      forwards: this.forwards,
      externalInterfaces: this.external.map((i) => i.name),
      origin: { file: this.file, line: 1 },
    };
  }

  private add(ruleset: Ruleset): void {
    this.rulesets[ruleset.name] = ruleset;
  }

  private acls(): void {
    const ctx: AclContext = {
      file: this.file,
      family: 'ipv4',
      objects: new ObjectTable(this.config.objects),
      ledger: this.ledger,
      warned: new Set(),
    };
    for (const acl of this.config.acls.values()) {
      // An access list with no entries lets everything through, as IOS treats an empty list.
      const empty = acl.entries.length === 0;
      const builder = new RulesetBuilder(aclRulesetName(acl.name, acl.family), this.file, { file: this.file, line: acl.line }, empty ? 'allow' : 'deny', acl.family);
      const aclCtx: AclContext = { ...ctx, family: acl.family };
      for (const entry of acl.entries) aclEntryRules(entry, aclCtx, builder);
      this.add(builder.build());
    }
  }

  /** The ACL ruleset an access group enters, or undefined (with a warning) when the list is not defined. */
  private groupTarget(group: IosAccessGroup): string | undefined {
    if (this.config.acls.has(aclKey(group.acl, group.family))) return aclRulesetName(group.acl, group.family);
    this.ledger.note(
      group.line, 'warning', 'unresolved-reference',
      `access list ${group.acl} is not defined; IOS lets every packet through an undefined list`,
    );
    return undefined;
  }

  /**
   * Per interface: its inbound ACL, or a deny when it is shut down. Interfaces without an inbound
   * ACL share one allow rule (per address family), so what they let in is reported once, not once
   * per VLAN; an outside interface without one enters its own default-accept ruleset instead.
   */
  private dispatch(name: 'inbound' | 'routed', builder?: RulesetBuilder): void {
    const b = builder ?? new RulesetBuilder(name, this.file, { file: this.file, line: this.interfaces[0]?.line ?? 1 }, 'deny', this.familyArg);
    const open = new Map<Family, IosInterface[]>(this.families.map((f) => [f, []]));
    for (const iface of this.interfaces) {
      const on = [iface.name];
      if (iface.shutdown) {
        b.add({ action: 'deny', inInterface: on, text: `interface ${iface.name}: shutdown`, line: iface.line });
        continue;
      }
      for (const family of this.families) {
        const destinations = this.family === 'mixed' ? AddressSet.all(family) : undefined;
        const group = iface.accessGroups.find((g) => g.direction === 'in' && g.family === family);
        const target = group ? (name === 'inbound' ? this.groupTarget(group) : this.quietTarget(group)) : undefined;
        const spec: RuleSpec = { action: 'goto', inInterface: on, text: '', line: iface.line };
        if (destinations) spec.destinations = destinations;
        if (group && target) {
          const command = group.family === 'ipv6' ? 'ipv6 traffic-filter' : 'ip access-group';
          Object.assign(spec, { target, line: group.line, text: `interface ${iface.name}: ${command} ${group.acl} in` });
        } else if (!group && this.external.includes(iface)) {
          Object.assign(spec, { target: this.openInterface(iface), text: `interface ${iface.name}: no inbound access list` });
        } else if (group) {
          Object.assign(spec, { action: 'allow', line: group.line, text: `interface ${iface.name}: access list ${group.acl} is not defined` });
        } else {
          open.get(family)!.push(iface);
          continue;
        }
        b.add(spec);
      }
    }
    const v4 = open.get('ipv4') ?? [];
    const v6 = open.get('ipv6') ?? [];
    const same = v4.length === v6.length && v4.every((x, i) => v6[i] === x);
    const openRule = (ifaces: IosInterface[], family: Family | undefined): void => {
      if (ifaces.length === 0) return;
      const names = ifaces.map((i) => i.name);
      const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')}, … (${names.length})` : names.join(', ');
      const spec: RuleSpec = { action: 'allow', inInterface: names, text: `no inbound${family === 'ipv6' ? ' IPv6' : ''} access list on ${shown}`, line: ifaces[0]!.line };
      if (family) spec.destinations = AddressSet.all(family);
      b.add(spec);
    };
    if (this.family !== 'mixed' || same) openRule(v4, undefined);
    else {
      openRule(v4, 'ipv4');
      openRule(v6, 'ipv6');
    }
    if (!builder) this.add(b.build());
  }

  private quietTarget(group: IosAccessGroup): string | undefined {
    return this.config.acls.has(aclKey(group.acl, group.family)) ? aclRulesetName(group.acl, group.family) : undefined;
  }

  /** An outside interface without an inbound ACL: an empty ruleset that accepts by default. */
  private openInterface(iface: IosInterface): string {
    const name = `interface:${iface.name}`;
    if (!this.rulesets[name]) this.add(new RulesetBuilder(name, this.file, { file: this.file, line: iface.line }, 'allow', this.familyArg).build());
    return name;
  }

  private get familyArg(): Family | undefined {
    return this.family === 'mixed' ? undefined : this.family;
  }

  private nat(): void {
    if (this.config.staticNats.length === 0) return;
    const b = new RulesetBuilder('nat', this.file, { file: this.file, line: this.config.staticNats[0]!.line }, 'allow', this.familyArg);
    if (this.external.length === 0) {
      const first = this.config.staticNats[0]!;
      this.ledger.note(
        first.line, 'info', 'nat-without-outside',
        `no interface has 'ip nat outside' (and is up): the ${this.config.staticNats.length} static translation(s) never apply and are kept as disabled forwards`,
      );
    }
    for (const nat of this.config.staticNats) this.staticNat(nat, b);
    this.add(b.build());
  }

  private staticNat(nat: IosStaticNat, b: RulesetBuilder): void {
    const outside = this.external.map((i) => i.name);
    let destinations = V4;
    let inInterface = outside;
    if (nat.global.kind === 'address') destinations = nat.global.set;
    else {
      const globalName = nat.global.name;
      const iface = this.config.interfaces.get(globalName);
      const primary = iface?.addresses[0];
      if (!iface) {
        this.ledger.note(nat.line, 'warning', 'unresolved-reference', `interface ${globalName} is not defined; the translation is read as taking any address`);
      } else if (primary) destinations = primary.address;
      else if (outside.includes(iface.name)) inInterface = [iface.name]; // address not in the file: whatever arrives there
    }
    const protocols = nat.protocol ? protocolSet([nat.protocol === 'tcp' ? 6 : 17]) : undefined;
    const externalPorts = nat.globalPort !== undefined ? singlePort(nat.globalPort) : ALL_PORTS;
    const internalPorts = nat.localPort !== undefined ? singlePort(nat.localPort) : ALL_PORTS;
    const local = nat.local.toCidrs().map((c) => (c.endsWith('/32') ? c.slice(0, -3) : c)).join(',');
    const translation: Translation = { addresses: nat.local, text: nat.localPort !== undefined ? `${local}:${nat.localPort}` : local };
    if (nat.localPort !== undefined) translation.ports = internalPorts;
    const enabled = outside.length > 0;
    const spec: RuleSpec = {
      action: 'dnat',
      destinations,
      destinationPorts: externalPorts,
      inInterface,
      translation,
      exact: nat.routeMap === undefined,
      symbolic: nat.routeMap !== undefined ? [`route-map:${nat.routeMap}`] : [],
      enabled,
      text: nat.text,
      line: nat.line,
    };
    if (protocols) spec.protocols = protocols;
    const rule = b.add(spec);
    const forward: PortForward = {
      ruleId: rule.id,
      protocols: rule.protocols,
      externalPorts,
      externalAddresses: destinations,
      sources: V4,
      internalAddresses: nat.local,
      internalPorts,
      enabled,
      text: nat.text,
      origin: rule.origin,
    };
    if (inInterface.length > 0) forward.inInterface = { names: inInterface, negated: false };
    this.forwards.push(forward);
    if (enabled) {
      const pass: RuleSpec = {
        action: 'allow',
        destinations: nat.local,
        destinationPorts: internalPorts,
        inInterface,
        text: `translated by: ${nat.text}`,
        line: nat.line,
      };
      if (protocols) pass.protocols = protocols;
      // Two forwards to the same inside port need one pass rule (a second would never be reached).
      const key = `${nat.protocol ?? 'all'}|${nat.local.key()}|${nat.localPort ?? 'all'}|${inInterface.join(',')}`;
      if (!this.translatedKeys.has(key)) {
        this.translatedKeys.add(key);
        this.translated.push(pass);
      }
    }
  }

  /** Where each destination leaves: connected networks and static routes, longest prefix first. */
  private routes(): Route[] {
    const routes: Route[] = [];
    for (const iface of this.interfaces) {
      for (const a of iface.addresses) routes.push({ prefix: a.network, length: a.length, iface: iface.name, line: a.line });
    }
    const connected = [...routes];
    for (const r of this.config.routes) {
      let iface = r.iface;
      if (iface === undefined && r.nextHop !== undefined) {
        const hop = AddressSet.ranges([[BigInt(r.nextHop), BigInt(r.nextHop)]]);
        iface = longestFirst(connected).find((c) => c.prefix.covers(hop))?.iface;
      }
      if (iface !== undefined) routes.push({ prefix: r.prefix, length: r.length, iface, line: r.line });
    }
    return longestFirst(routes);
  }

  /** Outbound ACLs, placed by the route table on the destinations that leave by their interface. */
  private outbound(): boolean {
    const withOut = this.interfaces.filter((i) => i.accessGroups.some((g) => g.direction === 'out'));
    if (withOut.length === 0) return false;
    const routes = this.routes();
    const b = new RulesetBuilder('outbound', this.file, { file: this.file, line: withOut[0]!.line }, 'allow', this.familyArg);
    for (const iface of withOut) {
      for (const g of iface.accessGroups) {
        if (g.direction !== 'out') continue;
        if (g.family === 'ipv6') {
          this.ledger.note(g.line, 'info', 'outbound-acl-not-placed', `IPv6 outbound filters are not placed (no IPv6 routes are read); ${g.acl} is not applied`);
        } else if (!routes.some((r) => r.iface === iface.name)) {
          this.ledger.note(g.line, 'info', 'outbound-acl-not-placed', `no connected network or static route leads out of ${iface.name}, so its outbound list ${g.acl} is not applied`);
        }
      }
    }
    for (const route of routes) {
      const iface = this.config.interfaces.get(route.iface);
      const group = iface?.accessGroups.find((g) => g.direction === 'out' && g.family === 'ipv4');
      const target = group ? this.quietTarget(group) : undefined;
      if (group && !target) this.groupTarget(group);
      const text = `route ${describeRoute(route)} via ${route.iface}`;
      if (group && target) b.add({ action: 'goto', target, destinations: route.prefix, text: `${text}: ip access-group ${group.acl} out`, line: group.line });
      // `return`, not `allow`: this ruleset only filters, and must not make its routes look like services.
      else b.add({ action: 'return', destinations: route.prefix, text, line: route.line });
    }
    this.add(b.build());
    return true;
  }

  private routed(): void {
    const b = new RulesetBuilder('routed', this.file, { file: this.file, line: this.interfaces[0]?.line ?? 1 }, 'deny', this.familyArg);
    for (const spec of this.translated) b.add(spec);
    this.dispatch('routed', b);
    this.add(b.build());
  }
}

export function aclRulesetName(name: string, family: Family): string {
  return family === 'ipv6' ? `acl6:${name}` : `acl:${name}`;
}

function describeRoute(route: Route): string {
  const first = route.prefix.intervals.bounds[0];
  return first === undefined ? '?' : `${formatIpv4(Number(first))}/${route.length}`;
}
