import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  PROTO,
  SPECIAL_RANGES,
  parseAddressSet,
  protocolSet,
  type Device,
  type FilterRule,
  type Origin,
  type PortSet,
  type ProtocolSet,
} from '@portcullis/model';
import { cloudDevice, portRange, reportUnresolved, ruleset, symbolicRule } from '../common/model.js';
import type { Reporter } from '../common/report.js';
import { isUnresolved, type Maybe } from '../common/unresolved.js';
import type { AzureNsg, AzureSecurityRule } from './representation.js';

/*
 * Azure semantics, shared by every input kind: rules of one direction sorted by priority (lowest
 * number first, first match wins), then Azure's default rules (AllowVnetInBound,
 * AllowAzureLoadBalancerInBound, DenyAllInBound). `*`, `Any`, `Internet`, `0.0.0.0/0` and `::/0`
 * are the internet; other service tags and application security groups stay symbolic.
 */

/** Everything that is not private space: what the `Internet` tag stands for outside a VNet. */
const INTERNET = AddressSet.all().subtract(SPECIAL_RANGES.private);

const SILENT: Reporter = { report: () => undefined, note: () => undefined };

const DEFAULT_INBOUND: { name: string; priority: number; source: string; access: 'Allow' | 'Deny' }[] = [
  { name: 'AllowVnetInBound', priority: 65000, source: 'VirtualNetwork', access: 'Allow' },
  { name: 'AllowAzureLoadBalancerInBound', priority: 65001, source: 'AzureLoadBalancer', access: 'Allow' },
  { name: 'DenyAllInBound', priority: 65500, source: '*', access: 'Deny' },
];
const DEFAULT_OUTBOUND: { name: string; priority: number; destination: string; access: 'Allow' | 'Deny' }[] = [
  { name: 'AllowVnetOutBound', priority: 65000, destination: 'VirtualNetwork', access: 'Allow' },
  { name: 'AllowInternetOutBound', priority: 65001, destination: 'Internet', access: 'Allow' },
  { name: 'DenyAllOutBound', priority: 65500, destination: '*', access: 'Deny' },
];

interface Prefixes {
  set: AddressSet;
  symbolic: string[];
  exact: boolean;
}

function prefixes(values: Maybe<string>[], groups: string[], side: 'source' | 'destination', origin: Origin, reporter: Reporter): Prefixes {
  let set = AddressSet.empty();
  const symbolic: string[] = [];
  let exact = true;
  for (const v of values) {
    if (isUnresolved(v)) {
      reportUnresolved([v], origin, reporter, `the ${side} is kept symbolic`);
      symbolic.push(v.text);
      continue;
    }
    const t = v.trim();
    const lower = t.toLowerCase();
    if (t === '*' || lower === 'any' || lower === 'internet') {
      set = set.union(lower === 'internet' ? INTERNET : AddressSet.all());
      continue;
    }
    const parsed = parseAddressSet(t);
    if (parsed) {
      set = set.union(parsed);
      continue;
    }
    if (side === 'destination') {
      // The hosts behind the NSG that a tag names: some of them, so any of them.
      set = set.union(AddressSet.all());
      if (lower !== 'virtualnetwork') exact = false;
      continue;
    }
    symbolic.push(t);
    if (/^[A-Za-z][A-Za-z0-9._-]*$/.test(t)) {
      reporter.note(origin, 'info', 'service-tag', `source is the service tag ${t}: its addresses are not known here and are not counted as any address`);
    } else {
      reporter.report(origin, 'warning', 'invalid-address', `'${t}' is neither an address, a CIDR block nor a service tag; left out of the rule's sources`);
      symbolic.pop();
    }
  }
  for (const g of groups) {
    if (side === 'destination') {
      set = set.union(AddressSet.all());
      exact = false;
      continue;
    }
    symbolic.push(g);
    reporter.note(origin, 'info', 'application-security-group', `source is application security group ${g}: its members are not known here and are not counted as any address`);
  }
  return { set, symbolic, exact };
}

