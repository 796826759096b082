import {
  ALL_PORTS,
  AddressSet,
  NO_PORTS,
  SPECIAL_RANGES,
  parseAddressSet,
  portSet,
  servicePort,
  type Family,
  type LineLedger,
  type PortSet,
} from '@portcullis/model';
import type { PfAddressItem, PfAlias, PfConfig, PfEndpoint, PfInterface, PfText } from './syntax.js';
import { clip, extend, isHostName, portRange } from './values.js';

/*
 * Resolves what rules name into address and port sets: interface keywords (`lan` is the LAN
 * subnet, `lanip` its address, `(self)` every address of the firewall), aliases (nested ones
 * included), literal addresses and ports. An address the configuration does not state — an
 * interface that takes its address from DHCP or PPPoE — is some public address: it is read as the
 * public address space of its family, the same for every rule that names it, so a block of `wanip`
 * still hides a later pass of `wanip` (an info diagnostic says so). An alias whose
 * content is fetched at run time (URL tables, GeoIP, host names) may hold any address: rules naming
 * it may match any address and list it in `symbolic`. A name that is neither an interface, an alias
 * nor an address makes pfSense skip the rule: it is `missing`.
 */

export interface AddressResolution {
  set: AddressSet;
  exact: boolean;
  symbolic: string[];
  /** Names that resolve to nothing the firewall knows: pfSense does not load the rule. */
  missing: string[];
}

export interface PortResolution {
  set: PortSet;
  exact: boolean;
  symbolic: string[];
  missing: string[];
}

/** What one interface contributes per family: its address, its subnet, or that it is dynamic. */
interface FamilyAddressing {
  address?: AddressSet;
  network?: AddressSet;
  /** How the address is obtained when the configuration does not state it (`dhcp`, `track6`…). */
  dynamic?: string;
  /** The line that says so. */
  line?: number;
}

export interface InterfaceAddressing {
  ipv4: FamilyAddressing;
  ipv6: FamilyAddressing;
}

const DYNAMIC_V4 = new Set(['dhcp', 'pppoe', 'pptp', 'l2tp', 'ppp']);
const DYNAMIC_V6 = new Set(['dhcp6', 'slaac', 'track6', '6rd', '6to4', 'idassoc6', 'pppoe', 'linklocal']);
/** Alias types whose content is not in the configuration. */
const SYMBOLIC_TYPES = new Set(['url', 'urltable', 'url_ports', 'urltable_ports', 'geoip', 'asn', 'external', 'dynipv6host', 'mac', 'authgroup', 'openvpngroup', 'internal', 'dynamic']);
/** Tables pf and the GUI maintain at run time. */
const RUNTIME_TABLES = new Set(['bogons', 'bogonsv6', 'sshguard', 'sshlockout', 'virusprot', 'webconfiguratorlockout', 'snort2c', 'negate_networks', 'vpn_networks', 'tonatsubnets']);
/** Interfaces pf knows that need no entry in `<interfaces>`. */
export const SPECIAL_INTERFACES = new Set(['enc0', 'openvpn', 'l2tp', 'pppoe', 'wireguard', 'ipsec', 'lo0', 'pptp', 'ovpns', 'ovpnc']);

/** Aliases nested deeper than this are not followed (pfSense's own GUI stops far earlier). */
const MAX_ALIAS_DEPTH = 64;

const PUBLIC: Record<Family, AddressSet> = { ipv4: SPECIAL_RANGES.publicIpv4, ipv6: SPECIAL_RANGES.publicIpv6 };

export function familiesSet(families: readonly Family[]): AddressSet {
  return families.reduce((s, f) => s.union(AddressSet.all(f)), AddressSet.empty());
}

