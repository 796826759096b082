import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  protocolSet,
  singlePort,
  type Device,
  type Family,
  type LineLedger,
  type PortForward,
  type PortSet,
  type ProtocolSet,
  type Ruleset,
  type Translation,
} from '@portcullis/model';
import { RulesetBuilder, aclEntryRules, fileDeviceName, longestFirst, routesCoverAll, type AclContext, type Route, type RuleSpec } from '../cisco-common/model.js';
import { ObjectTable } from '../cisco-common/objects.js';
import type { AsaConfig, AsaInterface, AsaObjectNat, AsaTwiceNat, NatAddress } from './syntax.js';

/*
 * Turns an ASA configuration (8.3 and later) into the model (docs/formats/cisco.md):
 *
 *   dnat     `nat`: static object NAT and twice NAT, in the ASA's order (twice NAT, then object
 *            NAT, then `after-auto` twice NAT), each taking packets from its mapped interface.
 *   forward  `egress` (only with outbound ACLs): by destination, the outbound ACL of the interface
 *            the packet leaves by; then `ingress`: per interface, its inbound ACL (`goto acl:NAME`;
 *            since 8.3 ACLs name real, untranslated addresses, so they are checked after NAT), or,
 *            without one, the security levels: allowed from a higher to a lower level, denied from
 *            lower (or equal, unless `same-security-traffic permit`) to higher.
 *   input    `management`: `ssh`, `telnet` and `http` (with `http server enable`) lines.
 *
 * Which interface a packet leaves by comes from object NAT (the real interface), connected
 * networks, `route` statements and `ip address dhcp setroute`, longest prefix first.
 */

/** NAT decides the egress interface before the route table does (unless `route-lookup`). */
const NAT_ROUTE_LENGTH = 200;

export function convertAsa(config: AsaConfig, file: string, ledger: LineLedger): Device {
  return new AsaConverter(config, file, ledger).device();
}

interface Resolved {
  set: AddressSet;
  exact: boolean;
  symbolic: string[];
}

class AsaConverter {
  private readonly family: Family | 'mixed';
  private readonly rulesets: Record<string, Ruleset> = {};
  private readonly named: AsaInterface[];
  private readonly byName = new Map<string, AsaInterface>();
  private readonly objects: ObjectTable;
  private readonly forwards: PortForward[] = [];
  private readonly natRoutes: Route[] = [];
  private readonly arrival = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: AsaConfig,
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {
    this.family = config.ipv6 || config.interfaces.some((i) => i.ipv6) ? 'mixed' : 'ipv4';
    this.named = config.interfaces.filter((i) => i.nameif !== undefined);
    for (const i of this.named) this.byName.set(i.nameif!, i);
    this.objects = new ObjectTable(config.objects);
  }

  private get familyArg(): Family | undefined {
    return this.family === 'mixed' ? undefined : this.family;
  }

  device(): Device {
    const global = this.config.accessGroups.find((g) => g.direction === 'global' && this.aclDefined(g.acl, g.line));
    this.acls(global?.acl);
    this.nat();
    const egress = this.egress();
    this.ingress(global?.acl);
    const management = this.management();
    const external = this.named
      .filter((i) => !i.shutdown && (i.level === 0 || this.arrival.has(i.nameif!)))
      .map((i) => i.nameif!);
    return {
      name: this.config.hostname ?? fileDeviceName(this.file),
      vendor: 'cisco-asa',
      format: 'cisco-asa',
      file: this.file,
      family: this.family,
      rulesets: this.rulesets,
      pipeline: {
        prerouting: [],
        dnat: this.rulesets['nat'] ? ['nat'] : [],
        input: management ? ['management'] : [],
        forward: egress ? ['egress', 'ingress'] : ['ingress'],
      },
      forwards: this.forwards,
      externalInterfaces: external,
      origin: { file: this.file, line: 1 },
    };
  }

  private add(ruleset: Ruleset): void {
    this.rulesets[ruleset.name] = ruleset;
  }

