import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  PROTO,
  protocolNumber,
  protocolSet,
  type Device,
  type FilterRule,
  type Origin,
  type PortSet,
  type ProtocolSet,
  noItems,
} from '@portcullis/model';
import { cidrSet, cloudDevice, portRange, reportUnresolved, ruleset, symbolicRule } from '../common/model.js';
import type { Reporter } from '../common/report.js';
import { isUnresolved, type Maybe } from '../common/unresolved.js';
import type { AwsAclEntry, AwsNetworkAcl, AwsPermission, AwsSecurityGroup } from './representation.js';

/*
 * AWS semantics, shared by every input kind. A security group is an allow-only union with an
 * implicit deny: its rules go into `ingress` in any order. A network ACL is numbered: its entries
 * are sorted by rule number, first match wins, and what none decides is denied.
 */

interface Match {
  protocols: ProtocolSet;
  ports: PortSet;
  /** False when a condition is narrower than the model states (ICMP types). */
  exact: boolean;
  text: string;
}

/**
 * Protocol and ports as AWS reads them: `-1`/`all` is every protocol and port whatever the ports
 * say; TCP and UDP take the port range (`-1` to `-1` is all ports); ICMP's "ports" are its type and
 * code; any other protocol number opens all its traffic.
 */
function awsMatch(protocol: Maybe<string>, from: Maybe<number> | undefined, to: Maybe<number> | undefined, origin: Origin, reporter: Reporter): Match | undefined {
  if (isUnresolved(protocol) || isUnresolved(from) || isUnresolved(to)) {
    reportUnresolved([protocol, from, to], origin, reporter, 'the rule is kept as a symbolic one that opens no address');
    return undefined;
  }
  const p = protocol.trim().toLowerCase();
  if (p === '-1' || p === 'all') return { protocols: ALL_PROTOCOLS, ports: ALL_PORTS, exact: true, text: 'all' };
  const n = protocolNumber(p);
  if (n === undefined) {
    reporter.report(origin, 'warning', 'invalid-value', `'${protocol}' is not a protocol AWS accepts (-1, tcp, udp, icmp, icmpv6 or a number); the rule is left out`);
    return undefined;
  }
  const name = n === PROTO.tcp ? 'tcp' : n === PROTO.udp ? 'udp' : n === PROTO.icmp ? 'icmp' : n === PROTO.icmpv6 ? 'icmpv6' : String(n);
  if (n === PROTO.tcp || n === PROTO.udp) {
    if (from === undefined && to === undefined) return { protocols: protocolSet([n]), ports: ALL_PORTS, exact: true, text: `${name} all` };
    const lo = from ?? to!;
    const hi = to ?? from!;
    if (lo === -1 && hi === -1) return { protocols: protocolSet([n]), ports: ALL_PORTS, exact: true, text: `${name} all` };
    const ports = portRange(lo, hi);
    if (!ports) {
      reporter.report(origin, 'warning', 'invalid-value', `ports ${lo}-${hi} are not a valid range (0-65535, from <= to); the rule is left out`);
      return undefined;
    }
    return { protocols: protocolSet([n]), ports, exact: true, text: `${name} ${lo === hi ? lo : `${lo}-${hi}`}` };
  }
  if (n === PROTO.icmp || n === PROTO.icmpv6) {
    const anyType = from === undefined || from === -1;
    return { protocols: protocolSet([n]), ports: ALL_PORTS, exact: anyType, text: anyType ? name : `${name} type ${from}${to !== undefined && to !== -1 ? ` code ${to}` : ''}` };
  }
  return { protocols: protocolSet([n]), ports: ALL_PORTS, exact: true, text: name };
}

