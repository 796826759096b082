import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  PORTED_PROTOCOLS,
  addresses,
  formatPorts,
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
import type { AddressListEntry, FirewallEntry, Negatable, RouterOsConfig, Table } from './syntax.js';

/*
 * Turns a RouterOS export into one Device (docs/formats/mikrotik.md). Each chain of each table is
 * a ruleset, `filter:input`, `nat:dstnat`, `filter:my-chain` (`filter6:…` for `/ipv6 firewall`);
 * the built-in chains accept what no rule decides, as RouterOS does; custom chains return.
 *
 *   prerouting  `martians` (the kernel drops packets from the network to loopback addresses), then
 *               `raw:prerouting`
 *   dnat        `nat:dstnat`: dst-nat, netmap and redirect rules, each also a port forward
 *   input       `filter:input`;  forward  `filter:forward`
 *
 * With IPv6 configured, a small dispatch ruleset per stage sends IPv4 packets to the `/ip` chain
 * and IPv6 packets to the `/ipv6` chain. Interface lists resolve through `/interface list member`,
 * address lists through `/ip firewall address-list`. `connection-nat-state=dstnat` is read as "one
 * of the connections a dst-nat rule of this export translated"; `!dstnat` as "none of them".
 */

const LOOPBACK = addresses('127.0.0.0/8', '::1/128');
const BUILTIN_CHAINS: Record<Table, string[]> = {
  filter: ['input', 'forward', 'output'],
  nat: ['dstnat', 'srcnat'],
  raw: ['prerouting', 'output'],
};
const DNAT_ACTIONS = new Set(['dst-nat', 'netmap', 'same', 'redirect']);
const CONTINUE_ACTIONS = new Set([
  'passthrough', 'log', 'add-src-to-address-list', 'add-dst-to-address-list', 'fasttrack-connection', 'sniff-tzsp', 'sniff-pc',
  'endpoint-independent-nat', 'change-mss', 'change-dscp', 'change-ttl', 'mark-connection', 'mark-packet', 'mark-routing',
]);
/** Interface names that stand for every interface of a kind. */
const INTERFACE_CLASSES = new Set(['all-ppp', 'all-ethernet', 'all-vlan', 'all-wireless', 'all-bridge', 'all-vpls', 'all-wlan']);

interface Spec {
  action: RuleAction;
  target?: string;
  protocols: ProtocolSet;
  sources: AddressSet;
  destinations: AddressSet;
  sourcePorts: PortSet;
  destinationPorts: PortSet;
  inInterface?: InterfaceMatch;
  outInterface?: InterfaceMatch;
  matchesNew: boolean;
  stateMatch?: boolean;
  exact: boolean;
  symbolic: string[];
  translation?: Translation;
  enabled: boolean;
  description?: string;
  text: string;
  origin: Origin;
}

/** What a dst-nat rule turns packets into: where the forward or redirect path picks them up. */
interface TranslatedBox {
  local: boolean;
  protocols: ProtocolSet;
  destinations: AddressSet;
  ports: PortSet;
  inInterface?: InterfaceMatch;
  line: number;
}

interface Resolved<T> {
  value: T;
  exact: boolean;
  symbolic: string[];
}

export function convertRouterOs(config: RouterOsConfig, file: string, ledger: LineLedger): Device {
  return new Converter(config, file, ledger).device();
}

/** `dir/gw.rsc` → `gw`. */
export function fileDeviceName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** What the enabled entries of one address list say together. */
interface ListEntries {
  set: AddressSet;
  exact: boolean;
  symbolic: readonly string[];
}

/**
 * The enabled entries of each address list, by `family|name`, joined once: each rule that named a
 * list read every entry of every list, and joined the list's networks one union at a time.
 */
function summariseLists(entries: readonly AddressListEntry[]): Map<string, ListEntries> {
  const grouped = new Map<string, AddressListEntry[]>();
  for (const e of entries) {
    if (e.disabled) continue;
    const key = `${e.family}|${e.list}`;
    const list = grouped.get(key);
    if (list) list.push(e);
    else grouped.set(key, [e]);
  }
  const out = new Map<string, ListEntries>();
  for (const [key, list] of grouped) {
    const sets: AddressSet[] = [];
    let exact = true;
    const symbolic: string[] = [];
    for (const e of list) {
      if (e.set) sets.push(e.set);
      else if (e.dnsName !== undefined) {
        exact = false;
        symbolic.push(`dns:${e.dnsName}`);
      }
      if (e.temporary) exact = false;
    }
    out.set(key, { set: AddressSet.unionAll(sets), exact, symbolic });
  }
  return out;
}

