import {
  append,
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  type Family,
  type LineLedger,
  type PortSet,
  type ProtocolSet,
} from '@portcullis/model';
import { Cursor, readAddress, type AclDialect } from './acl.js';
import type { ConfigLine, Section } from './lines.js';
import type { CiscoObject, NetworkMember, ObjectKind, Problem, ServiceMember } from './syntax.js';
import { PORT_OPERATORS, ciscoProtocol, ipv4Number, ipv4Range, readPortOperator } from './values.js';

/*
 * `object network|service` (ASA) and `object-group network|service|protocol|icmp-type` (IOS and
 * ASA): reading their sections, and resolving names into address sets and services, following
 * nested groups (`group-object`, `network-object object`) with a guard against cycles.
 */

function objectKindOf(word: string | undefined): ObjectKind {
  switch (word?.toLowerCase()) {
    case 'network':
      return 'network';
    case 'service':
      return 'service';
    case 'protocol':
      return 'protocol';
    case 'icmp-type':
      return 'icmp-type';
    default:
      return 'other';
  }
}

/** Reports a line's problems; the line stays recognised unless one of them is a `report`. */
export function applyProblems(ledger: LineLedger, line: number, problems: readonly Problem[]): void {
  let reported = false;
  for (const p of problems) {
    if (p.kind === 'report') {
      ledger.report(line, p.severity, p.code, p.message);
      reported = true;
    } else ledger.note(line, p.severity, p.code, p.message);
  }
  if (!reported) ledger.recognise(line);
}

/**
 * Reads an `object …`/`object-group …` section into `into` (a later section of the same name adds
 * to it, as ASA prints an object's NAT in a second `object network` section). Children it does not
 * know are handed to `other` (ASA object NAT), or reported.
 */
export function readObjectSection(
  section: Section,
  dialect: AclDialect,
  ledger: LineLedger,
  into: Map<string, CiscoObject>,
  other?: (child: ConfigLine, object: CiscoObject) => boolean,
): CiscoObject | undefined {
  const head = section.head;
  const group = head.words[0]!.toLowerCase() === 'object-group';
  const kind = objectKindOf(head.words[1]);
  const name = head.words[2];
  if (name === undefined) {
    ledger.report(head.line, 'warning', 'unrecognised-line', `'${head.words.slice(0, 2).join(' ')}' needs a name`);
    for (const ch of section.children) ledger.ignore(ch.line);
    return undefined;
  }
  let object = into.get(name);
  if (!object) {
    object = { name, kind, group, line: head.line, network: [], services: [], portGroup: false };
    into.set(name, object);
  }
  if (kind === 'other') {
    // User, security and other groups say nothing about addresses or ports.
    ledger.ignore(head.line);
    for (const ch of section.children) ledger.ignore(ch.line);
    return object;
  }
  ledger.recognise(head.line);
  // ASA `object-group service NAME tcp|udp|tcp-udp` lists ports for that protocol.
  const portProtocol = kind === 'service' && group ? head.words[3] : undefined;
  const portProtocols = portProtocol !== undefined ? ciscoProtocol(portProtocol) : undefined;
  if (portProtocol !== undefined) {
    if (portProtocols) object.portGroup = true;
    else ledger.note(head.line, 'warning', 'invalid-value', `'${portProtocol}' is not tcp, udp or tcp-udp`);
  }
  for (const child of section.children) {
    const problems: Problem[] = [];
    const word = child.words[0]!.toLowerCase();
    if (word === 'description') {
      ledger.ignore(child.line);
      continue;
    }
    if (word === 'group-object') {
      const ref = child.words[1];
      if (ref === undefined) problems.push({ kind: 'report', severity: 'warning', code: 'invalid-value', message: "'group-object' needs a name" });
      else if (kind === 'network') object.network.push({ kind: 'ref', name: ref, line: child.line });
      else object.services.push({ kind: 'ref', name: ref, line: child.line });
      applyProblems(ledger, child.line, problems);
      continue;
    }
    let handled = true;
    if (kind === 'network') handled = readNetworkMember(child, group, dialect, object, problems);
    else if (kind === 'service') handled = readServiceMember(child, group, portProtocols, dialect, object, problems);
    else if (kind === 'protocol') handled = readProtocolMember(child, object, dialect.family, problems);
    else if (kind === 'icmp-type') handled = word === 'icmp-object';
    if (!handled && other?.(child, object)) continue;
    if (!handled) {
      ledger.report(child.line, 'warning', 'unrecognised-line', `'${child.words[0]}' is not understood in ${group ? 'object-group' : 'object'} ${kind} ${name}`);
      continue;
    }
    applyProblems(ledger, child.line, problems);
  }
  return object;
}