function ports(values: Maybe<string>[], origin: Origin, reporter: Reporter): PortSet | undefined {
  let set: PortSet | undefined;
  for (const v of values) {
    if (isUnresolved(v)) {
      reportUnresolved([v], origin, reporter, 'the rule is kept as a symbolic one');
      return undefined;
    }
    const t = v.trim();
    let part: PortSet | undefined;
    if (t === '*' || t.toLowerCase() === 'any') part = ALL_PORTS;
    else {
      const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
      part = m ? portRange(Number(m[1]), Number(m[2] ?? m[1])) : undefined;
    }
    if (!part) {
      reporter.report(origin, 'warning', 'invalid-value', `'${t}' is not a port, a range or '*'`);
      continue;
    }
    set = set ? set.union(part) : part;
  }
  return set ?? (values.length === 0 ? ALL_PORTS : undefined);
}

function protocols(value: string, origin: Origin, reporter: Reporter): ProtocolSet | undefined {
  switch (value.trim().toLowerCase()) {
    case '*':
    case 'any':
      return ALL_PROTOCOLS;
    case 'tcp':
      return protocolSet([PROTO.tcp]);
    case 'udp':
      return protocolSet([PROTO.udp]);
    case 'icmp':
      return protocolSet([PROTO.icmp, PROTO.icmpv6]);
    case 'esp':
      return protocolSet([50]);
    case 'ah':
      return protocolSet([51]);
    default:
      reporter.report(origin, 'warning', 'invalid-value', `'${value}' is not an NSG protocol (Tcp, Udp, Icmp, Esp, Ah, *); the rule is left out`);
      return undefined;
  }
}

function convertRule(r: AzureSecurityRule, inbound: boolean, reporter: Reporter): FilterRule[] {
  const base = { id: '', matchesNew: true, enabled: true, origin: r.origin, ...(r.description ? { description: r.description } : {}) };
  const access = isUnresolved(r.access) ? r.access : r.access.trim().toLowerCase();
  const proto = isUnresolved(r.protocol) ? r.protocol : protocols(r.protocol, r.origin, reporter);
  if (isUnresolved(access) || isUnresolved(proto)) {
    reportUnresolved([access, proto], r.origin, reporter, 'the rule is kept as a symbolic one');
  } else if (access !== 'allow' && access !== 'deny') {
    reporter.report(r.origin, 'warning', 'invalid-value', `access '${access}' is neither Allow nor Deny; the rule is left out`);
    return [];
  }
  if (proto === undefined) return [];
  const action = access === 'deny' ? 'deny' : 'allow';
  const src = prefixes(r.sourcePrefixes, r.sourceGroups, inbound ? 'source' : 'destination', r.origin, reporter);
  const dst = prefixes(r.destinationPrefixes, r.destinationGroups, inbound ? 'destination' : 'source', r.origin, reporter);
  const dstPorts = ports(r.destinationPortRanges, r.origin, reporter);
  const srcPorts = ports(r.sourcePortRanges, r.origin, reporter);
  const text = `${inbound ? 'inbound' : 'outbound'} ${r.name} ${action} ${isUnresolved(r.protocol) ? r.protocol.text : r.protocol} ` +
    `from ${show(r.sourcePrefixes, r.sourceGroups)} to ${show(r.destinationPrefixes, r.destinationGroups)} port ${show(r.destinationPortRanges, [])}`;
  const remote = inbound ? src : dst;
  const local = inbound ? dst : src;
  if (isUnresolved(access) || isUnresolved(proto) || !dstPorts || !srcPorts) {
    const symbolic = [access, proto].filter(isUnresolved).map((u) => u.text);
    for (const list of [r.destinationPortRanges, r.sourcePortRanges]) for (const v of list) if (isUnresolved(v)) symbolic.push(v.text);
    return [symbolicRule({ ...base, action, protocols: ALL_PROTOCOLS, destinations: AddressSet.all(), sourcePorts: ALL_PORTS, destinationPorts: ALL_PORTS, text }, symbolic)];
  }
  const rules: FilterRule[] = [];
  if (!remote.set.isEmpty || remote.symbolic.length === 0) {
    // One literal with every field, in the order `base` and the sides give them: a spread of
    // differently shaped objects is several times slower, and a large export has many rules.
    const { origin } = r;
    const sources = inbound ? remote.set : local.set;
    const destinations = inbound ? local.set : remote.set;
    const exact = local.exact && remote.exact;
    const description = r.description;
    rules.push(
      description
        ? { id: '', matchesNew: true, enabled: true, origin, description, sources, destinations, action, protocols: proto, sourcePorts: srcPorts, destinationPorts: dstPorts, exact, symbolic: [], text }
        : { id: '', matchesNew: true, enabled: true, origin, sources, destinations, action, protocols: proto, sourcePorts: srcPorts, destinationPorts: dstPorts, exact, symbolic: [], text },
    );
  }
  if (remote.symbolic.length > 0) {
    const rule = symbolicRule({ ...base, action, protocols: proto, destinations: AddressSet.all(), sourcePorts: srcPorts, destinationPorts: dstPorts, text: `${text} (symbolic part)` }, remote.symbolic);
    if (!inbound) {
      rule.sources = AddressSet.all();
      rule.destinations = AddressSet.empty();
    }
    rules.push(rule);
  }
  return rules;
}

