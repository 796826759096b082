import { hash } from 'node:crypto';
import {
  append,
  ALL_BUCKETS,
  ALL_PORTS,
  AddressSet,
  IntervalSet,
  NO_PORTS,
  PORTED_PROTOCOLS,
  PortBuckets,
  classifySources,
  describeAddresses,
  formatPorts,
  parseAddressSet,
  portSet,
  protocolName,
  protocolNumber,
  serviceName,
  type Device,
  type Origin,
  type PortForward,
  type PortSet,
  type Service,
  type SourceClass,
} from '@portcullis/model';
import type { DeviceAnalysis, Exposure } from './analysis.js';
import { serviceAddresses } from './config.js';
import { deviceAddresses } from './compose.js';
import { listenerEvidence, observedHostAddresses, type ObservedState } from './observed.js';
import { SetIds } from './set-ids.js';
import { shadowedRules } from './shadowing.js';
import type { ActiveRule, Severity, SourceClassMatch } from './rules.js';

export interface FindingLocation {
  file: string;
  line: number;
  column?: number;
  endLine?: number;
  resource?: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  location: FindingLocation;
  exposure?: FindingExposure;
  fingerprint: string;
  suppressed: boolean;
  suppression?: { kind: 'inSource' | 'external'; reason?: string; until?: string };
}

/** What a finding is about: a target, its ports and the sources that reach them. */
export interface FindingExposure {
  target: string;
  protocol: string;
  ports: string;
  /** The sources as CIDR blocks: all of them, or the first MAX_FINDING_SOURCES when `fromBlocks` is set. */
  from: string[];
  /** How many blocks the sources are, when there are more than `from` lists. */
  fromBlocks?: number;
}

/**
 * The most source blocks a finding lists. Sources of real configurations are a few blocks; everyone
 * but the networks of a long blocklist is tens of thousands, and a report that listed them in full
 * for each of thousands of findings was half a gigabyte (the exposure table still lists them all).
 */
export const MAX_FINDING_SOURCES = 256;

/**
 * The source set behind each finding's exposure whose list is cut short, for merging findings (the
 * others' lists are their sets, and are read back; a set per finding cost more than the rare merge).
 */
const exposureSources = new WeakMap<FindingExposure, AddressSet>();

/** A finding's exposure: `shown`, the blocks and their number when the caller has them already. */
function findingExposure(target: string, protocol: string, ports: string, sources: AddressSet, shown?: ShownSources): FindingExposure {
  const { blocks, total } = shown ?? shownBlocks(sources);
  if (total === blocks.length) return { target, protocol, ports, from: blocks };
  const exposure: FindingExposure = { target, protocol, ports, from: blocks, fromBlocks: total };
  exposureSources.set(exposure, sources);
  return exposure;
}

interface ShownSources {
  blocks: string[];
  total: number;
}

function shownBlocks(sources: AddressSet): ShownSources {
  const blocks = sources.toCidrs(MAX_FINDING_SOURCES + 1);
  if (blocks.length <= MAX_FINDING_SOURCES) return { blocks, total: blocks.length };
  return { blocks: blocks.slice(0, MAX_FINDING_SOURCES), total: sources.cidrCount() };
}

export interface EvaluationContext {
  devices: Device[];
  /** The analysis of each device, for checks that need more than its exposures. */
  analyses: DeviceAnalysis[];
  exposures: Exposure[];
  services: Service[];
  /** Device names and their addresses, from the inventory. */
  hosts: Map<string, AddressSet>;
  /** Scanned ports and listening sockets. */
  observed: ObservedState;
  trusted: AddressSet;
}

/** The ports an exposure reaches, for port conditions: none for protocols without ports (ICMP). */
function reachablePorts(e: Exposure): PortSet {
  if (e.protocol === 'any') return ALL_PORTS;
  const n = protocolNumber(e.protocol);
  return n !== undefined && PORTED_PROTOCOLS.has(n) ? e.ports : NO_PORTS;
}

export function classMatches(want: SourceClassMatch | undefined, actual: SourceClass): boolean {
  if (!want || want === 'any') return true;
  if (want === 'public') return actual === 'public' || actual === 'anywhere';
  return want === actual;
}

export function exposureTarget(e: Exposure): string {
  return e.target.address ? `${e.target.address} (via ${e.target.host})` : e.target.host;
}

function describeSources(shown: string, cls: SourceClass): string {
  return cls === 'anywhere' ? `anywhere (${shown})` : shown;
}

/** A message template split at its `{placeholders}`: literal text at even places, names at odd ones. */
const templates = new Map<string, string[]>();

/** The template with each `{name}` that `values` has replaced by its value; other names stay as they are. */
function fill(template: string, values: Record<string, string>): string {
  let parts = templates.get(template);
  if (!parts) templates.set(template, (parts = template.split(/\{(\w+)\}/)));
  // Joined, not added up: `+=` makes a chain of a dozen string pieces per message, which a report
  // of a hundred thousand findings keeps (and the collector copies) until it is written.
  const out: string[] = [parts[0]!];
  for (let k = 1; k < parts.length; k += 2) out.push(values[parts[k]!] ?? `{${parts[k]!}}`, parts[k + 1]!);
  return out.join('');
}

export function fingerprint(...parts: string[]): string {
  return hash('sha256', parts.join('\u0000'), 'hex').slice(0, 32);
}