function readNetworkMember(child: ConfigLine, group: boolean, dialect: AclDialect, object: CiscoObject, problems: Problem[]): boolean {
  const words = child.words;
  let w = words[0]!.toLowerCase();
  let at = 0;
  if (group && dialect.vendor === 'asa') {
    if (w !== 'network-object') return false;
    at = 1;
    w = words[1]?.toLowerCase() ?? '';
  }
  const push = (m: NetworkMember): void => void object.network.push(m);
  if (w === 'object' && at === 1) {
    const ref = words[2];
    if (ref === undefined) problems.push(invalid("'network-object object' needs a name"));
    else push({ kind: 'ref', name: ref, line: child.line });
    return true;
  }
  if (!group && w === 'fqdn') {
    const name = words[words.length - 1];
    if (words.length < 2 || name === undefined) problems.push(invalid("'fqdn' needs a name"));
    else push({ kind: 'fqdn', name, line: child.line });
    return true;
  }
  if (w === 'range') {
    const a = ipv4Number(words[at + 1] ?? '');
    const b = ipv4Number(words[at + 2] ?? '');
    if (a === undefined || b === undefined || b < a) problems.push(invalid(`'range' needs two addresses, low to high`));
    else push({ kind: 'set', set: ipv4Range(a, b), exact: true, line: child.line });
    return true;
  }
  const c = new Cursor(words, at);
  if (!group && dialect.vendor === 'asa') {
    // `host A`, `subnet A M`, `subnet A/len`.
    if (w === 'subnet') c.next();
    else if (w !== 'host') return false;
  } else if (w === 'host' || w === 'any' || ipv4Number(w) !== undefined || w.includes(':') || dialect.alias?.(words[at]!) !== undefined) {
    // IOS `10.0.0.0 255.0.0.0` / `10.0.0.0 /8`; ASA `network-object 10.0.0.0 255.0.0.0`.
    const slash = words[at + 1];
    if (slash !== undefined && /^\/\d{1,2}$/.test(slash) && ipv4Number(w) !== undefined) {
      const len = Number(slash.slice(1));
      const base = ipv4Number(w)!;
      if (len > 32) problems.push(invalid(`'${slash}' is not a prefix length`));
      else {
        const size = 2 ** (32 - len);
        const start = Math.floor(base / size) * size;
        push({ kind: 'set', set: ipv4Range(start, start + size - 1), exact: true, line: child.line });
      }
      return true;
    }
  } else return false;
  const term = readAddress(c, dialect, problems, { netmask: true });
  if (term.kind === 'set') push({ kind: 'set', set: term.set, exact: term.exact, line: child.line });
  if (!c.done) problems.push(invalid(`unexpected '${c.peek()}'`));
  return true;
}