function symbolicTexts(p: AwsPermission, origin: Origin, reporter: Reporter): string[] {
  if (p.symbolic.length === 0) return NO_SYMBOLS;
  const out: string[] = [];
  for (const s of p.symbolic) {
    out.push(s.text);
    switch (s.kind) {
      case 'self':
        reporter.note(origin, 'info', 'self-reference', 'source is the group itself (self): its members are not known here and are not counted as any address');
        break;
      case 'security-group':
        reporter.note(origin, 'info', 'security-group-reference', `source is the members of security group ${s.text}: not known here and not counted as any address`);
        break;
      case 'prefix-list':
        reporter.note(origin, 'info', 'prefix-list-reference', `source is prefix list ${s.text}: its entries are not known here and are not counted as any address`);
        break;
      case 'unresolved':
        reporter.note(origin, 'warning', 'unresolved-reference', `${s.text}: ${s.reason ?? 'not known statically'}; the source is kept symbolic and not counted as any address`);
        break;
    }
  }
  return out;
}

/** The symbolic sources of a rule that has none: one list for all of them (nothing adds to a rule's list). */
const NO_SYMBOLS = noItems<string>();

/** An allow rule of a permission. Object literals rather than spreads of a shared base: a large account has hundreds of thousands of rules. */
function allowRule(p: AwsPermission, sources: AddressSet, destinations: AddressSet, protocols: ProtocolSet, destinationPorts: PortSet, exact: boolean, symbols: string[], text: string): FilterRule {
  const r: FilterRule = { id: '', action: 'allow', protocols, sources, destinations, sourcePorts: ALL_PORTS, destinationPorts, matchesNew: true, exact, symbolic: symbols, enabled: true, text, origin: p.origin };
  if (p.description) r.description = p.description;
  return r;
}

/**
 * A permission becomes up to two rules: one for its CIDRs (exact) and one for its symbolic sources
 * (matching no address), so a group reference never hides an open CIDR beside it. They are added
 * to `rules`, which is returned.
 */
export function permissionRules(p: AwsPermission, direction: 'ingress' | 'egress', reporter: Reporter, rules: FilterRule[] = []): FilterRule[] {
  const match = awsMatch(p.protocol, p.fromPort, p.toPort, p.origin, reporter);
  const symbolic = symbolicTexts(p, p.origin, reporter);
  const word = direction === 'ingress' ? 'from' : 'to';
  if (!match) {
    const texts = [p.protocol, p.fromPort, p.toPort].filter(isUnresolved).map((u) => u.text);
    rules.push(allowRule(p, AddressSet.empty(), AddressSet.all(), ALL_PROTOCOLS, ALL_PORTS, false, [...texts, ...symbolic], `${direction} allow (unresolved) ${word} ${[...p.cidrs, ...symbolic].join(', ')}`));
    return rules;
  }
  // Texts joined rather than concatenated: one flat string, not a chain of pieces kept for every rule.
  if (p.cidrs.length > 0) {
    const addresses = cidrSet(p.cidrs, p.origin, reporter);
    const text = [direction, 'allow', match.text, word, p.cidrs.join(', ')].join(' ');
    if (direction === 'ingress') rules.push(allowRule(p, addresses, AddressSet.all(), match.protocols, match.ports, match.exact, NO_SYMBOLS, text));
    else rules.push(allowRule(p, AddressSet.all(), addresses, match.protocols, match.ports, match.exact, NO_SYMBOLS, text));
  }
  if (symbolic.length > 0 || p.cidrs.length === 0) {
    // Symbolic sources match no address (as symbolicRule makes them).
    const text = [direction, 'allow', match.text, word, symbolic.join(', ') || 'nothing'].join(' ');
    rules.push(allowRule(p, AddressSet.empty(), AddressSet.all(), match.protocols, match.ports, false, symbolic, text));
    if (symbolic.length === 0) reporter.note(p.origin, 'info', 'empty-rule', 'the rule names no source: it allows nothing');
  }
  return rules;
}

export function convertSecurityGroup(group: AwsSecurityGroup, reporter: Reporter): Device {
  const ingress: FilterRule[] = [];
  for (const p of group.ingress) permissionRules(p, 'ingress', reporter, ingress);
  const egress: FilterRule[] = [];
  for (const p of group.egress) permissionRules(p, 'egress', reporter, egress);
  // Copies the size of their rules: a list pushed to has room for 17, and the device keeps its lists as long as the scan runs.
  return cloudDevice(
    group.name, 'aws', group.format, group.origin,
    ruleset('ingress', 'allow-union', 'deny', ingress.slice(), group.origin),
    ruleset('egress', 'allow-union', 'deny', egress.slice(), group.origin),
  );
}