function location(o: Origin): FindingLocation {
  // The usual shapes as one literal each (a field added after the literal takes a second object).
  const { file, line, column, endLine, resource } = o;
  if (column !== undefined && endLine !== undefined && resource !== undefined) return { file, line, column, endLine, resource };
  if (column === undefined && endLine === undefined && resource === undefined) return { file, line };
  const l: FindingLocation = { file: o.file, line: o.line };
  if (o.column !== undefined) l.column = o.column;
  if (o.endLine !== undefined) l.endLine = o.endLine;
  if (o.resource !== undefined) l.resource = o.resource;
  return l;
}

/** Runs every active rule over the analysed estate. Findings come out in no particular order. */
export function evaluateRules(rules: ActiveRule[], ctx: EvaluationContext): Finding[] {
  const findings: Finding[] = [];
  let facts: ExposureFacts | undefined;
  for (const rule of rules) {
    if (rule.match) append(findings, matchRule(rule, ctx, (facts ??= new ExposureFacts(ctx))));
    else if (rule.definition.check === 'default-accept') append(findings, defaultAccept(rule, ctx));
    else if (rule.definition.check === 'forward-to-decommissioned') append(findings, forwardToDecommissioned(rule, ctx));
    else if (rule.definition.check === 'shadowed-rule') append(findings, shadowed(rule, ctx));
    else if (rule.definition.check === 'unknown-forward-target') append(findings, unknownForwardTarget(rule, ctx));
    else if (rule.definition.check === 'forward-without-listener') append(findings, forwardWithoutListener(rule, ctx));
    else if (rule.definition.check === 'exposure-drift') append(findings, exposureDrift(rule, ctx));
  }
  return mergeFindings(dropSubsumed(findings, rules));
}

/**
 * A rule may say another one covers it (`subsumedBy`): where that rule reports the same place,
 * target and protocol (every port open to everyone), the narrower finding (Telnet open) is not
 * reported again. With the wider rule turned off, the narrower one reports as usual.
 */
function dropSubsumed(findings: Finding[], rules: ActiveRule[]): Finding[] {
  const wider = new Map(rules.map((r) => [r.definition.id, r.definition.subsumedBy ?? []]));
  if (![...wider.values()].some((w) => w.length > 0)) return findings;
  // Only the findings of rules that some rule names as wider can hide another: those, by file and line.
  const named = new Set([...wider.values()].flat());
  const byPlace = new Map<string, Map<number, Finding[]>>();
  for (const f of findings) {
    if (!named.has(f.ruleId)) continue;
    let lines = byPlace.get(f.location.file);
    if (!lines) byPlace.set(f.location.file, (lines = new Map<number, Finding[]>()));
    const here = lines.get(f.location.line);
    if (here) here.push(f);
    else lines.set(f.location.line, [f]);
  }
  return findings.filter((f) => {
    const ids = wider.get(f.ruleId);
    if (!ids || ids.length === 0) return true;
    const here = byPlace.get(f.location.file)?.get(f.location.line);
    return !here?.some((g) => ids.includes(g.ruleId) && sameTarget(g, f));
  });
}

function severityFor(rule: ActiveRule, cls: SourceClass): Severity {
  if (rule.severityOverride) return rule.severity;
  for (const s of rule.definition.severityBy ?? []) if (classMatches(s.from, cls)) return s.severity;
  return rule.severity;
}

/**
 * The sources that reach each of `hit`'s ports of a target, over every path: iptables saves
 * `-s 0.0.0.0/1,128.0.0.0/1` as two rules, and together they are the whole internet. `members`
 * are exposure indexes of one group, in order; those that reach none of `hit` add nothing.
 */
function combinedSources(members: ArrayLike<number>, hit: PortSet, facts: ExposureFacts): AddressSet {
  const near: number[] = [];
  let whole = true;
  for (let k = 0; k < members.length; k++) {
    const i = members[k]!;
    const ports = facts.ports[i]!;
    if (!ports.intersects(hit)) continue;
    near.push(i);
    whole &&= ports.covers(hit);
  }
  if (near.length === 1) {
    // What the segments below come to for one exposure: its sources, or none when it alone is open to everyone.
    const only = facts.exposures[near[0]!]!;
    return only.anywhere ? AddressSet.empty() : only.from;
  }
  if (whole) {
    // Each of them reaches every port of `hit` (one port, most often): what the segments below
    // come to is all their sources, or none when one of them is open to everyone.
    const froms: AddressSet[] = [];
    for (const i of near) {
      const g = facts.exposures[i]!;
      if (g.anywhere) return AddressSet.empty();
      froms.push(g.from);
    }
    // At once: a network ACL of a thousand entries is tens of thousands of exposures of one target.
    return AddressSet.unionAll(froms);
  }
  const reach = near.map((i) => facts.ports[i]!.intersect(hit));
  const cuts = new Set<number>();
  for (const ports of reach) for (const [a, b] of ports.ranges()) cuts.add(a).add(b + 1);
  const sorted = [...cuts].sort((a, b) => a - b);
  const at = new Map<number, number>();
  for (let s = 0; s < sorted.length; s++) at.set(sorted[s]!, s);
  // Between two cuts every exposure either reaches all ports or none. Who reaches each segment is
  // worked out by a sweep over the segments, from where each exposure's ranges start and end,
  // instead of asking every exposure at every segment (a network ACL of thousands of entries for
  // ports of their own was quadratic there).
  const enter: number[][] = sorted.map(() => []);
  const leave: number[][] = sorted.map(() => []);
  reach.forEach((ports, k) => {
    for (const [a, b] of ports.ranges()) {
      enter[at.get(a)!]!.push(k);
      leave[at.get(b + 1)!]!.push(k);
    }
  });
  let best = AddressSet.empty();
  let bestSize = -1n;
  // The exposures that reach the current segment, in their order (as places in `near`), and how many
  // of them alone are open to everyone.
  const reaching: number[] = [];
  let everyone = 0;
  for (let s = 0; s + 1 < sorted.length; s++) {
    for (const k of leave[s]!) {
      reaching.splice(sortedIndex(reaching, k), 1);
      if (facts.exposures[near[k]!]!.anywhere) everyone--;
    }
    for (const k of enter[s]!) {
      reaching.splice(sortedIndex(reaching, k), 0, k);
      if (facts.exposures[near[k]!]!.anywhere) everyone++;
    }
    // A segment reached by the same exposures as the one before has the same sources; where one
    // rule alone opens the port to everyone, that rule is the finding, not the narrow ones beside it.
    const same = s > 0 ? enter[s]!.length === 0 && leave[s]!.length === 0 : reaching.length === 0;
    if (everyone > 0 || same) continue;
    const from = AddressSet.unionAll(reaching.map((k) => facts.exposures[near[k]!]!.from));
    const size = from.intervals.size();
    if (size > bestSize) {
      best = from;
      bestSize = size;
    }
  }
  return best;
}