function readServiceMember(
  child: ConfigLine,
  group: boolean,
  portProtocols: ProtocolSet | undefined,
  dialect: AclDialect,
  object: CiscoObject,
  problems: Problem[],
): boolean {
  const words = child.words;
  const w = words[0]!.toLowerCase();
  const push = (m: ServiceMember): void => void object.services.push(m);
  if (portProtocols) {
    // `port-object eq 80`, `port-object range 1000 1010`.
    if (w !== 'port-object') return false;
    const read = words[1] !== undefined && PORT_OPERATORS.has(words[1].toLowerCase()) ? readPortOperator(words, 1, portProtocols) : undefined;
    if (!read?.set) problems.push(invalid(read?.error ?? "'port-object' needs eq or range"));
    else push({ kind: 'service', protocols: portProtocols, sourcePorts: ALL_PORTS, destinationPorts: read.set, exact: true, line: child.line });
    return true;
  }
  let at = 0;
  if (dialect.vendor === 'asa') {
    // `service …` in an object, `service-object …` in a group.
    if (w !== (group ? 'service-object' : 'service')) return false;
    at = 1;
    if (words[1]?.toLowerCase() === 'object') {
      const ref = words[2];
      if (ref === undefined) problems.push(invalid("'service-object object' needs a name"));
      else push({ kind: 'ref', name: ref, line: child.line });
      return true;
    }
  }
  const protoWord = words[at];
  const protocols = protoWord === undefined ? undefined : ciscoProtocol(protoWord, dialect.family);
  if (!protocols) {
    if (dialect.vendor === 'ios' && at === 0) return false;
    problems.push(invalid(protoWord === undefined ? 'a protocol is missing' : `'${protoWord}' is not a protocol`));
    return true;
  }
  let sourcePorts = ALL_PORTS;
  let destinationPorts = ALL_PORTS;
  let exact = true;
  let i = at + 1;
  while (i < words.length) {
    const k = words[i]!.toLowerCase();
    let side: 'source' | 'destination' = 'destination';
    if (k === 'source' || k === 'destination') {
      side = k;
      i++;
    }
    const op = words[i]?.toLowerCase();
    if (op !== undefined && PORT_OPERATORS.has(op)) {
      const read = readPortOperator(words, i, protocols);
      i += read.used;
      if (!read.set) {
        problems.push(invalid(read.error ?? 'ports could not be read'));
        exact = false;
      } else if (side === 'source') sourcePorts = read.set;
      else destinationPorts = read.set;
      continue;
    }
    if (side === 'source' && op === undefined) {
      problems.push(invalid("'source' needs a port"));
      break;
    }
    // ICMP types (`icmp echo`) and anything else after the protocol: conditions we do not capture.
    exact = false;
    i++;
  }
  push({ kind: 'service', protocols, sourcePorts, destinationPorts, exact, line: child.line });
  return true;
}

function readProtocolMember(child: ConfigLine, object: CiscoObject, family: Family, problems: Problem[]): boolean {
  if (child.words[0]!.toLowerCase() !== 'protocol-object') return false;
  const word = child.words[1];
  const protocols = word === undefined ? undefined : ciscoProtocol(word, family);
  if (!protocols) problems.push(invalid(word === undefined ? "'protocol-object' needs a protocol" : `'${word}' is not a protocol`));
  else object.services.push({ kind: 'service', protocols, sourcePorts: ALL_PORTS, destinationPorts: ALL_PORTS, exact: true, line: child.line });
  return true;
}

function invalid(message: string): Problem {
  return { kind: 'report', severity: 'warning', code: 'invalid-value', message };
}

/** A protocol with its source and destination ports: what one service member (or ACL entry) matches. */
export interface ServiceVariant {
  protocols: ProtocolSet;
  sourcePorts: PortSet;
  destinationPorts: PortSet;
  exact: boolean;
}

export interface ResolvedAddresses {
  set: AddressSet;
  exact: boolean;
  /** Names that stay symbolic (DNS names). */
  symbolic: string[];
  /** Names nobody defines. */
  missing: string[];
}

const MAX_DEPTH = 32;

/** Resolves object and object-group names of one configuration. Names are case-sensitive, as on the devices. */
export class ObjectTable {
  constructor(readonly objects: ReadonlyMap<string, CiscoObject>) {}

  get(name: string): CiscoObject | undefined {
    return this.objects.get(name);
  }

  kind(name: string): ObjectKind | undefined {
    return this.objects.get(name)?.kind;
  }

  /**
   * Resolutions already made, by family and name. A group that names the same groups many times
   * over (or a diamond of groups) would otherwise be resolved again at every mention: time that
   * grows with the product of the mentions. Only a resolution that no cycle cut short is kept.
   */
  private readonly resolved = new Map<string, ResolvedAddresses>();