class Converter {
  private readonly families: Family[];
  private readonly rulesets: Record<string, Ruleset> = {};
  private readonly forwards: PortForward[] = [];
  private readonly noted = new Set<string>();
  /** Address lists that rules fill at run time (`add-src-to-address-list`), per family. */
  private readonly filled = new Map<string, number>();
  private readonly translated = new Map<Family, TranslatedBox[]>();
  /** The port forward each dst-nat rule is, to give it the rule's id once the ruleset is built. */
  private readonly forwardOf = new Map<Spec, PortForward>();
  /** Set while reading a disabled entry (or guessing the outside): names that do not resolve are not worth a warning there. */
  private quiet = false;
  /** What the entries of each address list come to, by `family|name` (see summariseLists). */
  private readonly lists: Map<string, ListEntries>;

  constructor(
    private readonly config: RouterOsConfig,
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {
    const v6 = !config.ipv6Disabled && (config.ipv6Configured || config.entries.some((e) => e.family === 'ipv6'));
    this.families = v6 ? ['ipv4', 'ipv6'] : ['ipv4'];
    this.lists = summariseLists(config.addressLists);
    if (config.ipv6Disabled && config.entries.some((e) => e.family === 'ipv6')) {
      const first = config.entries.find((e) => e.family === 'ipv6')!;
      this.note(first.line, 'info', 'ipv6-disabled', 'IPv6 is disabled (/ipv6 settings disable-ipv6=yes): the /ipv6 firewall is kept in the model but no IPv6 packet arrives');
    }
    for (const e of config.entries) {
      if (!e.disabled && (e.action === 'add-src-to-address-list' || e.action === 'add-dst-to-address-list') && e.addressList) {
        const key = `${e.family}|${e.addressList}`;
        if (!this.filled.has(key)) this.filled.set(key, e.line);
      }
    }
    for (const f of this.families) this.translated.set(f, this.translations(f));
  }

  device(): Device {
    const prefix = (table: Table, family: Family): string => (family === 'ipv6' ? `${table}6` : table);
    // With IPv6 switched off, the /ipv6 firewall is still part of the model, outside the pipeline.
    const modelled: Family[] = this.families.includes('ipv6') || !this.config.entries.some((e) => e.family === 'ipv6') ? this.families : ['ipv4', 'ipv6'];
    for (const family of modelled) {
      for (const table of ['filter', 'nat', 'raw'] as const) this.table(table, family, prefix(table, family));
    }
    if (this.config.upnp !== undefined) {
      this.note(this.config.upnp, 'info', 'upnp-enabled', 'UPnP is enabled: hosts behind the router open port forwards at run time, which this export does not show');
    }
    const martians = this.martians();
    const stage = (name: string, table: Table, chain: string): string[] => {
      const present = this.families.map((f) => `${prefix(table, f)}:${chain}`).filter((n) => this.rulesets[n]);
      if (present.length <= 1) return present;
      this.dispatch(name, present);
      return [name];
    };
    const pipeline = {
      prerouting: [martians, ...stage('prerouting', 'raw', 'prerouting')],
      dnat: stage('dstnat', 'nat', 'dstnat'),
      input: stage('input', 'filter', 'input'),
      forward: stage('forward', 'filter', 'forward'),
    };
    const identity = this.config.identity;
    return {
      name: identity?.name ?? fileDeviceName(this.file),
      vendor: 'mikrotik',
      format: 'mikrotik',
      file: this.file,
      family: this.families.length === 2 ? 'mixed' : 'ipv4',
      rulesets: this.rulesets,
      pipeline,
      forwards: this.forwards,
      externalInterfaces: this.externalInterfaces(),
      origin: { file: this.file, line: identity?.line ?? this.config.headerLine ?? 1 },
    };
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  private note(line: number, severity: 'warning' | 'info', code: string, message: string): void {
    if (this.quiet) return;
    const key = `${line}|${code}|${message}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.ledger.note(line, severity, code, message);
  }

  private origin(line: number, endLine?: number): Origin {
    return endLine !== undefined && endLine > line ? { file: this.file, line, endLine } : { file: this.file, line };
  }

  private put(name: string, rules: Spec[], defaultAction: Ruleset['defaultAction'], builtin: boolean, origin: Origin): void {
    const built: FilterRule[] = rules.map((s, i) => {
      const r: FilterRule = {
        id: `${name}#${i + 1}`,
        action: s.action,
        protocols: s.protocols,
        sources: s.sources,
        destinations: s.destinations,
        sourcePorts: s.sourcePorts,
        destinationPorts: s.destinationPorts,
        matchesNew: s.matchesNew,
        exact: s.exact,
        symbolic: s.symbolic,
        enabled: s.enabled,
        text: s.text,
        origin: s.origin,
      };
      if (s.target !== undefined) r.target = s.target;
      if (s.inInterface) r.inInterface = s.inInterface;
      if (s.outInterface) r.outInterface = s.outInterface;
      if (s.stateMatch) r.stateMatch = true;
      if (s.translation) r.translation = s.translation;
      if (s.description !== undefined) r.description = s.description;
      const fwd = this.forwardOf.get(s);
      if (fwd) fwd.ruleId = r.id;
      return r;
    });
    this.rulesets[name] = { name, semantics: 'first-match', defaultAction, builtin, rules: built, origin };
  }

  private blank(family: Family, text: string, origin: Origin): Spec {
    const all = AddressSet.all(family);
    return {
      action: 'continue', protocols: ALL_PROTOCOLS, sources: all, destinations: all, sourcePorts: ALL_PORTS, destinationPorts: ALL_PORTS,
      matchesNew: true, exact: true, symbolic: [], enabled: true, text, origin,
    };
  }

  /** The kernel drops packets from the network addressed to loopback (martians), before any rule. */
  private martians(): string {
    const origin = this.origin(this.config.headerLine ?? 1);
    const mixed = this.families.length === 2;
    const spec = this.blank('ipv4', 'packets from the network to a loopback address are dropped by the kernel', origin);
    spec.action = 'deny';
    spec.sources = mixed ? AddressSet.all() : AddressSet.all('ipv4');
    spec.destinations = mixed ? LOOPBACK : LOOPBACK.only('ipv4');
    this.put('martians', [spec], 'allow', true, origin);
    return 'martians';
  }

  /** A stage's dispatch by address family into the `/ip` and `/ipv6` chains. */
  private dispatch(name: string, targets: string[]): void {
    const origin = this.origin(this.config.headerLine ?? 1);
    const specs = targets.map((target) => {
      const family: Family = /^[a-z]+6:/.test(target) ? 'ipv6' : 'ipv4';
      const s = this.blank(family, `${family === 'ipv6' ? 'IPv6' : 'IPv4'} packets: ${target}`, origin);
      s.action = 'jump';
      s.target = target;
      return s;
    });
    this.put(name, specs, 'deny', true, origin);
  }

  // ── names: interface lists and address lists ────────────────────────────────────────────────

  private interfaceList(name: string, line: number, stack: string[] = []): { names?: string[]; exact: boolean; symbolic: string[] } {
    if (name === 'all') return { exact: true, symbolic: [] };
    if (name === 'none') return { names: [], exact: true, symbolic: [] };
    if (name === 'dynamic' || name === 'static') return { exact: false, symbolic: [`interface-list:${name}`] };
    if (stack.includes(name)) return { names: [], exact: true, symbolic: [] };
    const def = this.config.interfaceLists.get(name);
    let names = this.config.members.filter((m) => m.list === name && !m.disabled).map((m) => m.iface);
    let exact = true;
    const symbolic: string[] = [];
    for (const inc of def?.include ?? []) {
      const r = this.interfaceList(inc, line, [...stack, name]);
      if (!r.names) return { exact: r.exact, symbolic: r.symbolic };
      names.push(...r.names);
      exact &&= r.exact;
      symbolic.push(...r.symbolic);
    }
    for (const exc of def?.exclude ?? []) {
      const r = this.interfaceList(exc, line, [...stack, name]);
      if (r.names) names = names.filter((n) => !r.names!.includes(n));
      exact &&= r.exact;
    }
    names = [...new Set(names)];
    if (names.length === 0 && exact) {
      this.note(line, 'warning', 'unresolved-reference', def
        ? `interface list '${name}' has no members in this export (RouterOS may add them at run time); the rule may match any interface`
        : `interface list '${name}' is not defined; the rule may match any interface`);
      return { exact: false, symbolic: [`interface-list:${name}`] };
    }
    return { names, exact, symbolic };
  }

  /** `in-interface` / `in-interface-list` (and the `out-` ones) as one match. */
  private interfaces(iface: Negatable<string> | undefined, list: Negatable<string> | undefined): Resolved<InterfaceMatch | undefined> {
    if (iface) {
      const exact = !list && !INTERFACE_CLASSES.has(iface.value);
      if (INTERFACE_CLASSES.has(iface.value)) return { value: undefined, exact: false, symbolic: [] };
      return { value: { names: [iface.value], negated: iface.negated }, exact, symbolic: [] };
    }
    if (!list) return { value: undefined, exact: true, symbolic: [] };
    const r = this.interfaceList(list.value, list.line);
    if (!r.names) return { value: undefined, exact: r.exact, symbolic: r.symbolic };
    if (list.negated && r.names.length === 0) return { value: undefined, exact: r.exact, symbolic: r.symbolic };
    return { value: { names: r.names, negated: list.negated }, exact: r.exact, symbolic: r.symbolic };
  }

  private addressList(name: string, family: Family, line: number): Resolved<AddressSet> {
    const entries = this.lists.get(`${family}|${name}`);
    const set = entries?.set ?? AddressSet.empty();
    let exact = entries?.exact ?? true;
    const symbolic = [...(entries?.symbolic ?? [])];
    const any = entries !== undefined;
    const filledAt = this.filled.get(`${family}|${name}`);
    if (filledAt !== undefined) {
      exact = false;
      symbolic.push(`address-list:${name}`);
      this.note(line, 'info', 'dynamic-address-list', `address list '${name}' is filled at run time (by the rule at line ${filledAt}); the rule may match other addresses`);
    } else if (!any) {
      exact = false;
      symbolic.push(`address-list:${name}`);
      this.note(line, 'warning', 'unresolved-reference', `address list '${name}' has no entries in this export; the rule may match other addresses`);
    }
    return { value: set, exact, symbolic };
  }

  private addressCondition(
    family: Family,
    address: Negatable<AddressSet> | undefined,
    list: Negatable<string> | undefined,
  ): Resolved<AddressSet> {
    const all = AddressSet.all(family);
    let set = all;
    let exact = true;
    const symbolic: string[] = [];
    if (address) set = set.intersect(address.negated ? address.value.complement(family) : address.value);
    if (list) {
      const r = this.addressList(list.value, family, list.line);
      set = set.intersect(list.negated ? r.value.complement(family) : r.value);
      exact &&= r.exact;
      symbolic.push(...r.symbolic);
    }
    return { value: set, exact, symbolic };
  }

  // ── translations ────────────────────────────────────────────────────────────────────────────

  /** What the dst-nat rules of one family translate to, for `connection-nat-state`. */
  private translations(family: Family): TranslatedBox[] {
    const out: TranslatedBox[] = [];
    const seen = new Set<string>();
    for (const e of this.config.entries) {
      if (e.table !== 'nat' || e.family !== family || e.disabled || !DNAT_ACTIONS.has(e.action)) continue;
      const protocols = this.protocols(e);
      const local = this.toRouter(e);
      const destinations = local ? AddressSet.all(family) : e.toAddresses!;
      const ported = !protocols.intersect(PORTED_PROTOCOLS).isEmpty;
      const external = e.dstPort && !e.dstPort.negated ? e.dstPort.value : ALL_PORTS;
      const ports = ported ? (e.toPorts ?? external) : ALL_PORTS;
      const inInterface = this.interfaces(e.inInterface, e.inInterfaceList).value;
      const key = `${local}|${protocols.key()}|${destinations.key()}|${ports.key()}|${JSON.stringify(inInterface ?? null)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const box: TranslatedBox = { local, protocols, destinations, ports, line: e.line };
      if (inInterface) box.inInterface = inInterface;
      out.push(box);
    }
    return out;
  }

  // ── tables and chains ───────────────────────────────────────────────────────────────────────

  private protocols(e: FirewallEntry): ProtocolSet {
    if (e.protocol) return e.protocol.negated ? e.protocol.value.complement() : e.protocol.value;
    return e.dstPort || e.srcPort || e.anyPort ? PORTED_PROTOCOLS : ALL_PROTOCOLS;
  }

  private table(table: Table, family: Family, prefix: string): void {
    const entries = this.config.entries.filter((e) => e.table === table && e.family === family);
    const chains = new Map<string, FirewallEntry[]>();
    for (const builtin of table === 'filter' ? ['input', 'forward'] : []) chains.set(builtin, []);
    for (const e of entries) {
      const list = chains.get(e.chain) ?? [];
      list.push(e);
      chains.set(e.chain, list);
    }
    const menu = this.config.menuLines.get(`${family === 'ipv6' ? 'ipv6' : 'ip'} firewall ${table}`);
    for (const [chain, list] of chains) {
      const name = `${prefix}:${chain}`;
      const builtin = BUILTIN_CHAINS[table].includes(chain);
      const specs: Spec[] = [];
      for (const e of list) specs.push(...this.entry(e, prefix, name));
      const first = list[0];
      const origin = first ? this.origin(first.line) : this.origin(menu ?? this.config.headerLine ?? 1);
      this.put(name, specs, builtin ? 'allow' : 'return', builtin, origin);
    }
    if (entries.length > 0 || table !== 'filter') return;
    if (family === 'ipv4' && menu === undefined) {
      this.note(this.config.headerLine ?? 1, 'info', 'no-filter-rules', 'the export has no /ip firewall filter rules: RouterOS accepts every packet (if this is a partial export, the filter rules are missing from it)');
    }
  }

  private action(e: FirewallEntry): { action: RuleAction; known: boolean } {
    const a = e.action;
    if (a === 'accept') return { action: 'allow', known: true };
    if (a === 'drop' || a === 'tarpit') return { action: 'deny', known: true };
    if (a === 'reject') return { action: 'reject', known: true };
    if (a === 'jump') return { action: 'jump', known: true };
    if (a === 'return') return { action: 'return', known: true };
    if (e.table === 'nat') {
      if (a === 'dst-nat' || a === 'netmap' || a === 'same') return { action: this.toRouter(e) ? 'redirect' : 'dnat', known: true };
      if (a === 'redirect') return { action: 'redirect', known: true };
      if (a === 'src-nat') return { action: 'snat', known: true };
      if (a === 'masquerade') return { action: 'masquerade', known: true };
    }
    if (e.table === 'raw' && a === 'notrack') return { action: 'allow', known: true };
    return { action: 'continue', known: CONTINUE_ACTIONS.has(a) };
  }

  /** A dst-nat that keeps the address, or rewrites it to one of the router's own: the router itself receives it. */
  private toRouter(e: FirewallEntry): boolean {
    if (e.action === 'redirect' || !e.toAddresses) return true;
    return !this.config.ownAddresses.isEmpty && this.config.ownAddresses.covers(e.toAddresses);
  }

  /** The rules one entry becomes (several for `port=` or `connection-nat-state=dstnat`). */
  private entry(e: FirewallEntry, prefix: string, chainName: string): Spec[] {
    this.quiet = e.disabled;
    try {
      return this.entrySpecs(e, prefix, chainName);
    } finally {
      this.quiet = false;
    }
  }

  private entrySpecs(e: FirewallEntry, prefix: string, chainName: string): Spec[] {
    const { action, known } = this.action(e);
    if (!known) this.note(e.line, 'warning', 'unsupported-action', `action '${e.action}' is not one Portcullis knows: the entry is read as deciding nothing`);
    const family = e.family;
    const protocols = this.protocols(e);
    const src = this.addressCondition(family, e.srcAddress, e.srcAddressList);
    const dst = this.addressCondition(family, e.dstAddress, e.dstAddressList);
    const inIf = this.interfaces(e.inInterface, e.inInterfaceList);
    const outIf = this.interfaces(e.outInterface, e.outInterfaceList);
    const state = e.connectionState;
    let matchesNew = true;
    if (state) matchesNew = state.negated ? !state.value.includes('new') : state.value.includes('new');
    if (e.ipsecOnly !== undefined) matchesNew = false;
    const nat = e.connectionNatState;
    if (nat && !nat.negated && !nat.value.includes('dstnat')) matchesNew = false; // srcnat only: connections from inside
    const exact = !e.invalid && e.inexact.length === 0 && src.exact && dst.exact && inIf.exact && outIf.exact;
    const spec: Spec = {
      action,
      protocols,
      sources: src.value,
      destinations: dst.value,
      sourcePorts: e.srcPort ? (e.srcPort.negated ? e.srcPort.value.complement() : e.srcPort.value) : ALL_PORTS,
      destinationPorts: e.dstPort ? (e.dstPort.negated ? e.dstPort.value.complement() : e.dstPort.value) : ALL_PORTS,
      matchesNew,
      exact,
      symbolic: [...new Set([...src.symbolic, ...dst.symbolic, ...inIf.symbolic, ...outIf.symbolic])],
      enabled: !e.disabled,
      text: e.text,
      origin: this.origin(e.line, e.endLine),
    };
    if (state) spec.stateMatch = true;
    if (inIf.value) spec.inInterface = inIf.value;
    if (outIf.value) spec.outInterface = outIf.value;
    if (e.comment !== undefined) spec.description = e.comment;
    if (action === 'jump') {
      if (!e.jumpTarget) {
        this.note(e.line, 'warning', 'invalid-value', "a jump needs 'jump-target='; the entry decides nothing");
        spec.action = 'continue';
      } else spec.target = `${prefix}:${e.jumpTarget}`;
    }
    if (action === 'dnat' || action === 'redirect') this.translation(e, spec);
    let specs = [spec];
    if (e.anyPort) {
      // `port=`: either port. Two rules: by destination port, then by source port (any destination port).
      const ports = e.anyPort.negated ? e.anyPort.value.complement() : e.anyPort.value;
      specs = [
        { ...spec, destinationPorts: spec.destinationPorts.intersect(ports) },
        { ...spec, sourcePorts: spec.sourcePorts.intersect(ports) },
      ];
    }
    if (nat && nat.value.includes('dstnat')) {
      specs = nat.negated ? specs.map((s, i) => this.notTranslated(e, s, chainName, i)) : specs.flatMap((s) => this.onlyTranslated(e, s, chainName));
    }
    return specs;
  }

  private translation(e: FirewallEntry, spec: Spec): void {
    const ported = !spec.protocols.intersect(PORTED_PROTOCOLS).isEmpty;
    const inside = spec.action === 'dnat' ? e.toAddresses : undefined;
    const ports = ported ? e.toPorts : undefined;
    const written = e.toAddresses ? e.toAddresses.toCidrs().map((c) => c.replace(/\/(32|128)$/, '')).join(',') : undefined;
    const insideText = inside ? written! : written !== undefined ? `${written} (this router)` : 'this router';
    const t: Translation = { text: ports ? `${insideText}:${formatPorts(ports)}` : insideText };
    if (inside) t.addresses = inside;
    if (ports) t.ports = ports;
    spec.translation = t;
    if (e.action === 'netmap' && inside && inside.toCidrs().length === 1 && !inside.toCidrs()[0]!.match(/\/(32|128)$/)) {
      this.note(e.line, 'info', 'netmap-block', 'netmap maps each address to one in the block; Portcullis treats the whole block as the target');
    }
    const fwd: PortForward = {
      protocols: spec.protocols,
      externalPorts: ported ? spec.destinationPorts : ALL_PORTS,
      externalAddresses: spec.destinations,
      sources: spec.sources,
      enabled: spec.enabled,
      text: spec.text,
      origin: spec.origin,
    };
    if (spec.inInterface) fwd.inInterface = spec.inInterface;
    if (inside) fwd.internalAddresses = inside;
    if (ports) fwd.internalPorts = ports;
    this.forwards.push(fwd);
    this.forwardOf.set(spec, fwd);
  }

  /** The translations a chain sees: the forward chain forwarded ones, the input chain redirected ones. */
  private contextBoxes(family: Family, chainName: string): TranslatedBox[] {
    const all = this.translated.get(family) ?? [];
    const chain = chainName.slice(chainName.indexOf(':') + 1);
    if (chain === 'forward') return all.filter((t) => !t.local);
    if (chain === 'input') return all.filter((t) => t.local);
    return all;
  }

  /** `connection-nat-state=dstnat`: the entry, once per translation, limited to what it translated to. */
  private onlyTranslated(e: FirewallEntry, s: Spec, chainName: string): Spec[] {
    const boxes = this.contextBoxes(e.family, chainName);
    if (boxes.length === 0) {
      this.note(e.line, 'info', 'no-dstnat', 'no enabled dst-nat rule of this export translates to this chain: the entry matches nothing');
      return [{ ...s, destinations: AddressSet.empty() }];
    }
    return boxes.map((t) => {
      const out: Spec = {
        ...s,
        protocols: s.protocols.intersect(t.protocols),
        destinations: s.destinations.intersect(t.destinations),
        destinationPorts: s.destinationPorts.intersect(t.ports),
      };
      if (!s.inInterface && t.inInterface) out.inInterface = t.inInterface;
      return out;
    });
  }

  /**
   * `connection-nat-state=!dstnat`: a ruleset of its own that first lets every translated
   * connection return past the entry, then applies the entry's action to the rest.
   */
  private notTranslated(e: FirewallEntry, s: Spec, chainName: string, index: number): Spec {
    const name = `${chainName}:not-dstnat@${e.line}${index > 0 ? `.${index + 1}` : ''}`;
    const boxes = this.contextBoxes(e.family, chainName);
    const inner: Spec[] = boxes.map((t) => {
      const r = this.blank(e.family, `a connection translated by the dst-nat rule at line ${t.line}`, this.origin(t.line));
      r.action = 'return';
      r.protocols = t.protocols;
      r.destinations = t.destinations;
      r.destinationPorts = t.ports;
      if (t.inInterface) r.inInterface = t.inInterface;
      return r;
    });
    const last = this.blank(e.family, e.text, s.origin);
    last.action = s.action;
    if (s.target !== undefined) last.target = s.target;
    inner.push(last);
    this.put(name, inner, 'return', false, s.origin);
    return { ...s, action: 'jump', target: name };
  }

  // ── the outside ─────────────────────────────────────────────────────────────────────────────

  /**
   * The interfaces that face the internet: the members of a list named WAN, the interfaces source
   * NAT masquerades to, and the list `/interface detect-internet` fills; failing those, the
   * interfaces dst-nat rules take packets from, then the DHCP and PPPoE client interfaces.
   */
  private externalInterfaces(): string[] {
    this.quiet = true;
    try {
      return this.outside();
    } finally {
      this.quiet = false;
    }
  }

  private outside(): string[] {
    const out: string[] = [];
    const add = (names: string[] | undefined): void => {
      for (const n of names ?? []) if (!out.includes(n) && !INTERFACE_CLASSES.has(n)) out.push(n);
    };
    const listMembers = (name: string): string[] | undefined => {
      if (!this.config.interfaceLists.has(name) && !this.config.members.some((m) => m.list === name)) return undefined;
      const r = this.interfaceList(name, this.config.interfaceLists.get(name)?.line ?? 1);
      return r.exact ? r.names : undefined;
    };
    for (const list of this.config.interfaceLists.keys()) if (list.toLowerCase() === 'wan') add(listMembers(list));
    if (this.config.detectedWan) add(listMembers(this.config.detectedWan));
    const enabledNat = this.config.entries.filter((e) => e.table === 'nat' && !e.disabled);
    for (const e of enabledNat) {
      if (e.action !== 'masquerade' && e.action !== 'src-nat') continue;
      if (e.outInterface && !e.outInterface.negated) add([e.outInterface.value]);
      if (e.outInterfaceList && !e.outInterfaceList.negated) add(listMembers(e.outInterfaceList.value));
    }
    if (out.length > 0) return out;
    for (const e of enabledNat) {
      if (!DNAT_ACTIONS.has(e.action)) continue;
      if (e.inInterface && !e.inInterface.negated) add([e.inInterface.value]);
      if (e.inInterfaceList && !e.inInterfaceList.negated) add(listMembers(e.inInterfaceList.value));
    }
    if (out.length > 0) return out;
    add(this.config.uplinks.map((u) => u.iface));
    return out;
  }
}