export class Resolver {
  readonly addressing = new Map<string, InterfaceAddressing>();
  private readonly addressCache = new Map<string, AddressResolution>();
  private readonly portCache = new Map<string, PortResolution>();
  private readonly portAliasCache = new Map<string, PortResolution>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: PfConfig,
    private readonly ledger: LineLedger,
  ) {
    for (const iface of config.interfaces.values()) this.addressing.set(iface.name, this.readAddressing(iface));
    for (const vip of config.vips) {
      if (vip.mode !== 'ipalias' && vip.mode !== 'carp') continue;
      const a = this.addressing.get(vip.interface);
      const address = parseAddressSet(vip.address);
      if (!a || !address) continue;
      const network = parseAddressSet(vip.bits ? `${vip.address}/${vip.bits}` : vip.address) ?? address;
      const fam = address.family() === 'ipv6' ? a.ipv6 : a.ipv4;
      fam.address = (fam.address ?? AddressSet.empty()).union(address);
      fam.network = (fam.network ?? AddressSet.empty()).union(network);
    }
  }

  private readAddressing(iface: PfInterface): InterfaceAddressing {
    const out: InterfaceAddressing = { ipv4: {}, ipv6: {} };
    const read = (family: Family, ip: PfText | undefined, bits: PfText | undefined, dynamic: Set<string>): void => {
      if (!ip) return;
      const fam = out[family];
      const value = ip.value.toLowerCase();
      if (value === 'none') return;
      if (dynamic.has(value)) {
        fam.dynamic = value;
        fam.line = ip.line;
        return;
      }
      const address = parseAddressSet(ip.value);
      if (!address || address.family() !== family) {
        this.ledger.report(ip.line, 'warning', 'invalid-value', `interface ${iface.name}: '${clip(ip.value, 40)}' is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address nor a way to obtain one`, ip.column);
        return;
      }
      fam.address = address;
      const length = bits?.value ?? (family === 'ipv4' ? '32' : '128');
      const network = parseAddressSet(`${ip.value}/${length}`);
      if (!network && bits) this.ledger.report(bits.line, 'warning', 'invalid-value', `interface ${iface.name}: '${clip(bits.value, 20)}' is not a prefix length`, bits.column);
      fam.network = network ?? address;
    };
    read('ipv4', iface.ipaddr, iface.subnet, DYNAMIC_V4);
    read('ipv6', iface.ipaddrv6, iface.subnetv6, DYNAMIC_V6);
    return out;
  }

  /** Every address of the firewall itself in these families (any public address for a dynamic one). */
  self(families: readonly Family[]): AddressSet {
    let set = AddressSet.empty();
    for (const [name, a] of this.addressing) {
      if (!this.config.interfaces.get(name)?.enabled) continue;
      for (const f of families) {
        const fam = a[f];
        if (fam.address) set = set.union(fam.address);
        if (fam.dynamic) set = set.union(PUBLIC[f]);
      }
    }
    return set;
  }

  /** The firewall's own addresses the configuration states (no dynamic ones). */
  staticSelf(): AddressSet {
    let set = AddressSet.empty();
    for (const [name, a] of this.addressing) {
      if (!this.config.interfaces.get(name)?.enabled) continue;
      for (const fam of [a.ipv4, a.ipv6]) if (fam.address) set = set.union(fam.address);
    }
    return set;
  }

  /** An interface's address or subnet in these families (any public address where it is dynamic). */
  interfaceSet(name: string, what: 'address' | 'network', families: readonly Family[]): AddressSet | undefined {
    const a = this.addressing.get(name);
    if (!a) return undefined;
    let set = AddressSet.empty();
    for (const f of families) {
      const fam = a[f];
      const s = fam[what];
      if (s) set = set.union(s);
      else if (fam.dynamic) {
        set = set.union(PUBLIC[f]);
        this.noteDynamic(name, f, fam);
      }
    }
    return set;
  }

  /** Said once per interface and family, where the configuration says the address is dynamic. */
  noteDynamic(name: string, family: Family, fam: FamilyAddressing): void {
    this.warnOnce(
      fam.line ?? 1, 'dynamic-address',
      `interface ${name} takes its ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address from ${fam.dynamic ?? 'the network'}: where rules name its address or subnet, any public address is assumed`,
      'info',
    );
  }

  /** How an interface obtains its address in a family, when it is dynamic. */
  dynamic(name: string, family: Family): string | undefined {
    return this.addressing.get(name)?.[family].dynamic;
  }

  /** The line of the interface's `<ipaddr>` / `<ipaddrv6>` when it is dynamic. */
  dynamicLine(name: string, family: Family): number | undefined {
    return this.addressing.get(name)?.[family].line;
  }

  /** The sources or destinations of a rule: the union of its items, complemented by `not`. */
  endpoint(ep: PfEndpoint, families: readonly Family[]): AddressResolution {
    const universe = familiesSet(families);
    if (ep.items.length === 0) {
      return ep.not ? { set: AddressSet.empty(), exact: true, symbolic: [], missing: [] } : { set: universe, exact: true, symbolic: [], missing: [] };
    }
    const sets: AddressSet[] = [];
    let exact = true;
    const symbolic: string[] = [];
    const missing: string[] = [];
    for (const item of ep.items) {
      const r = this.item(item, families);
      sets.push(r.set);
      exact &&= r.exact;
      extend(symbolic, r.symbolic);
      extend(missing, r.missing);
    }
    const set = AddressSet.unionAll(sets).intersect(universe);
    return { set: ep.not ? universe.subtract(set) : set, exact, symbolic: [...new Set(symbolic)], missing };
  }

  private item(item: PfAddressItem, families: readonly Family[]): AddressResolution {
    const v = item.value;
    const found = (set: AddressSet, exact = true): AddressResolution => ({ set, exact, symbolic: [], missing: [] });
    if (item.kind === 'any' || v.toLowerCase() === 'any') return found(familiesSet(families));
    const lower = v.toLowerCase();
    if (item.kind !== 'address') {
      if (lower === '(self)' || lower === 'self' || lower === 'this firewall') {
        return found(this.self(families));
      }
      const net = this.interfaceKeyword(v, families);
      if (net) return found(net);
    }
    const literal = parseAddressSet(v);
    if (literal) return found(literal.intersect(familiesSet(families)));
    if (this.config.aliases.has(v) || RUNTIME_TABLES.has(lower)) return this.aliasAddresses(v, families, []);
    if (item.kind === 'network' && (lower === 'pppoe' || lower === 'l2tp')) {
      // The address pools of the firewall's own PPPoE and L2TP servers: not read.
      return { set: familiesSet(families), exact: false, symbolic: [`network:${v}`], missing: [] };
    }
    return { set: AddressSet.empty(), exact: true, symbolic: [], missing: [v] };
  }

  /** `lan` (subnet), `lanip` (address), OPNsense's `__lan_network`; undefined when it is none of them. */
  private interfaceKeyword(v: string, families: readonly Family[]): AddressSet | undefined {
    if (this.addressing.has(v)) return this.interfaceSet(v, 'network', families);
    if (v.endsWith('ip') && this.addressing.has(v.slice(0, -2))) return this.interfaceSet(v.slice(0, -2), 'address', families);
    if (v.startsWith('__') && v.endsWith('_network') && this.addressing.has(v.slice(2, -8))) return this.interfaceSet(v.slice(2, -8), 'network', families);
    if (v.startsWith('__') && v.endsWith('_address') && this.addressing.has(v.slice(2, -8))) return this.interfaceSet(v.slice(2, -8), 'address', families);
    return undefined;
  }

  /** The addresses an alias holds (nested aliases included), in these families. */
  aliasAddresses(name: string, families: readonly Family[], stack: string[]): AddressResolution {
    const key = `${name}|${families.join(',')}`;
    const cached = this.addressCache.get(key);
    if (cached) return cached;
    const all = familiesSet(families);
    const alias = this.config.aliases.get(name);
    let result: AddressResolution;
    if (!alias) {
      // A table pf fills at run time (bogons, lockout lists): it may hold any address.
      result = { set: all, exact: false, symbolic: [`table:${name}`], missing: [] };
    } else if (stack.includes(name)) {
      this.warnOnce(alias.line, 'unresolved-reference', `alias '${clip(name, 40)}' contains itself (${clip([...stack, name].join(' → '), 120)}); the loop is not followed`);
      return { set: AddressSet.empty(), exact: false, symbolic: [], missing: [] };
    } else if (stack.length >= MAX_ALIAS_DEPTH) {
      this.warnOnce(alias.line, 'unresolved-reference', `alias '${clip(name, 40)}' is nested more than ${MAX_ALIAS_DEPTH} aliases deep; it is not followed further and rules naming it may match any address`);
      return { set: all, exact: false, symbolic: [`alias:${name}`], missing: [] };
    } else if (!alias.enabled) {
      result = { set: AddressSet.empty(), exact: true, symbolic: [], missing: [name] };
    } else if (SYMBOLIC_TYPES.has(alias.type)) {
      this.warnOnce(alias.line, 'unresolved-reference', `alias '${clip(name, 40)}' (${alias.type}) is filled at run time: rules naming it may match any address`);
      result = { set: all, exact: false, symbolic: [`alias:${name}`], missing: [] };
    } else if (alias.type === 'port') {
      this.warnOnce(alias.line, 'invalid-alias-use', `port alias '${clip(name, 40)}' is used where an address is expected; it matches no address`);
      result = { set: AddressSet.empty(), exact: true, symbolic: [], missing: [name] };
    } else {
      result = this.addressEntries(alias, families, [...stack, name]);
    }
    this.addressCache.set(key, result);
    return result;
  }

  private addressEntries(alias: PfAlias, families: readonly Family[], stack: string[]): AddressResolution {
    const all = familiesSet(families);
    const included: (readonly [bigint, bigint])[] = [];
    const excluded: (readonly [bigint, bigint])[] = [];
    let exact = true;
    const symbolic: string[] = [];
    const missing: string[] = [];
    for (const entry of alias.entries) {
      const negated = entry.value.startsWith('!');
      const v = negated ? entry.value.slice(1) : entry.value;
      let part: AddressSet | undefined = parseAddressSet(v);
      if (!part && this.config.aliases.has(v)) {
        const r = this.aliasAddresses(v, families, stack);
        part = r.set;
        exact &&= r.exact;
        extend(symbolic, r.symbolic);
        extend(missing, r.missing);
      } else if (!part && this.interfaceKeyword(v, families)) {
        part = this.interfaceKeyword(v, families)!;
      } else if (!part && isHostName(v)) {
        // Resolved by the firewall at run time: it may be any address.
        this.warnOnce(entry.line, 'unresolved-reference', `host name '${clip(v, 60)}' in alias '${clip(alias.name, 40)}' is resolved at run time: rules naming the alias may match any address`);
        symbolic.push(`dns:${v}`);
        exact = false;
        part = all;
      }
      if (!part) {
        this.warnOnce(entry.line, 'unresolved-reference', `'${clip(v, 40)}' in alias '${clip(alias.name, 40)}' is not an address, a host name nor another alias; it is left out`);
        exact = false;
        continue;
      }
      // Collected as ranges and merged once: a union per entry would grow quadratically with the alias.
      extend(negated ? excluded : included, [...part.intervals.ranges()]);
    }
    const set = AddressSet.ranges(included).subtract(AddressSet.ranges(excluded));
    return { set: set.intersect(all), exact, symbolic: [...new Set(symbolic)], missing };
  }

  /** A rule's port field: a number, a range (`a-b`, `a:b`), a port alias, or a service name (OPNsense). */
  ports(text: PfText): PortResolution {
    const cached = this.portCache.get(text.value);
    if (cached) return cached;
    const result = this.portValue(text.value, [], text.line);
    this.portCache.set(text.value, result);
    return result;
  }

  private portValue(value: string, stack: string[], line: number): PortResolution {
    let set = NO_PORTS;
    let exact = true;
    const symbolic: string[] = [];
    const missing: string[] = [];
    for (const part of value.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
      const range = portRange(part);
      if (range) {
        set = set.union(portSet([range]));
        continue;
      }
      const alias = this.config.aliases.get(part);
      if (alias) {
        const r = this.portAlias(alias, stack, line);
        set = set.union(r.set);
        exact &&= r.exact;
        extend(symbolic, r.symbolic);
        extend(missing, r.missing);
        continue;
      }
      const named = servicePort(part.toLowerCase(), 'tcp') ?? servicePort(part.toLowerCase(), 'udp');
      if (named !== undefined) {
        set = set.union(portSet([[named, named]]));
        continue;
      }
      missing.push(part);
    }
    return { set, exact, symbolic, missing };
  }

  private portAlias(alias: PfAlias, stack: string[], line: number): PortResolution {
    // Each alias is resolved once: aliases that name others twice over must not multiply the work.
    const cached = this.portAliasCache.get(alias.name);
    if (cached) return cached;
    const result = this.portAliasEntries(alias, stack, line);
    this.portAliasCache.set(alias.name, result);
    return result;
  }

  private portAliasEntries(alias: PfAlias, stack: string[], line: number): PortResolution {
    if (stack.includes(alias.name)) {
      this.warnOnce(alias.line, 'unresolved-reference', `alias '${clip(alias.name, 40)}' contains itself; the loop is not followed`);
      return { set: NO_PORTS, exact: false, symbolic: [], missing: [] };
    }
    if (stack.length >= MAX_ALIAS_DEPTH) {
      this.warnOnce(alias.line, 'unresolved-reference', `alias '${clip(alias.name, 40)}' is nested more than ${MAX_ALIAS_DEPTH} aliases deep; rules naming it may match any port`);
      return { set: ALL_PORTS, exact: false, symbolic: [`alias:${alias.name}`], missing: [] };
    }
    if (!alias.enabled) return { set: NO_PORTS, exact: true, symbolic: [], missing: [alias.name] };
    if (alias.type === 'url_ports' || alias.type === 'urltable_ports' || SYMBOLIC_TYPES.has(alias.type)) {
      this.warnOnce(alias.line, 'unresolved-reference', `alias '${clip(alias.name, 40)}' (${alias.type}) is filled at run time: rules naming it may match any port`);
      return { set: ALL_PORTS, exact: false, symbolic: [`alias:${alias.name}`], missing: [] };
    }
    if (alias.type !== 'port') {
      this.warnOnce(line, 'invalid-alias-use', `alias '${clip(alias.name, 40)}' (${alias.type || 'no type'}) is used as a port alias; it matches no port`);
      return { set: NO_PORTS, exact: true, symbolic: [], missing: [alias.name] };
    }
    let set = NO_PORTS;
    let exact = true;
    const symbolic: string[] = [];
    const missing: string[] = [];
    for (const entry of alias.entries) {
      const r = this.portValue(entry.value, [...stack, alias.name], entry.line);
      if (r.missing.length > 0) {
        this.warnOnce(entry.line, 'unresolved-reference', `'${clip(entry.value, 40)}' in port alias '${clip(alias.name, 40)}' is not a port, a range nor another port alias; it is left out`);
        exact = false;
      }
      set = set.union(r.set);
      exact &&= r.exact;
      extend(symbolic, r.symbolic);
    }
    return { set, exact, symbolic, missing };
  }

  /** The first port of a port alias or a port field (pfSense translates to the first one). */
  firstPort(text: PfText): number | undefined {
    const r = this.ports(text);
    if (r.missing.length > 0 || r.set.isEmpty) return undefined;
    return r.set.bounds[0] as number;
  }

  warnOnce(line: number, code: string, message: string, severity: 'warning' | 'info' = 'warning'): void {
    const key = `${line}|${code}|${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.ledger.note(line, severity, code, message);
  }
}