function show(values: Maybe<string>[], groups: string[]): string {
  const all = [...values.map((v) => (isUnresolved(v) ? v.text : v)), ...groups];
  return all.length > 0 ? all.join(',') : '*';
}

function defaults(nsg: AzureNsg, inbound: boolean): AzureSecurityRule[] {
  const base = { origin: nsg.origin, sourcePortRanges: ['*'], destinationPortRanges: ['*'], protocol: '*', sourceGroups: [], destinationGroups: [] };
  return inbound
    ? DEFAULT_INBOUND.map((d) => ({ ...base, name: d.name, priority: d.priority, direction: 'Inbound', access: d.access, sourcePrefixes: [d.source], destinationPrefixes: [d.source === 'VirtualNetwork' ? 'VirtualNetwork' : '*'] }))
    : DEFAULT_OUTBOUND.map((d) => ({ ...base, name: d.name, priority: d.priority, direction: 'Outbound', access: d.access, sourcePrefixes: [d.destination === 'VirtualNetwork' ? 'VirtualNetwork' : '*'], destinationPrefixes: [d.destination] }));
}

/** One direction's rules: by priority, then the default rules (as the input lists them, or Azure's). */
function direction(nsg: AzureNsg, inbound: boolean, reporter: Reporter): FilterRule[] {
  const want = inbound ? 'inbound' : 'outbound';
  const placed: { priority: number; rule: AzureSecurityRule }[] = [];
  const byPriority = new Map<number, AzureSecurityRule>();
  for (const r of nsg.rules) {
    if (isUnresolved(r.direction)) {
      reportUnresolved([r.direction], r.origin, reporter, 'the rule is left out: its direction is not known');
      continue;
    }
    const dir = r.direction.trim().toLowerCase();
    if (dir !== 'inbound' && dir !== 'outbound') {
      reporter.report(r.origin, 'warning', 'invalid-value', `direction '${r.direction}' is neither Inbound nor Outbound; the rule is left out`);
      continue;
    }
    if (dir !== want) continue;
    if (isUnresolved(r.priority)) {
      reportUnresolved([r.priority], r.origin, reporter, 'the rule is placed last among the NSG\'s own rules');
      placed.push({ priority: 4097, rule: r });
      continue;
    }
    if (!Number.isInteger(r.priority) || r.priority < 100 || r.priority > 4096) {
      reporter.note(r.origin, 'warning', 'invalid-value', `priority ${r.priority} is outside 100-4096, the range Azure accepts`);
    }
    const earlier = byPriority.get(r.priority);
    if (earlier) reporter.note(r.origin, 'warning', 'duplicate-priority', `priority ${r.priority} is also used by rule ${earlier.name} (line ${earlier.origin.line}); Azure rejects two ${want} rules with one priority`);
    else byPriority.set(r.priority, r);
    placed.push({ priority: r.priority, rule: r });
  }
  // A stable sort keeps the input's order between equal priorities.
  placed.sort((a, b) => a.priority - b.priority);
  const given = nsg.defaultRules?.filter((r) => !isUnresolved(r.direction) && r.direction.trim().toLowerCase() === want);
  const tail = given && given.length > 0 ? given : defaults(nsg, inbound);
  // The default rules are Azure's, not the user's: their service tags are not worth a note each time.
  return [...placed.flatMap((p) => convertRule(p.rule, inbound, reporter)), ...tail.flatMap((r) => convertRule(r, inbound, SILENT))];
}

export function convertNsg(nsg: AzureNsg, reporter: Reporter): Device {
  return cloudDevice(
    nsg.name, 'azure', nsg.format, nsg.origin,
    ruleset('ingress', 'priority', 'deny', direction(nsg, true, reporter), nsg.origin),
    ruleset('egress', 'priority', 'deny', direction(nsg, false, reporter), nsg.origin),
  );
}
