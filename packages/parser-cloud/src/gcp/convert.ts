import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  protocolNumber,
  protocolSet,
  type Device,
  type FilterRule,
  type Origin,
  type PortSet,
  type ProtocolSet,
} from '@portcullis/model';
import { cidrSet, cloudDevice, portRange, reportUnresolved, ruleset, symbolicRule } from '../common/model.js';
import type { Reporter } from '../common/report.js';
import { isUnresolved, type Maybe } from '../common/unresolved.js';
import type { GcpFirewallRule } from './representation.js';

/*
 * GCP semantics, shared by every input kind. A firewall rule applies to the instances of its
 * network that carry one of its target tags or service accounts, or to all of them when it names
 * none. Each network gets a device for "all instances" (rules without targets) and one per target
 * (its rules plus the untargeted denies that also guard it). Rules are sorted by priority, deny
 * before allow at equal priority; ingress ends in the implied deny, egress in the implied allow.
 */

const PORTED = new Set(['tcp', 'udp', 'sctp']);

interface Prepared {
  rule: GcpFirewallRule;
  priority: number;
  order: number;
  ingress: boolean;
  rules: FilterRule[];
  targets: string[];
}

function entryMatch(protocol: Maybe<string>, ports: Maybe<string>[], origin: Origin, reporter: Reporter): { protocols: ProtocolSet; ports: PortSet; text: string } | undefined {
  if (isUnresolved(protocol) || ports.some(isUnresolved)) {
    reportUnresolved([protocol, ...ports], origin, reporter, 'the entry is kept as a symbolic one');
    return undefined;
  }
  const p = protocol.trim().toLowerCase();
  if (p === 'all') return { protocols: ALL_PROTOCOLS, ports: ALL_PORTS, text: 'all' };
  const n = protocolNumber(p);
  if (n === undefined) {
    reporter.report(origin, 'warning', 'invalid-value', `'${protocol}' is not a protocol GCP accepts; the entry is left out`);
    return undefined;
  }
  const texts = ports as string[];
  if (texts.length === 0) return { protocols: protocolSet([n]), ports: ALL_PORTS, text: `${p} all` };
  if (!PORTED.has(p) && ![6, 17, 132].includes(n)) {
    reporter.note(origin, 'warning', 'invalid-value', `ports are only valid with tcp, udp and sctp, not '${protocol}'; they are ignored`);
    return { protocols: protocolSet([n]), ports: ALL_PORTS, text: p };
  }
  let set: PortSet | undefined;
  for (const t of texts) {
    const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*$/.exec(t);
    const part = m ? portRange(Number(m[1]), Number(m[2] ?? m[1])) : undefined;
    if (!part) reporter.report(origin, 'warning', 'invalid-value', `'${t}' is not a port or a port range`);
    else set = set ? set.union(part) : part;
  }
  if (!set) return undefined;
  return { protocols: protocolSet([n]), ports: set, text: `${p} ${texts.join(',')}` };
}

function strings(values: Maybe<string>[], what: string, origin: Origin, reporter: Reporter): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (isUnresolved(v)) {
      reportUnresolved([v], origin, reporter, `the ${what} is kept symbolic`);
      out.push(v.text);
    } else out.push(v);
  }
  return out;
}