/** Where `k` goes in the sorted list `list` (the place of `k` itself when it is there). */
function sortedIndex(list: number[], k: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Hit {
  e: Exposure;
  hit: PortSet;
  ports: PortSet;
  from: AddressSet;
  cls: SourceClass;
  /** The outside ports of the forwards that deliver the exposures, joined (see addForward). */
  forwards: PortSet | undefined;
  /** Whether one of those forwards has all of those ports (the others only some of them). */
  oneForward: boolean;
}

/** Groups larger than this find their members near a set of ports through an index of their own. */
const INDEXED_GROUP = 32;

/**
 * What every declarative rule asks of an exposure, worked out once per scan rather than once per
 * rule, in arrays by the exposure's place in the list: the ports it reaches, its source class, the
 * group (device, target and protocol) it belongs to, the finding it would be part of. A large
 * estate has hundreds of thousands of exposures and every rule meets many of them.
 */
class ExposureFacts {
  readonly exposures: Exposure[];
  /** The ports each exposure reaches, for port conditions (see reachablePorts). */
  readonly ports: PortSet[];
  /** How many ports each exposure reaches. */
  readonly portCounts: Float64Array;
  /**
   * Each exposure's protocol as its place in `protocolNames`, and whether it is transit: the rules
   * look at these for every candidate, and reading them from small arrays instead of from a quarter
   * of a million exposure objects spread over the heap keeps the loop in the cache.
   */
  readonly protocolIds: Uint16Array;
  readonly protocolNames: string[] = [];
  readonly transit: Uint8Array;
  /** Whether each exposure reaches every port (its protocol is `any`, or its port set is full). */
  readonly everyPort: Uint8Array;
  /** Each exposure's group: device, target and protocol. */
  readonly groupOf: Int32Array;
  readonly groups: number[][];
  /** By group, how many of its members have public sources (a class other than private); -1 until asked. */
  private readonly publicMembers: Int32Array;
  private readonly trusted: AddressSet;
  private readonly index: PortIndex;
  private readonly groupIndexes = new Map<number, PortIndex>();
  /** Combined sources of a group for a set of ports (its key), with their class. */
  private readonly combinedByGroup = new Map<number, Map<string, { from: AddressSet; cls: SourceClass }>>();
  /** Shown sources, by source set (equal sets made apart count as one). */
  private readonly setIds = new SetIds<bigint>();
  /**
   * Source classes by source set object: classifying a set costs less than numbering it by its
   * content (which hashes every bound), and most exposures share their sets with others anyway.
   */
  private readonly classes = new Map<IntervalSet<bigint>, SourceClass>();
  private readonly shown: (ShownSources & { words: string })[] = [];
  /** Each exposure's source class as its place in CLASSES, -1 until asked. */
  private readonly exposureClasses: Int8Array;
  /** Each exposure's finding slot (place, anchor, target, protocol), made when first asked: -1 until then. */
  private readonly slots: Int32Array;
  private readonly slotIds = new Map<string, { file: string; line: number; target: string; protocol: string; slot: number }[]>();
  private slotCount = 0;
  private readonly targets: (string | undefined)[];
  /** Marks for merging candidate lists without a set: one stamp per exposure, a new epoch per merge. */
  readonly stamps: Int32Array;
  epoch = 0;

  constructor(ctx: EvaluationContext) {
    const exposures = ctx.exposures;
    const n = exposures.length;
    this.exposures = exposures;
    this.trusted = ctx.trusted;
    this.ports = new Array<PortSet>(n);
    this.portCounts = new Float64Array(n);
    this.groupOf = new Int32Array(n);
    this.groups = [];
    this.slots = new Int32Array(n).fill(-1);
    this.exposureClasses = new Int8Array(n).fill(-1);
    this.targets = new Array<string | undefined>(n);
    this.stamps = new Int32Array(n);
    this.protocolIds = new Uint16Array(n);
    this.transit = new Uint8Array(n);
    this.everyPort = new Uint8Array(n);
    const protocolIds = new Map<string, number>();
    const groupIds = new GroupIds();
    for (let i = 0; i < n; i++) {
      const e = exposures[i]!;
      const ports = reachablePorts(e);
      this.ports[i] = ports;
      this.portCounts[i] = portCount(ports);
      let p = protocolIds.get(e.protocol);
      if (p === undefined) {
        protocolIds.set(e.protocol, (p = this.protocolNames.length));
        this.protocolNames.push(e.protocol);
      }
      this.protocolIds[i] = p;
      this.transit[i] = e.transit ? 1 : 0;
      this.everyPort[i] = e.protocol === 'any' || ports.isFull ? 1 : 0;
      let g = groupIds.get(e);
      if (g === undefined) {
        g = this.groups.length;
        groupIds.set(e, g);
        this.groups.push([]);
      }
      this.groupOf[i] = g;
      this.groups[g]!.push(i);
    }
    this.publicMembers = new Int32Array(this.groups.length).fill(-1);
    this.index = new PortIndex(this, undefined);
  }

  /** The exposures that may reach one of `ports`, in order (a superset of those that do); undefined: every one. */
  candidates(ports: PortSet): ArrayLike<number> | undefined {
    return this.index.candidates(ports);
  }

  /** The exposures that may reach every port, in order (a superset of those that do). */
  wide(): ArrayLike<number> {
    return this.index.wide;
  }

  /** The source class of exposure `i`'s own sources (asked by every rule that meets it). */
  exposureClass(i: number): SourceClass {
    const known = this.exposureClasses[i]!;
    if (known >= 0) return CLASSES[known]!;
    const cls = this.classOf(this.exposures[i]!.from);
    this.exposureClasses[i] = CLASSES.indexOf(cls);
    return cls;
  }

  classOf(from: AddressSet): SourceClass {
    let cls = this.classes.get(from.intervals);
    if (cls === undefined) this.classes.set(from.intervals, (cls = classifySources(from, this.trusted)));
    return cls;
  }

  /**
   * Whether another exposure of `i`'s group with public sources may reach one of `hit`'s ports.
   * Without one, the group's combined sources on `hit` never have a wider class than `i`'s own: they
   * are `i`'s sources (or a part of them) with private ones added, and private sources hold no public
   * address that is not trusted, which is all a class looks at.
   */
  othersMayWiden(i: number, hit: PortSet): boolean {
    const g = this.groupOf[i]!;
    let widening = this.publicMembers[g]!;
    if (widening < 0) {
      widening = 0;
      for (const j of this.groups[g]!) if (this.exposureClass(j) !== 'private') widening++;
      this.publicMembers[g] = widening;
    }
    // No member has public sources, or only `i` itself has.
    if (widening === 0 || (widening === 1 && this.exposureClass(i) !== 'private')) return false;
    const members = this.groups[g]!;
    if (members.length > INDEXED_GROUP) return true;
    for (const j of members) if (j !== i && this.ports[j]!.intersects(hit) && this.exposureClass(j) !== 'private') return true;
    return false;
  }

  /** What the group of exposure `i` lets in on `hit`, over all its paths. */
  combined(i: number, hit: PortSet): { from: AddressSet; cls: SourceClass } {
    const g = this.groupOf[i]!;
    let byPorts = this.combinedByGroup.get(g);
    if (!byPorts) this.combinedByGroup.set(g, (byPorts = new Map<string, { from: AddressSet; cls: SourceClass }>()));
    const key = hit.key();
    let combined = byPorts.get(key);
    if (!combined) {
      const members = this.groups[g]!;
      let near: ArrayLike<number> | undefined = members;
      if (members.length > INDEXED_GROUP) {
        // Only the exposures of the group near these ports can add to their sources.
        let index = this.groupIndexes.get(g);
        if (!index) this.groupIndexes.set(g, (index = new PortIndex(this, members)));
        near = index.candidates(hit) ?? members;
      }
      const from = combinedSources(near, hit, this);
      byPorts.set(key, (combined = { from, cls: this.classOf(from) }));
    }
    return combined;
  }

  /** The finding that exposure `i` is part of for one rule: exposures at one place, for one target and protocol, are one. */
  slot(i: number): number {
    let slot = this.slots[i]!;
    if (slot < 0) {
      const e = this.exposures[i]!;
      const target = this.target(i);
      // By the anchor (the exposures of one decision share its string), then the few places it is at.
      let list = this.slotIds.get(e.anchor);
      if (!list) this.slotIds.set(e.anchor, (list = []));
      const o = e.location;
      let seen = list.find((x) => x.file === o.file && x.line === o.line && x.target === target && x.protocol === e.protocol);
      if (!seen) list.push((seen = { file: o.file, line: o.line, target, protocol: e.protocol, slot: this.slotCount++ }));
      slot = seen.slot;
      this.slots[i] = slot;
    }
    return slot;
  }

  target(i: number): string {
    return (this.targets[i] ??= exposureTarget(this.exposures[i]!));
  }

  /** A source set as CIDR blocks (see MAX_FINDING_SOURCES) and as words: many findings share one set. */
  shownSources(from: AddressSet): ShownSources & { words: string } {
    return (this.shown[this.setIds.of(from.intervals)] ??= { ...shownBlocks(from), words: describeAddresses(from) });
  }
}

/** The number of ports in a set (at most 65,536, so a number). */
function portCount(ports: PortSet): number {
  let n = 0;
  const b = ports.bounds;
  for (let k = 0; k < b.length; k += 2) n += b[k + 1]! - b[k]! + 1;
  return n;
}

/**
 * Exposures (all of them, or one group's) by the ports they reach, so that a rule about a few ports
 * meets only the exposures near them instead of every exposure of the estate. Candidates keep the
 * exposures' order.
 */
class PortIndex {
  private readonly byPort = new PortBuckets<number>();

  /** The members whose ports span too many buckets for the index (every one that reaches every port among them), in order. */
  get wide(): readonly number[] {
    return this.byPort.wide;
  }

  /** `members`: exposure indexes in order; undefined for every exposure. */
  constructor(
    private readonly facts: ExposureFacts,
    private readonly members: number[] | undefined,
  ) {
    if (members) for (const i of members) this.byPort.add(i, facts.ports[i]!);
    else for (let i = 0; i < facts.ports.length; i++) this.byPort.add(i, facts.ports[i]!);
  }

  /** The exposure indexes that may reach one of `ports`, in order; undefined when that is nearly every member. */
  candidates(ports: PortSet): ArrayLike<number> | undefined {
    // Gathered into one list: however many buckets the rule's ports span, only those are looked at
    // (asked for every bucket, `near` always has lists).
    const lists = this.byPort.near(ports, ALL_BUCKETS)!;
    let total = 0;
    for (const list of lists) total += list.length;
    // Near nearly everything (a rule about most ports): every member, without gathering and sorting.
    if (total >= (this.members?.length ?? this.facts.ports.length)) return this.members;
    // Each list is in order already; an exposure in several buckets is taken once.
    const out = new Int32Array(total);
    const stamps = this.facts.stamps;
    const epoch = ++this.facts.epoch;
    let n = 0;
    for (const list of lists) {
      for (const i of list) {
        if (stamps[i] === epoch) continue;
        stamps[i] = epoch;
        out[n++] = i;
      }
    }
    return out.subarray(0, n).sort();
  }
}

function matchRule(rule: ActiveRule, ctx: EvaluationContext, facts: ExposureFacts): Finding[] {
  const m = rule.match!;
  const portSet = m.portSet;
  const protocols = m.protocols;
  const limit = m.portCountAbove;
  const exposures = ctx.exposures;
  // Exposures that meet the rule at one place, for one target and protocol, are one finding.
  const hits = new Map<number, Hit>();
  // A rule about exposures of every port meets only those too wide for port buckets.
  const candidates = portSet ? facts.candidates(portSet) : m.allPorts === true ? facts.wide() : undefined;
  const count = candidates ? candidates.length : exposures.length;
  // Whether each protocol of the estate is one the rule is about.
  const wanted = facts.protocolNames.map((p) => !protocols || p === 'any' || protocols.includes(p));
  for (let k = 0; k < count; k++) {
    const i = candidates ? candidates[k]! : k;
    // Traffic routed on to destinations the configuration never names is transit, not a service.
    if (facts.transit[i]) continue;
    const protocolId = facts.protocolIds[i]!;
    if (!wanted[protocolId]) continue;
    // Conditions that small arrays answer come before the exposure's own port set is looked at.
    if (m.allPorts !== undefined && m.allPorts !== (facts.everyPort[i] === 1)) continue;
    if (limit !== undefined && !(facts.portCounts[i]! > limit)) continue;
    const ports = facts.ports[i]!;
    let hit = ports;
    if (portSet) {
      if (!ports.intersects(portSet)) continue;
      hit = ports.intersect(portSet);
    }
    let from: AddressSet | undefined;
    let cls = facts.exposureClass(i);
    if (cls !== 'anywhere' && !hit.isEmpty && facts.othersMayWiden(i, hit)) {
      const combined = facts.combined(i, hit);
      if (CLASS_RANK[combined.cls] < CLASS_RANK[cls]) {
        cls = combined.cls;
        from = combined.from;
      }
    }
    if (!classMatches(m.from, cls)) continue;
    const e = exposures[i]!;
    from ??= e.from;
    const slot = facts.slot(i);
    const seen = hits.get(slot);
    if (!seen) {
      const first: Hit = { e, hit, ports, from, cls, forwards: undefined, oneForward: false };
      if (e.forward) addForward(first, e.forward.externalPorts);
      hits.set(slot, first);
      continue;
    }
    seen.hit = seen.hit.union(hit);
    seen.ports = seen.ports.union(ports);
    seen.from = seen.from.union(from);
    if (e.forward) addForward(seen, e.forward.externalPorts);
    if (CLASS_RANK[cls] < CLASS_RANK[seen.cls]) seen.cls = cls;
  }
  const out: Finding[] = [];
  for (const { e, hit, ports, from, cls, forwards, oneForward } of hits.values()) {
    const shownPorts = portSet ? formatPorts(hit) : e.protocol === 'any' ? 'all' : formatPorts(ports);
    const single = hit.rangeCount === 1 && hit.bounds[0] === hit.bounds[1] ? (hit.bounds[0] as number) : undefined;
    const service = (single !== undefined && serviceName(single, e.protocol)) || (single !== undefined ? 'unnamed service' : 'several services');
    const via = !forwards ? '' : oneForward ? ` through the forward of port ${formatPorts(forwards)}` : ` through the forwards of ports ${formatPorts(forwards)}`;
    const target = exposureTarget(e);
    const shown = facts.shownSources(from);
    const values = {
      service,
      ports: shownPorts,
      protocol: e.protocol,
      target,
      from: describeSources(shown.words, cls),
      via,
      count: String(portCount(ports)),
      scope: e.protocol === 'any' ? 'ports of every protocol' : `${e.protocol} ports`,
    };
    out.push({
      ruleId: rule.definition.id,
      severity: severityFor(rule, cls),
      message: fill(rule.definition.message, values),
      location: location(e.location),
      exposure: findingExposure(target, e.protocol, shownPorts, from, shown),
      fingerprint: fingerprint(rule.definition.id, e.location.file, e.location.resource ?? '', e.anchor, target, e.protocol, shownPorts),
      suppressed: false,
    });
  }
  return out;
}

/**
 * Joins a forward's outside ports into a finding's: the finding names them all, whichever exposure
 * the analysis met first (IOS static NATs of 1433 and 3306 to one server; a Kubernetes service's
 * port and its NodePort), and says "forward" when one of the forwards has them all.
 */
function addForward(hit: Hit, outside: PortSet): void {
  if (!hit.forwards) {
    hit.forwards = outside;
    hit.oneForward = true;
    return;
  }
  // A forward with every port so far has every port from now on only if it also has the next one's.
  if (outside.covers(hit.forwards)) hit.oneForward = true;
  else if (!hit.forwards.covers(outside)) hit.oneForward = false;
  hit.forwards = hit.forwards.union(outside);
}

const CLASS_RANK: Record<SourceClass, number> = { anywhere: 0, public: 1, private: 2 };
const CLASSES: readonly SourceClass[] = ['anywhere', 'public', 'private'];

/**
 * Exposures' groups (device, target and protocol) by number. Looked up level by level with the
 * exposures' own strings, which V8 hashes once each, instead of by a key string made per exposure
 * (a quarter of a million of them for 50k security groups).
 */
class GroupIds {
  private readonly byDevice = new Map<string, Map<string, Map<string, Map<string, number>>>>();

  private last: { device: string; target: Exposure['target']; level: Map<string, number> } | undefined;

  private level(e: Exposure): Map<string, number> {
    // The exposures of one decision come together and share their target.
    const last = this.last;
    if (last && last.target === e.target && last.device === e.device) return last.level;
    let hosts = this.byDevice.get(e.device);
    if (!hosts) this.byDevice.set(e.device, (hosts = new Map<string, Map<string, Map<string, number>>>()));
    let addresses = hosts.get(e.target.host);
    if (!addresses) hosts.set(e.target.host, (addresses = new Map<string, Map<string, number>>()));
    const address = e.target.address ?? '';
    let protocols = addresses.get(address);
    if (!protocols) addresses.set(address, (protocols = new Map<string, number>()));
    this.last = { device: e.device, target: e.target, level: protocols };
    return protocols;
  }

  get(e: Exposure): number | undefined {
    return this.level(e).get(e.protocol);
  }

  set(e: Exposure, g: number): void {
    this.level(e).set(e.protocol, g);
  }
}

function defaultAccept(rule: ActiveRule, ctx: EvaluationContext): Finding[] {
  const byRuleset = new Map<string, Exposure[]>();
  for (const e of ctx.exposures) {
    if (!e.policy) continue;
    const key = `${e.device}|${e.policy.ruleset}`;
    const list = byRuleset.get(key) ?? [];
    list.push(e);
    byRuleset.set(key, list);
  }
  const out: Finding[] = [];
  for (const list of byRuleset.values()) {
    const first = list[0]!;
    const from = AddressSet.unionAll(list.map((e) => e.from));
    const cls = classifySources(from, ctx.trusted);
    const all = [...new Set(list.map((e) => e.protocol))].sort();
    const named = all.filter((p) => /^[a-z]/.test(p));
    const protocols = all.includes('any') ? ['any protocol'] : named.length < all.length ? [...named, 'other protocols'] : named;
    const values = {
      ruleset: first.policy!.ruleset,
      target: first.target.host,
      from: describeSources(describeAddresses(from), cls),
      protocols: protocols.join(', '),
    };
    out.push({
      ruleId: rule.definition.id,
      severity: severityFor(rule, cls),
      message: fill(rule.definition.message, values),
      location: location(first.policy!.origin),
      exposure: findingExposure(first.target.host, all.length === 1 ? all[0]! : 'any', 'all', from),
      fingerprint: fingerprint(rule.definition.id, first.policy!.origin.file, first.device, first.policy!.ruleset),
      suppressed: false,
    });
  }
  return out;
}

function shadowed(rule: ActiveRule, ctx: EvaluationContext): Finding[] {
  const out: Finding[] = [];
  for (const analysis of ctx.analyses) {
    for (const s of shadowedRules(analysis)) {
      const lines = s.blockers.map((b) => (b.origin.file === s.rule.origin.file ? `${b.origin.line}` : `${b.origin.file}:${b.origin.line}`));
      const actions = [...new Set(s.blockers.map((b) => b.action))].join('/');
      const values = {
        target: analysis.device.name,
        ruleset: s.ruleset.name,
        blockers: `line${lines.length === 1 && !s.moreBlockers ? '' : 's'} ${lines.join(', ')}${s.moreBlockers ? ' and others after them' : ''}`,
        actions,
        action: s.rule.action,
        differs: s.differentAction ? `, so its ${s.rule.action} never applies` : '',
      };
      out.push({
        ruleId: rule.definition.id,
        // One level more severe when the hidden rule would have done something else.
        severity: rule.severityOverride || !s.differentAction ? rule.severity : raise(rule.severity),
        message: fill(rule.definition.message, values),
        location: location(s.rule.origin),
        fingerprint: fingerprint(rule.definition.id, s.rule.origin.file, analysis.device.name, s.ruleset.name, s.rule.text),
        suppressed: false,
      });
    }
  }
  return out;
}

function raise(severity: Severity): Severity {
  const order: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
  return order[Math.min(order.indexOf(severity) + 1, order.length - 1)]!;
}

function forwardToDecommissioned(rule: ActiveRule, ctx: EvaluationContext): Finding[] {
  const out: Finding[] = [];
  const retired = ctx.services.filter((s) => s.status === 'decommissioned');
  if (retired.length === 0) return out;
  for (const device of ctx.devices) {
    for (const fwd of device.forwards) {
      if (!fwd.enabled || !fwd.internalAddresses) continue;
      const ports = fwd.internalPorts ?? fwd.externalPorts;
      for (const svc of retired) {
        const host = serviceAddresses(svc, ctx.hosts);
        const proto = protocolNumber(svc.protocol);
        if (!host || proto === undefined) continue;
        if (!fwd.internalAddresses.intersects(host) || !ports.has(svc.port) || !fwd.protocols.has(proto)) continue;
        const values = {
          forward: describeForward(fwd),
          target: device.name,
          service: svc.name,
          host: svc.host,
          ports: String(svc.port),
          protocol: svc.protocol,
          since: svc.since ? ` since ${svc.since}` : '',
          owner: svc.owner ? ` (owner: ${svc.owner})` : '',
        };
        out.push({
          ruleId: rule.definition.id,
          severity: rule.severity,
          message: fill(rule.definition.message, values),
          location: location(fwd.origin),
          exposure: findingExposure(`${svc.host} (via ${device.name})`, svc.protocol, String(svc.port), fwd.sources),
          fingerprint: fingerprint(rule.definition.id, fwd.origin.file, device.name, fwd.text, svc.name),
          suppressed: false,
        });
      }
    }
  }
  return out;
}

function unknownForwardTarget(rule: ActiveRule, ctx: EvaluationContext): Finding[] {
  const inventory = ctx.services.filter((s) => s.source === 'inventory');
  if (inventory.length === 0) return [];
  const out: Finding[] = [];
  for (const device of ctx.devices) {
    for (const fwd of device.forwards) {
      if (!fwd.enabled || !fwd.internalAddresses) continue;
      for (const protocol of ['tcp', 'udp'] as const) {
        if (!fwd.protocols.has(protocolNumber(protocol)!)) continue;
        let open = fwd.internalPorts ?? fwd.externalPorts;
        for (const svc of inventory) {
          const host = serviceAddresses(svc, ctx.hosts);
          if (svc.protocol === protocol && host && fwd.internalAddresses.intersects(host)) open = open.subtract(portSet([[svc.port, svc.port]]));
        }
        if (open.isEmpty) continue;
        const host = fwd.internalAddresses.toCidrs().map((c) => c.replace(/\/(32|128)$/, '')).join(',');
        const values = { forward: describeForward(fwd), target: device.name, host, ports: formatPorts(open), protocol };
        out.push({
          ruleId: rule.definition.id,
          severity: rule.severity,
          message: fill(rule.definition.message, values),
          location: location(fwd.origin),
          exposure: findingExposure(`${host} (via ${device.name})`, protocol, formatPorts(open), fwd.sources),
          fingerprint: fingerprint(rule.definition.id, fwd.origin.file, device.name, fwd.text, protocol),
          suppressed: false,
        });
      }
    }
  }
  return out;
}

/** Forwards small enough to judge port by port; a forward of thousands of ports says little. */
const MAX_JUDGED_PORTS = 64;

function forwardWithoutListener(rule: ActiveRule, ctx: EvaluationContext): Finding[] {
  if (ctx.observed.observations.length === 0) return [];
  const out: Finding[] = [];
  for (const device of ctx.devices) {
    for (const fwd of device.forwards) {
      if (!fwd.enabled || !fwd.internalAddresses) continue;
      for (const protocol of ['tcp', 'udp'] as const) {
        if (!fwd.protocols.has(protocolNumber(protocol)!)) continue;
        const ports = fwd.internalPorts ?? fwd.externalPorts;
        if (ports.size() > BigInt(MAX_JUDGED_PORTS)) continue;
        let silent = portSet([]);
        const evidence: string[] = [];
        for (const [lo, hi] of ports.ranges()) {
          for (let p = lo; p <= hi; p++) {
            const ev = listenerEvidence(ctx.observed, ctx.hosts, fwd.internalAddresses, protocol, p);
            if (ev.kind !== 'nothing') continue;
            silent = silent.union(portSet([[p, p]]));
            const where = `${ev.how} (${ev.origin.file}:${ev.origin.line})`;
            if (!evidence.includes(where)) evidence.push(where);
          }
        }
        if (silent.isEmpty) continue;
        const host = fwd.internalAddresses.toCidrs().map((c) => c.replace(/\/(32|128)$/, '')).join(',');
        const values = { forward: describeForward(fwd), target: device.name, host, ports: formatPorts(silent), protocol, evidence: evidence.slice(0, 2).join('; ') };
        out.push({
          ruleId: rule.definition.id,
          severity: rule.severity,
          message: fill(rule.definition.message, values),
          location: location(fwd.origin),
          exposure: findingExposure(`${host} (via ${device.name})`, protocol, formatPorts(silent), fwd.sources),
          fingerprint: fingerprint(rule.definition.id, fwd.origin.file, device.name, fwd.text, protocol),
          suppressed: false,
        });
      }
    }
  }
  return out;
}

function exposureDrift(rule: ActiveRule, ctx: EvaluationContext): Finding[] {
  const scans = ctx.observed.observations.filter((o) => o.method === 'scan' && (o.state === 'open' || o.state === 'closed' || o.state === 'filtered'));
  if (scans.length === 0) return [];
  const addressesOf = deviceAddresses(ctx.analyses, ctx.hosts);
  const out: Finding[] = [];
  for (const o of scans) {
    const scanned = observedHostAddresses(o.host, o.aliases, ctx.hosts);
    const scanner = o.scanner !== undefined ? parseAddressSet(o.scanner) : undefined;
    for (const [analysis, own] of addressesOf) {
      const at = scanned.intersect(own);
      if (at.isEmpty) continue;
      const device = analysis.device.name;
      let from = AddressSet.empty();
      let interfaces = IntervalSet.empty(analysis.inboundInterfaces().domain);
      for (const e of ctx.exposures) {
        if (e.device !== device || e.target.address !== undefined || e.transit) continue;
        if (e.protocol !== o.protocol && e.protocol !== 'any') continue;
        if (!e.box.ports.has(o.port) || !AddressSet.fromIntervals(e.box.destinations).intersects(at)) continue;
        const sources = AddressSet.fromIntervals(e.box.sources);
        if (scanner && !sources.covers(scanner)) continue;
        from = from.union(sources);
        interfaces = interfaces.union(e.box.inInterfaces);
      }
      // Closed says little: the host answered with a reset, or a firewall rejected with one.
      const reached = o.state === 'open';
      const reachableAny = !from.isEmpty;
      const reachableAll = reachableAny && interfaces.covers(analysis.inboundInterfaces()) && (scanner !== undefined || classifySources(from) === 'anywhere');
      let says: string | undefined;
      if (reached && !reachableAny) {
        says = `a scan${scanner ? ` from ${o.scanner}` : ''} found ${o.port}/${o.protocol} on ${o.host} ${o.state}, but the configuration of ${device} lets no new connection${scanner ? ` from ${o.scanner}` : ''} in there`;
      } else if (o.state === 'filtered' && reachableAll) {
        says = `the configuration of ${device} lets ${o.port}/${o.protocol} in from ${scanner ? o.scanner! : describeAddresses(from)}, but a scan found it filtered: something else blocks it (an upstream firewall, or rules that are not loaded)`;
      }
      if (!says) continue;
      out.push({
        ruleId: rule.definition.id,
        severity: rule.severity,
        message: fill(rule.definition.message, { drift: says, target: device }),
        location: location(o.origin),
        exposure: findingExposure(device, o.protocol, String(o.port), scanner ?? from),
        fingerprint: fingerprint(rule.definition.id, o.origin.file, device, o.host, o.protocol, String(o.port), o.state),
        suppressed: false,
      });
    }
  }
  return out;
}

function describeForward(fwd: PortForward): string {
  const protos = fwd.protocols.isFull ? 'all' : [...fwd.protocols.ranges()].map(([a, b]) => (a === b ? protocolName(a) : `${a}-${b}`)).join(',');
  const inside = (fwd.internalAddresses?.toCidrs() ?? []).map((c) => c.replace(/\/(32|128)$/, '')).join(',') || 'this device';
  return `${protos} ${formatPorts(fwd.externalPorts)} -> ${inside}${fwd.internalPorts ? `:${formatPorts(fwd.internalPorts)}` : ''}`;
}

/**
 * One finding per rule, place and target: exposures that differ only in the path that led to them
 * (or in sources) are one problem for the person reading the report.
 */
function mergeFindings(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  // By rule, file and line, then the few findings at one place: no key string per finding.
  const byPlace = new Map<string, Map<string, Map<number, Finding[]>>>();
  // The source sets of each finding that others merged into, its own first.
  const merged = new Map<Finding, AddressSet[]>();
  for (const f of findings) {
    let files = byPlace.get(f.ruleId);
    if (!files) byPlace.set(f.ruleId, (files = new Map<string, Map<number, Finding[]>>()));
    let lines = files.get(f.location.file);
    if (!lines) files.set(f.location.file, (lines = new Map<number, Finding[]>()));
    const here = lines.get(f.location.line);
    // Two rules on one line (a ruleset listed as one line of JSON) are told apart by their columns.
    const seen = here?.find((g) => g.location.column === f.location.column && sameExposure(g, f));
    if (!seen) {
      if (here) here.push(f);
      else lines.set(f.location.line, [f]);
      out.push(f);
      continue;
    }
    if (seen.exposure && f.exposure) {
      // Joined once all are in: thousands of findings at one place (every element of an nftables map
      // is on its line) joined one at a time, their blocks listed and counted at each, was quadratic.
      let sets = merged.get(seen);
      if (!sets) merged.set(seen, (sets = [sourcesOf(seen.exposure)]));
      sets.push(sourcesOf(f.exposure));
    }
    if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[seen.severity]) {
      seen.severity = f.severity;
      seen.message = f.message;
    }
  }
  for (const [f, sets] of merged) {
    const a = f.exposure!;
    f.exposure = findingExposure(a.target, a.protocol, a.ports, AddressSet.unionAll(sets));
  }
  return out;
}

/** Two findings are about the same target and protocol. */
function sameTarget(a: Finding, b: Finding): boolean {
  return (a.exposure?.target ?? '') === (b.exposure?.target ?? '') && (a.exposure?.protocol ?? '') === (b.exposure?.protocol ?? '');
}

/** Two findings of one rule at one place are one when they are about the same target, protocol and ports. */
function sameExposure(a: Finding, b: Finding): boolean {
  return sameTarget(a, b) && (a.exposure?.ports ?? '') === (b.exposure?.ports ?? '');
}

/** The sources behind an exposure: those kept for a list cut short, else its blocks read back. */
function sourcesOf(exposure: FindingExposure): AddressSet {
  const known = exposureSources.get(exposure);
  if (known) return known;
  let set = AddressSet.empty();
  for (const c of exposure.from) {
    const s = parseAddressSet(c);
    if (s) set = set.union(s);
  }
  return set;
}

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