  addresses(name: string, family: Family | undefined, seen: string[] = []): ResolvedAddresses {
    const r = this.resolveAddresses(name, family, seen);
    return { set: r.set, exact: r.exact, symbolic: [...r.symbolic], missing: [...r.missing] };
  }

  private resolveAddresses(name: string, family: Family | undefined, seen: string[]): ResolvedAddresses & { cut: boolean } {
    const key = `${family ?? ''}|${name}`;
    const known = this.resolved.get(key);
    if (known) return { ...known, cut: false };
    const out: ResolvedAddresses & { cut: boolean } = { set: AddressSet.empty(), exact: true, symbolic: [], missing: [], cut: false };
    const object = this.objects.get(name);
    if (!object || object.kind !== 'network') {
      out.missing.push(name);
      out.exact = false;
      out.set = AddressSet.all(family);
      return out;
    }
    if (seen.includes(name) || seen.length > MAX_DEPTH) return { ...out, cut: true };
    const inside = new Set<string>();
    // The members' sets, joined once at the end: a group of thousands of hosts, one union each, was quadratic.
    const sets: AddressSet[] = [];
    for (const m of object.network) {
      if (m.kind === 'set') {
        sets.push(m.set);
        out.exact &&= m.exact;
      } else if (m.kind === 'fqdn') {
        out.symbolic.push(`fqdn:${m.name}`);
        out.exact = false;
      } else {
        // A group named twice adds nothing the first mention did not.
        if (inside.has(m.name)) continue;
        inside.add(m.name);
        const inner = this.resolveAddresses(m.name, family, [...seen, name]);
        sets.push(inner.set);
        out.exact &&= inner.exact;
        out.cut ||= inner.cut;
        append(out.symbolic, inner.symbolic);
        append(out.missing, inner.missing);
      }
    }
    out.set = AddressSet.unionAll(sets);
    if (!out.cut) this.resolved.set(key, { set: out.set, exact: out.exact, symbolic: out.symbolic, missing: out.missing });
    return out;
  }

  /** The services a service object/group or protocol group stands for, each protocol with its ports. */
  services(name: string, seen: string[] = []): { variants: ServiceVariant[]; missing: string[] } {
    const object = this.objects.get(name);
    if (!object || (object.kind !== 'service' && object.kind !== 'protocol')) {
      return { variants: [{ protocols: ALL_PROTOCOLS, sourcePorts: ALL_PORTS, destinationPorts: ALL_PORTS, exact: false }], missing: [name] };
    }
    const variants: ServiceVariant[] = [];
    const missing: string[] = [];
    if (seen.includes(name) || seen.length > MAX_DEPTH) return { variants, missing };
    const inside = new Set<string>();
    for (const m of object.services) {
      if (m.kind === 'service') variants.push({ protocols: m.protocols, sourcePorts: m.sourcePorts, destinationPorts: m.destinationPorts, exact: m.exact });
      else {
        // A group named twice adds nothing the first mention did not (and would cost its whole tree again).
        if (inside.has(m.name)) continue;
        inside.add(m.name);
        const inner = this.services(m.name, [...seen, name]);
        append(variants, inner.variants);
        append(missing, inner.missing);
      }
    }
    return { variants: mergeVariants(variants), missing };
  }

  /** The destination ports of a port group (`object-group service NAME tcp` used after an address). */
  ports(name: string): { set: PortSet; missing: string[] } {
    const { variants, missing } = this.services(name);
    let set: PortSet | undefined;
    for (const v of variants) set = set ? set.union(v.destinationPorts) : v.destinationPorts;
    return { set: set ?? ALL_PORTS, missing };
  }
}

/** Variants with the same protocols and source ports become one (their destination ports joined). */
function mergeVariants(variants: ServiceVariant[]): ServiceVariant[] {
  const out: ServiceVariant[] = [];
  for (const v of variants) {
    const same = out.find((o) => o.protocols.equals(v.protocols) && o.sourcePorts.equals(v.sourcePorts) && o.exact === v.exact);
    if (same) same.destinationPorts = same.destinationPorts.union(v.destinationPorts);
    else out.push({ ...v });
  }
  return out;
}