function prepare(rule: GcpFirewallRule, order: number, reporter: Reporter): Prepared | undefined {
  const o = rule.origin;
  let ingress = true;
  if (isUnresolved(rule.direction)) reportUnresolved([rule.direction], o, reporter, 'the rule is read as an ingress rule');
  else {
    const d = rule.direction.trim().toUpperCase();
    if (d === 'EGRESS') ingress = false;
    else if (d !== 'INGRESS') reporter.report(o, 'warning', 'invalid-value', `direction '${rule.direction}' is neither INGRESS nor EGRESS; read as INGRESS`);
  }
  let priority = 1000;
  if (isUnresolved(rule.priority)) reportUnresolved([rule.priority], o, reporter, 'the rule is read with the default priority 1000');
  else priority = rule.priority;
  let enabled = true;
  if (isUnresolved(rule.disabled)) reportUnresolved([rule.disabled], o, reporter, 'the rule is read as enabled');
  else enabled = !rule.disabled;

  const sourceTags = strings(rule.sourceTags, 'source tag', o, reporter);
  const sourceAccounts = strings(rule.sourceServiceAccounts, 'source service account', o, reporter);
  const symbolic = [...sourceTags.map((t) => `tag:${t}`), ...sourceAccounts.map((a) => `serviceAccount:${a}`)];
  if (ingress && symbolic.length > 0) {
    reporter.note(o, 'info', 'source-tag-reference', `sources ${symbolic.join(', ')} are instances whose addresses are not known here and are not counted as any address`);
  }
  let ranges: string[] = [];
  const rangeSymbolic: string[] = [];
  const given = ingress ? rule.sourceRanges : rule.destinationRanges;
  if (given === undefined) {
    if (!ingress || symbolic.length === 0) {
      ranges = ingress ? ['0.0.0.0/0'] : ['0.0.0.0/0', '::/0'];
      if (ingress) reporter.note(o, 'info', 'default-source', 'no source ranges, tags or service accounts: GCP uses 0.0.0.0/0');
    }
  } else {
    for (const v of given) {
      if (isUnresolved(v)) {
        reportUnresolved([v], o, reporter, 'the range is kept symbolic and not counted as any address');
        rangeSymbolic.push(v.text);
      } else ranges.push(v);
    }
  }
  const remote = cidrSet(ranges, o, reporter);
  const local = ingress && rule.destinationRanges ? cidrSet(rule.destinationRanges.filter((v): v is string => !isUnresolved(v)), o, reporter) : AddressSet.all();
  const remoteSymbolic = ingress ? [...symbolic, ...rangeSymbolic] : rangeSymbolic;

  const base = { id: '', action: rule.action, sourcePorts: ALL_PORTS, matchesNew: true, enabled, origin: o, ...(rule.description ? { description: rule.description } : {}) };
  const rules: FilterRule[] = [];
  if (rule.entries.length === 0) reporter.report(o, 'warning', 'invalid-value', `the rule has no ${rule.action} entries; it matches nothing`);
  for (const e of rule.entries) {
    const m = entryMatch(e.protocol, e.ports, o, reporter);
    const head = `${ingress ? 'ingress' : 'egress'} ${rule.name} ${rule.action} priority ${priority}`;
    if (!m) {
      const texts = [e.protocol, ...e.ports].filter(isUnresolved).map((u) => u.text);
      if (texts.length > 0) rules.push(symbolicRule({ ...base, protocols: ALL_PROTOCOLS, destinations: local, destinationPorts: ALL_PORTS, text: `${head} (unresolved)` }, texts));
      continue;
    }
    if (ranges.length > 0) {
      rules.push({
        ...base,
        ...(ingress ? { sources: remote, destinations: local } : { sources: AddressSet.all(), destinations: remote }),
        protocols: m.protocols,
        destinationPorts: m.ports,
        exact: true,
        symbolic: [],
        text: `${head} ${m.text} ${ingress ? 'from' : 'to'} ${ranges.join(', ')}`,
      });
    }
    if (remoteSymbolic.length > 0) {
      rules.push(symbolicRule({ ...base, protocols: m.protocols, destinations: local, destinationPorts: m.ports, text: `${head} ${m.text} ${ingress ? 'from' : 'to'} ${remoteSymbolic.join(', ')}` }, remoteSymbolic));
    }
  }
  const targets = [
    ...strings(rule.targetTags, 'target tag', o, reporter).map((t) => `tag ${t}`),
    ...strings(rule.targetServiceAccounts, 'target service account', o, reporter).map((a) => `service account ${a}`),
  ];
  return { rule, priority, order, ingress, rules, targets };
}

/** Priority order; at equal priority deny before allow; then as written. */
function byPriority(a: Prepared, b: Prepared): number {
  return a.priority - b.priority || (a.rule.action === b.rule.action ? 0 : a.rule.action === 'deny' ? -1 : 1) || a.order - b.order;
}

export function convertFirewallRules(rules: GcpFirewallRule[], reporter: Reporter): Device[] {
  const networks = new Map<string, Prepared[]>();
  rules.forEach((rule, order) => {
    const p = prepare(rule, order, reporter);
    if (!p) return;
    const net = isUnresolved(rule.network) ? rule.network.text : rule.network;
    const list = networks.get(net) ?? [];
    list.push(p);
    networks.set(net, list);
  });
  const devices: Device[] = [];
  for (const [network, prepared] of networks) {
    const sorted = prepared.slice().sort(byPriority);
    const targets = [...new Set(sorted.flatMap((p) => p.targets))].sort();
    // Each scope's rules in priority order, dealt out in one pass (a filter of every rule for each
    // of 3,200 target tags was 10 s of reading 16,000 rules). An untargeted allow is reported
    // once, on "all instances"; its denies guard every target too.
    const everyInstance: Prepared[] = [];
    const byTarget = new Map<string, Prepared[]>(targets.map((t) => [t, []]));
    for (const p of sorted) {
      if (p.targets.length === 0) {
        everyInstance.push(p);
        if (p.rule.action === 'deny') for (const list of byTarget.values()) list.push(p);
        continue;
      }
      for (const t of p.targets) {
        const list = byTarget.get(t)!;
        // A target named twice by one rule takes the rule once.
        if (list[list.length - 1] !== p) list.push(p);
      }
    }
    const scopes: { name: string; mine: Prepared[] }[] = [];
    if (everyInstance.length > 0 || targets.length === 0) scopes.push({ name: `${network} (all instances)`, mine: everyInstance });
    for (const [t, mine] of byTarget) scopes.push({ name: `${network} (${t})`, mine });
    for (const { name, mine } of scopes) {
      const first = mine[0]?.rule ?? sorted[0]!.rule;
      const origin: Origin = { file: first.origin.file, line: first.origin.line };
      const ingress = mine.filter((p) => p.ingress).flatMap((p) => p.rules.map((r) => ({ ...r })));
      const egress = mine.filter((p) => !p.ingress).flatMap((p) => p.rules.map((r) => ({ ...r })));
      devices.push(cloudDevice(name, 'gcp', first.format, origin,
        ruleset('ingress', 'priority', 'deny', ingress, origin),
        ruleset('egress', 'priority', 'allow', egress, origin)));
    }
  }
  return devices;
}