  private warn(line: number, code: string, message: string): void {
    const key = `${line}|${code}|${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.ledger.note(line, 'warning', code, message);
  }

  private aclDefined(name: string, line: number): boolean {
    if (this.config.acls.has(name)) return true;
    this.warn(line, 'unresolved-reference', `access list ${name} is not defined; the ASA would not accept this access-group`);
    return false;
  }

  private interfaceAddresses(name: string): AddressSet | undefined {
    const iface = this.byName.get(name);
    if (!iface || iface.addresses.length === 0) return undefined;
    return iface.addresses.reduce((s, a) => s.union(a.address), AddressSet.empty());
  }

  private acls(global: string | undefined): void {
    const ctx: AclContext = {
      file: this.file,
      family: 'ipv4',
      objects: this.objects,
      ledger: this.ledger,
      interfaceAddresses: (name) => this.interfaceAddresses(name),
      warned: this.warned,
    };
    for (const acl of this.config.acls.values()) {
      // With a global ACL, an interface ACL's undecided packets go on to the global one.
      const last = global === undefined || acl.name === global;
      const b = new RulesetBuilder(`acl:${acl.name}`, this.file, { file: this.file, line: acl.line }, last ? 'deny' : 'return', this.familyArg);
      for (const entry of acl.entries) aclEntryRules(entry, ctx, b);
      this.add(b.build());
    }
  }

  /** A NAT address as a set: `interface` is the named interface's address, unknown (any) when dynamic. */
  private natSet(a: NatAddress | undefined, iface: string, line: number): Resolved {
    const all = AddressSet.all(this.familyArg);
    if (!a || a.kind === 'any') return { set: all, exact: true, symbolic: [] };
    if (a.kind === 'literal') return { set: a.set, exact: true, symbolic: [] };
    if (a.kind === 'interface') {
      const set = this.interfaceAddresses(iface);
      return { set: set ?? all, exact: true, symbolic: [] };
    }
    const r = this.objects.addresses(a.name, this.familyArg);
    for (const m of r.missing) this.warn(line, 'unresolved-reference', `object '${m}' is not defined in this configuration; the translation may match any address`);
    return { set: r.symbolic.length > 0 ? all : r.set, exact: r.exact && r.missing.length === 0, symbolic: [...r.symbolic, ...r.missing.map((m) => `object:${m}`)] };
  }

  /** A service object of twice NAT: its protocol and its one port (destination, else source). */
  private natService(name: string, line: number): { protocols: ProtocolSet; ports: PortSet; exact: boolean; symbolic: string[] } {
    const r = this.objects.services(name);
    for (const m of r.missing) this.warn(line, 'unresolved-reference', `service object '${m}' is not defined in this configuration; the translation may match any port`);
    const v = r.variants[0];
    if (!v || r.missing.length > 0) return { protocols: ALL_PROTOCOLS, ports: ALL_PORTS, exact: false, symbolic: r.missing.map((m) => `object:${m}`) };
    return { protocols: v.protocols, ports: v.destinationPorts.isFull ? v.sourcePorts : v.destinationPorts, exact: v.exact, symbolic: [] };
  }

  private nat(): void {
    const twice1 = this.config.twiceNats.filter((n) => n.section === 1);
    const twice3 = this.config.twiceNats.filter((n) => n.section === 3);
    const statics = this.config.objectNats.filter((n) => n.type === 'static');
    if (twice1.length + twice3.length + statics.length === 0) return;
    // A loop, not Math.min(...lines): a file may hold more NAT lines than a spread can pass.
    let first = Infinity;
    for (const n of [...this.config.twiceNats, ...this.config.objectNats]) first = Math.min(first, n.line);
    const b = new RulesetBuilder('nat', this.file, { file: this.file, line: first }, 'allow', this.familyArg);
    for (const n of twice1) this.twiceNat(n, b);
    for (const n of statics) this.objectNat(n, b);
    for (const n of twice3) this.twiceNat(n, b);
    if (b.size > 0) this.add(b.build());
  }

  private objectNat(n: AsaObjectNat, b: RulesetBuilder): void {
    const real = this.natSet({ kind: 'object', name: n.object }, n.realIf, n.line);
    const mapped = this.natSet(n.mapped, n.mappedIf, n.line);
    const svc = n.service;
    if (mapped.set.equals(real.set) && (!svc || svc.realPort === svc.mappedPort)) return; // identity NAT: nothing moves
    this.forward(b, {
      line: n.line,
      text: n.text,
      arrival: n.mappedIf,
      sources: AddressSet.all(this.familyArg),
      destinations: mapped,
      real,
      protocols: svc ? protocolSet([svc.protocol === 'tcp' ? 6 : svc.protocol === 'udp' ? 17 : 132]) : ALL_PROTOCOLS,
      externalPorts: svc ? singlePort(svc.mappedPort) : ALL_PORTS,
      internalPorts: svc ? singlePort(svc.realPort) : undefined,
      exact: true,
      symbolic: [],
      enabled: true,
      egress: n.realIf,
    });
  }

  private twiceNat(n: AsaTwiceNat, b: RulesetBuilder): void {
    const svc = n.service ? [this.natService(n.service[0], n.line), this.natService(n.service[1], n.line)] as const : undefined;
    const enabled = !n.inactive;
    const sameAddress = (x: NatAddress | undefined, y: NatAddress | undefined, xi: string, yi: string): boolean => {
      if (x === undefined || y === undefined) return true;
      if (x.kind === 'object' && y.kind === 'object' && x.name === y.name) return true;
      if (x.kind === 'any' && y.kind === 'any') return true;
      return this.natSet(x, xi, n.line).set.equals(this.natSet(y, yi, n.line).set);
    };
    // Resolving every name once reports the undefined ones, whichever direction uses them.
    for (const a of [n.sourceReal, n.sourceMapped, n.destination?.mapped, n.destination?.real]) if (a?.kind === 'object') this.natSet(a, n.realIf, n.line);
    const symbolic = svc ? [...svc[0].symbolic, ...svc[1].symbolic] : [];
    const exact = svc ? svc[0].exact && svc[1].exact : true;
    const protocols = svc ? svc[0].protocols.intersect(svc[1].protocols) : ALL_PROTOCOLS;
    const d = n.destination;
    if (d && !sameAddress(d.mapped, d.real, n.realIf, n.mappedIf)) {
      // Connections from the real source side to the mapped destination go to the real destination.
      const real = this.natSet(d.real, n.mappedIf, n.line);
      this.forward(b, {
        line: n.line, text: n.text, arrival: n.realIf,
        sources: this.natSet(n.sourceReal, n.realIf, n.line).set,
        destinations: this.natSet(d.mapped, n.realIf, n.line),
        real, protocols,
        externalPorts: svc ? svc[0].ports : ALL_PORTS,
        internalPorts: svc ? svc[1].ports : undefined,
        exact, symbolic: [...symbolic, ...real.symbolic], enabled, egress: n.mappedIf,
      });
    }
    if (n.sourceType === 'static' && !n.unidirectional && !sameAddress(n.sourceReal, n.sourceMapped, n.realIf, n.mappedIf)) {
      // Static source NAT is bidirectional: the mapped side may connect to the mapped source address.
      const real = this.natSet(n.sourceReal, n.realIf, n.line);
      const withPorts = svc && !d;
      this.forward(b, {
        line: n.line, text: n.text, arrival: n.mappedIf,
        sources: d ? this.natSet(d.real, n.mappedIf, n.line).set : AddressSet.all(this.familyArg),
        destinations: this.natSet(n.sourceMapped, n.mappedIf, n.line),
        real, protocols: withPorts ? protocols : ALL_PROTOCOLS,
        externalPorts: withPorts ? svc[1].ports : ALL_PORTS,
        internalPorts: withPorts ? svc[0].ports : undefined,
        exact: withPorts ? exact : true, symbolic: withPorts ? symbolic : [], enabled, egress: n.realIf,
      });
    }
  }

  private forward(
    b: RulesetBuilder,
    f: {
      line: number; text: string; arrival: string; sources: AddressSet; destinations: Resolved; real: Resolved;
      protocols: ProtocolSet; externalPorts: PortSet; internalPorts: PortSet | undefined; exact: boolean;
      symbolic: string[]; enabled: boolean; egress: string;
    },
  ): void {
    const realText = f.real.set.toCidrs().map((c) => c.replace(/\/(32|128)$/, '')).join(',') || 'nothing';
    const single = f.internalPorts && f.internalPorts.rangeCount === 1 && f.internalPorts.bounds[0] === f.internalPorts.bounds[1];
    const translation: Translation = { addresses: f.real.set, text: single ? `${realText}:${f.internalPorts!.bounds[0]}` : realText };
    if (f.internalPorts) translation.ports = f.internalPorts;
    const inInterface = f.arrival === 'any' ? undefined : [f.arrival];
    const spec: RuleSpec = {
      action: 'dnat',
      protocols: f.protocols,
      sources: f.sources,
      destinations: f.destinations.set,
      destinationPorts: f.externalPorts,
      translation,
      exact: f.exact && f.destinations.exact && f.real.exact,
      symbolic: [...new Set([...f.symbolic, ...f.destinations.symbolic, ...f.real.symbolic])],
      enabled: f.enabled,
      text: f.text,
      line: f.line,
    };
    if (inInterface) spec.inInterface = inInterface;
    const rule = b.add(spec);
    const forward: PortForward = {
      ruleId: rule.id,
      protocols: f.protocols,
      externalPorts: f.externalPorts,
      externalAddresses: f.destinations.set,
      sources: f.sources,
      internalAddresses: f.real.set,
      internalPorts: f.internalPorts ?? f.externalPorts,
      enabled: f.enabled,
      text: f.text,
      origin: rule.origin,
    };
    if (inInterface) forward.inInterface = { names: inInterface, negated: false };
    this.forwards.push(forward);
    if (f.enabled && inInterface) this.arrival.add(f.arrival);
    if (f.egress !== 'any' && !f.real.set.isEmpty) this.natRoutes.push({ prefix: f.real.set, length: NAT_ROUTE_LENGTH, iface: f.egress, line: f.line });
  }

  /** Where destinations leave: object NAT's real interface, connected networks, routes, DHCP default routes. */
  private routes(): Route[] {
    const routes: Route[] = [...this.natRoutes];
    for (const iface of this.named) {
      for (const a of iface.addresses) routes.push({ prefix: a.network, length: a.length, iface: iface.nameif!, line: a.line });
      if (iface.setroute !== undefined) routes.push({ prefix: AddressSet.all('ipv4'), length: 0, iface: iface.nameif!, line: iface.setroute });
    }
    for (const r of this.config.routes) {
      if (!this.byName.has(r.iface)) {
        this.warn(r.line, 'unresolved-reference', `no interface is named ${r.iface} (nameif)`);
        continue;
      }
      routes.push({ prefix: r.prefix, length: r.length, iface: r.iface, line: r.line });
    }
    return longestFirst(routes);
  }

  private egress(): boolean {
    const groups = this.config.accessGroups.filter((g) => g.direction === 'out' && this.interfaceKnown(g.iface!, g.line) && this.aclDefined(g.acl, g.line));
    if (groups.length === 0) return false;
    const b = new RulesetBuilder('egress', this.file, { file: this.file, line: groups[0]!.line }, 'allow', this.familyArg);
    const routes = this.routes();
    for (const g of groups) {
      if (!routes.some((r) => r.iface === g.iface)) {
        this.ledger.note(g.line, 'info', 'outbound-acl-not-placed', `no connected network, route or NAT leads out of ${g.iface}, so its outbound list ${g.acl} is not applied`);
      }
    }
    for (const r of routes) {
      const g = groups.find((x) => x.iface === r.iface);
      if (g) b.add({ action: 'goto', target: `acl:${g.acl}`, destinations: r.prefix, text: `access-group ${g.acl} out interface ${g.iface}`, line: g.line });
      // `return`, not `allow`: this ruleset only filters, and must not make its routes look like services.
      else b.add({ action: 'return', destinations: r.prefix, text: `route to ${r.iface}`, line: r.line });
    }
    this.add(b.build());
    return true;
  }

  private interfaceKnown(name: string, line: number): boolean {
    if (this.byName.has(name)) return true;
    this.warn(line, 'unresolved-reference', `no interface is named ${name} (nameif)`);
    return false;
  }

  private ingress(global: string | undefined): void {
    const first = this.named[0]?.line ?? 1;
    const b = new RulesetBuilder('ingress', this.file, { file: this.file, line: first }, 'deny', this.familyArg);
    const inbound = new Map<string, { acl: string; line: number }>();
    for (const g of this.config.accessGroups) {
      if (g.direction !== 'in' || !this.interfaceKnown(g.iface!, g.line) || !this.aclDefined(g.acl, g.line)) continue;
      inbound.set(g.iface!, { acl: g.acl, line: g.line });
    }
    const globalLine = this.config.accessGroups.find((g) => g.direction === 'global')?.line ?? first;
    let routes: Route[] | undefined;
    let uTurns: Map<string, { route: Route; back: AddressSet }[]> | undefined;
    for (const iface of this.named) {
      const name = iface.nameif!;
      const on = [name];
      if (iface.shutdown) {
        b.add({ action: 'deny', inInterface: on, text: `interface ${iface.id} (${name}): shutdown`, line: iface.line });
        continue;
      }
      const own = inbound.get(name);
      routes ??= this.routes();
      if (!own && global === undefined) {
        this.securityLevels(iface, routes, b);
        continue;
      }
      // Traffic that would leave by the interface it came in on is dropped (a U-turn) unless
      // `same-security-traffic permit intra-interface`; the access lists decide the rest.
      if (!this.config.sameSecurityIntra) {
        for (const { route, back } of (uTurns ??= this.uTurns(routes)).get(name) ?? []) {
          b.add({ action: 'deny', inInterface: on, destinations: back, text: `${name} to ${name}: traffic may not leave by the interface it came in on`, line: route.line });
        }
      }
      if (own) {
        const text = `access-group ${own.acl} in interface ${name}`;
        b.add({ action: global !== undefined ? 'jump' : 'goto', target: `acl:${own.acl}`, inInterface: on, text, line: own.line });
      }
      if (global !== undefined) b.add({ action: 'goto', target: `acl:${global}`, inInterface: on, text: `access-group ${global} global`, line: globalLine });
    }
    this.add(b.build());
  }

  /**
   * By interface, where each of its routes leads back out of it: the route's prefix but what longer
   * routes (earlier in `routes`, longest first) send out of other interfaces. Worked out once for
   * all interfaces, and for each route only from the earlier routes whose range meets its own: an
   * ASA with thousands of interfaces joined every other interface's routes for each (8,000 took 10 s).
   */
  private uTurns(routes: Route[]): Map<string, { route: Route; back: AddressSet }[]> {
    const lo = routes.map((r) => r.prefix.intervals.bounds[0]);
    const hi = routes.map((r) => r.prefix.intervals.bounds.at(-1));
    const out = new Map<string, { route: Route; back: AddressSet }[]>();
    for (let k = 0; k < routes.length; k++) {
      const r = routes[k]!;
      const l = lo[k];
      const h = hi[k];
      if (l === undefined || h === undefined) continue;
      const elsewhere: AddressSet[] = [];
      for (let j = 0; j < k; j++) {
        if (routes[j]!.iface === r.iface || hi[j]! < l || lo[j]! > h) continue;
        elsewhere.push(routes[j]!.prefix);
      }
      // Joined at once rather than one route at a time (each union copied all the ranges so far).
      const back = elsewhere.length > 0 ? r.prefix.subtract(AddressSet.unionAll(elsewhere)) : r.prefix;
      if (back.isEmpty) continue;
      const list = out.get(r.iface);
      if (list) list.push({ route: r, back });
      else out.set(r.iface, [{ route: r, back }]);
    }
    return out;
  }

  /** Without an inbound ACL: higher to lower security level is allowed, lower (or equal) to higher is not. */
  private securityLevels(iface: AsaInterface, routes: Route[], b: RulesetBuilder): void {
    const name = iface.nameif!;
    const level = iface.level ?? 0;
    const line = iface.levelLine ?? iface.line;
    for (const r of routes) {
      const out = this.byName.get(r.iface);
      if (!out) continue;
      const outLevel = out.level ?? 0;
      const same = r.iface === name;
      const allowed = out.shutdown
        ? false
        : level > outLevel || (level === outLevel && (same ? this.config.sameSecurityIntra : this.config.sameSecurityInter));
      const why = allowed
        ? level > outLevel ? 'higher to lower security level' : 'same security level, permitted by same-security-traffic'
        : level === outLevel ? 'same security level' : 'lower to higher security level, no access list';
      b.add({
        action: allowed ? 'allow' : 'deny',
        inInterface: [name],
        destinations: r.prefix,
        text: `${name} (security-level ${level}) to ${r.iface} (security-level ${outLevel}): ${why}`,
        line: allowed ? line : r.line,
      });
    }
    // No route: the ASA drops the packet.
    if (!routesCoverAll(routes)) b.add({ action: 'deny', inInterface: [name], text: `${name}: no route to the destination`, line });
  }

  private management(): boolean {
    const entries = this.config.management;
    if (entries.length === 0) return false;
    const b = new RulesetBuilder('management', this.file, { file: this.file, line: entries[0]!.line }, 'deny', this.familyArg);
    const levels = this.named.filter((i) => !i.shutdown).map((i) => i.level ?? 0);
    const lowest = Math.min(...levels);
    const atLowest = this.named.filter((i) => (i.level ?? 0) === lowest).length;
    for (const m of entries) {
      const iface = this.byName.get(m.iface);
      if (!iface) {
        this.warn(m.line, 'unresolved-reference', `no interface is named ${m.iface} (nameif)`);
        continue;
      }
      let port = m.service === 'ssh' ? 22 : m.service === 'telnet' ? 23 : undefined;
      if (m.service === 'http') {
        if (!this.config.httpServer) {
          this.ledger.note(m.line, 'info', 'http-server-disabled', "ASDM access is listed but 'http server enable' is not: nothing listens");
          continue;
        }
        port = this.config.httpServer.port;
      }
      if (m.service === 'telnet' && (iface.level ?? 0) === lowest && atLowest === 1 && this.named.length > 1) {
        this.ledger.note(m.line, 'info', 'telnet-lowest-security', `the ASA refuses Telnet on its lowest-security interface (${m.iface}) except through a VPN tunnel`);
        continue;
      }
      b.add({
        action: 'allow',
        protocols: protocolSet([6]),
        sources: m.sources,
        destinationPorts: singlePort(port!),
        inInterface: [m.iface],
        text: m.text,
        line: m.line,
      });
    }
    this.add(b.build());
    return true;
  }
}