function aclRule(e: AwsAclEntry, reporter: Reporter): FilterRule | undefined {
  const direction = e.egress ? 'egress' : 'ingress';
  const action = isUnresolved(e.action) ? e.action : e.action.trim().toLowerCase();
  const match = awsMatch(e.protocol, e.fromPort, e.toPort, e.origin, reporter);
  const base = { id: '', destinations: AddressSet.all(), sourcePorts: ALL_PORTS, matchesNew: true, enabled: true, origin: e.origin };
  if (isUnresolved(action) || (action !== 'allow' && action !== 'deny')) {
    if (isUnresolved(action)) reportUnresolved([action], e.origin, reporter, 'the entry is kept as a symbolic one');
    else reporter.report(e.origin, 'warning', 'invalid-value', `rule action '${action}' is neither allow nor deny; the entry is left out`);
    return undefined;
  }
  if (!match || e.cidr === undefined || isUnresolved(e.cidr)) {
    if (isUnresolved(e.cidr)) reportUnresolved([e.cidr], e.origin, reporter, 'the entry is kept as a symbolic one that matches no address');
    else if (e.cidr === undefined && match) reporter.report(e.origin, 'warning', 'invalid-value', 'the entry has no CIDR block; it is left out');
    const symbolic = [e.protocol, e.fromPort, e.toPort, e.cidr].filter(isUnresolved).map((u) => u.text);
    if (symbolic.length === 0) return undefined;
    return symbolicRule({ ...base, action, protocols: ALL_PROTOCOLS, destinationPorts: ALL_PORTS, text: `${direction} ${action} (unresolved)` }, symbolic);
  }
  const addresses = cidrSet([e.cidr], e.origin, reporter);
  const side = e.egress ? { sources: AddressSet.all(), destinations: addresses } : { sources: addresses, destinations: AddressSet.all() };
  return {
    ...base,
    ...side,
    action,
    protocols: match.protocols,
    destinationPorts: match.ports,
    exact: match.exact,
    symbolic: [],
    text: `${direction} ${action} ${match.text} ${e.egress ? 'to' : 'from'} ${e.cidr}`,
  };
}

/** Entries by rule number, lowest first; the ACL's `*` entry (deny all) is its default. */
function aclRuleset(name: 'ingress' | 'egress', entries: AwsAclEntry[], acl: AwsNetworkAcl, reporter: Reporter): ReturnType<typeof ruleset> {
  const numbered: { n: number; rule: FilterRule }[] = [];
  const seen = new Map<number, AwsAclEntry>();
  for (const e of entries) {
    if (isUnresolved(e.ruleNumber)) {
      reportUnresolved([e.ruleNumber], e.origin, reporter, 'the entry is left out: its place in the order is not known');
      continue;
    }
    const earlier = seen.get(e.ruleNumber);
    if (earlier) reporter.note(e.origin, 'warning', 'duplicate-rule-number', `rule number ${e.ruleNumber} is used again (first on line ${earlier.origin.line}); AWS rejects this`);
    seen.set(e.ruleNumber, e);
    const rule = aclRule(e, reporter);
    if (rule) numbered.push({ n: e.ruleNumber, rule });
  }
  numbered.sort((a, b) => a.n - b.n);
  return ruleset(name, 'priority', 'deny', numbered.map((x) => x.rule), acl.origin);
}

export function convertNetworkAcl(acl: AwsNetworkAcl, reporter: Reporter): Device {
  return cloudDevice(
    acl.name, 'aws', acl.format, acl.origin,
    aclRuleset('ingress', acl.entries.filter((e) => !e.egress), acl, reporter),
    aclRuleset('egress', acl.entries.filter((e) => e.egress), acl, reporter),
  );
}
