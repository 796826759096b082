import { getHeapStatistics } from 'node:v8';
import {
  ALL_PORTS,
  append,
  ALL_PROTOCOLS,
  AddressSet,
  addresses,
  PORTED_PROTOCOLS,
  PROTO,
  classifySources,
  describeAddresses,
  formatPorts,
  protocolSet,
  protocolName,
  publicPart,
  type Device,
  type Diagnostic,
  type FilterRule,
  IntervalSet,
  type Origin,
  type PortSet,
  type Ruleset,
} from '@portcullis/model';
import { cutBox, intersectBox, withProtocols, type Box, type Owned } from './headerspace.js';
import { FlowSet } from './flowset.js';
import { InterfaceAtoms } from './interfaces.js';

/** One step of the way a packet gets in: a forward, a rule, a policy. */
export interface PathStep {
  file: string;
  line: number;
  summary: string;
  ruleId?: string;
}

/** Something reachable: which ports of which target, from which sources, and through which rules. */
export interface Exposure {
  device: string;
  target: { host: string; address?: string };
  protocol: string;
  ports: PortSet;
  from: AddressSet;
  /** `from` covers all public IPv4 or all public IPv6 space. */
  anywhere: boolean;
  path: PathStep[];
  /** Where findings about this exposure are reported: the forward for forwarded services, else the allowing rule. */
  location: Origin;
  /** Set when the last decision was a ruleset's default policy rather than a rule. */
  policy?: { ruleset: string; origin: Origin };
  /** Set for forwarded services: the ports as seen from outside. */
  forward?: { externalPorts: PortSet; text: string };
  /**
   * Routed traffic to destinations the configuration never names (a rule for "anything not
   * internal"): transit through the device, reported by default-policy checks but not as a service.
   */
  transit?: boolean;
  /** What identifies the deciding rule regardless of its line: the device, the ruleset and the rule's text. */
  anchor: string;
  /** The packets themselves (this exposure's protocol, ports, sources and destinations). */
  box: Box;
}

export interface Flow {
  box: Box;
  path: PathStep[];
  /** The forward that brought the packet here, if any. */
  forward?: { rule: FilterRule; externalPorts: IntervalSet<number> };
}

type Decision =
  | { kind: 'rule'; flow: Flow; rule: FilterRule; ruleset: Ruleset }
  | { kind: 'policy'; flow: Flow; ruleset: Ruleset };

/** Packets a rule (or a default policy) dropped. */
export interface Denial {
  flow: Flow;
  rule?: FilterRule;
  ruleset: Ruleset;
}

interface RulesetOutcome {
  accepted: Decision[];
  translated: { flow: Flow; rule: FilterRule }[];
  fallthrough: Flow[];
  denied: Denial[];
}

const MAX_DEPTH = 64;

/** The address space of each family, for byFamily. */
const FAMILIES = [AddressSet.all('ipv4').intervals, AddressSet.all('ipv6').intervals];

/**
 * How many flow pieces one device's analysis may go through. Rules that each cut the flows still
 * left can split them into more pieces at every rule: a hostile 315-rule nftables file once took
 * 3 GB and half a minute before running out of memory. Past this the analysis stops with
 * AnalysisLimitError, which the scan reports as `analysis-limit` (an error: the device's exposures
 * are not known). It was a million until the pieces got cheaper (0.2 to 8 µs each), and
 * configurations of a real size (an SRX with 8,000 NAT rules, an IOS ACL of 4,000 object-group
 * entries) stopped at it in a second or two; the largest generated estates now stop within 25 s.
 */
export const MAX_ANALYSIS_WORK = 2_000_000;

/**
 * The share of the JavaScript heap's limit that may be in use when an analysis past
 * MEMORY_CHECK_EVERY pieces checks (and checks again every as many): pieces that each carry sets of
 * thousands of ranges (an SRX with 32,000 policies, a blocklist in each zone pair) filled a 4 GB
 * heap before they were many enough for MAX_ANALYSIS_WORK, and Node stopped with "heap out of
 * memory". The analysis stops with AnalysisLimitError instead, and the scan goes on.
 */
export const MAX_HEAP_SHARE = 0.6;
const MEMORY_CHECK_EVERY = 50_000;

/** The bounds of one device's analysis (other than the defaults only in tests). */
export interface AnalysisLimits {
  work: number;
  heapShare: number;
}

const LIMITS: AnalysisLimits = { work: MAX_ANALYSIS_WORK, heapShare: MAX_HEAP_SHARE };

export class AnalysisLimitError extends Error {}

/**
 * Computes what a device lets in from the network: packets start as every header a new connection
 * can have, pass the pre-routing rulesets, are translated by destination NAT, and then meet the
 * input rulesets (for the device itself) or the forward rulesets (for hosts behind it). Each ruleset
 * is evaluated first-match over sets of packets, so the result is exact for what the model captures
 * and errs towards "reachable" for conditions it does not (see FilterRule.exact).
 */
export class DeviceAnalysis {
  /** Flow pieces gone through so far (see MAX_ANALYSIS_WORK). */
  private work = 0;
  /** The work at which the heap is looked at next (see MAX_HEAP_SHARE). */
  private memoryCheckAt = MEMORY_CHECK_EVERY;
  private readonly limits: AnalysisLimits;
  readonly device: Device;
  readonly diagnostics: Diagnostic[] = [];
  readonly atoms: InterfaceAtoms;
  /**
   * The device's rulesets in their order, listed once: listing a record of tens of thousands of
   * chains (a kube-proxy node's) sorts its keys each time.
   */
  readonly rulesets: readonly Ruleset[];
  /** Per ruleset, each rule's box and the ruleset it jumps to, worked out on first entry. */
  private readonly prepared = new Map<Ruleset, Prepared>();
  private warned: Set<string> | undefined;
  /** Whether a source set counts as anywhere, by set: most exposures share a handful of them (made with the first). */
  private anywhereOf: Map<IntervalSet<bigint>, boolean> | undefined;
  private all: Box | undefined;

  constructor(device: Device, limits: AnalysisLimits = LIMITS) {
    this.device = device;
    this.limits = limits;
    const names = new Set<string>(device.externalInterfaces);
    this.rulesets = Object.values(device.rulesets);
    for (const rs of this.rulesets) {
      // Indexed: this runs once per device, over every rule, mostly before the optimiser has seen it.
      const rules = rs.rules;
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i]!;
        if (r.inInterface) for (const n of r.inInterface.names) names.add(n);
        if (r.outInterface) for (const n of r.outInterface.names) names.add(n);
      }
    }
    this.atoms = InterfaceAtoms.of(names);
  }

  /** The interfaces packets from the network arrive on: the outside ones when known, else all but loopback. */
  inboundInterfaces(): IntervalSet<number> {
    const d = this.device;
    return d.externalInterfaces.length > 0
      ? this.atoms.match({ names: d.externalInterfaces, negated: false })
      : this.atoms.match({ names: ['lo'], negated: true });
  }

  /** Every header of the device's address family, on any interface: what a ruleset can be asked about. */
  /**
   * `box` as packets of one family each: a packet's source and destination are of one family.
   * Taking every source with every destination instead let a rule that drops an IPv4 network in a
   * table for both families (nftables `ip saddr 198.51.100.0/24 drop`, whose packets are IPv4 ones)
   * leave that network's packets to IPv6 destinations, which a later rule for both families then
   * let in: the network was reported as reaching a port it cannot reach.
   */
  byFamily(box: Box): Box[] {
    if (this.device.family !== 'mixed') return [box];
    const out: Box[] = [];
    for (const family of FAMILIES) {
      const sources = box.sources.intersect(family);
      const destinations = box.destinations.intersect(family);
      if (sources.isEmpty || destinations.isEmpty) continue;
      out.push(sources === box.sources && destinations === box.destinations ? box : { ...box, sources, destinations });
    }
    return out;
  }

  everything(): Box {
    if (this.all) return this.all;
    const d = this.device;
    const all = AddressSet.all(d.family === 'mixed' ? undefined : d.family).intervals;
    this.all = {
      protocols: ALL_PROTOCOLS,
      ports: ALL_PORTS,
      sources: all,
      destinations: all,
      inInterfaces: this.atoms.all(),
      outInterfaces: this.atoms.all(),
    };
    return this.all;
  }

  /** True when the configuration shows the device routing traffic (NAT, or a forward ruleset with rules). */
  get routes(): boolean {
    const d = this.device;
    if (d.forwards.length > 0 || d.externalInterfaces.length > 0) return true;
    return d.pipeline.forward.some((name) => (d.rulesets[name]?.rules.length ?? 0) > 0);
  }

  exposures(): Exposure[] {
    const d = this.device;
    // Packets of each family, never an IPv4 source with an IPv6 destination (see byFamily).
    const start = this.byFamily({ ...this.everything(), inInterfaces: this.inboundInterfaces() }).map((box): Flow => ({ box, path: [] }));
    const arrived = this.passStage(d.pipeline.prerouting, start);

    // Destination NAT decides where each packet goes next.
    const local: Flow[] = [];
    const forwarded: Flow[] = [];
    let untranslated = arrived;
    for (const name of d.pipeline.dnat) {
      const rs = d.rulesets[name];
      if (!rs) continue;
      const out = this.evaluate(rs, untranslated, 0, [], 'nat', false);
      untranslated = [...out.accepted.map((x) => x.flow), ...out.fallthrough];
      for (const t of out.translated) {
        const tr = t.rule.translation;
        const b = t.flow.box;
        const ports = tr?.ports ?? b.ports;
        const forward = { rule: t.rule, externalPorts: b.ports };
        // A redirect, or a DNAT to loopback, delivers to the device itself.
        if (t.rule.action === 'redirect' || !tr?.addresses || LOOPBACK.covers(tr.addresses)) {
          local.push({ box: withProtocols(b, b.protocols, ports), path: t.flow.path, forward });
        } else {
          const box: Box = { protocols: b.protocols, ports, sources: b.sources, destinations: tr.addresses.intervals, inInterfaces: b.inInterfaces, outInterfaces: b.outInterfaces };
          forwarded.push({ box, path: t.flow.path, forward });
        }
      }
    }

    const out: Exposure[] = [];
    for (const decision of this.acceptStage(d.pipeline.input, [...untranslated, ...local])) {
      append(out, this.expose(decision, undefined));
    }
    for (const decision of this.acceptStage(d.pipeline.forward, forwarded)) {
      append(out, this.expose(decision, 'forward'));
    }
    if (this.routes) {
      // Routed without NAT: only public destinations can arrive from the internet.
      const routable = untranslated.flatMap((f) => {
        const dst = publicPart(AddressSet.fromIntervals(f.box.destinations));
        return dst.isEmpty ? [] : [{ ...f, box: { ...f.box, destinations: dst.intervals } }];
      });
      const named = this.namedDestinations();
      for (const decision of this.acceptStage(d.pipeline.forward, routable)) {
        const dst = AddressSet.fromIntervals(decision.flow.box.destinations);
        let inside = dst.intersect(named);
        // A "destination" that is most of the internet names no host behind the device: transit.
        if (classifySources(inside) === 'anywhere') inside = AddressSet.empty();
        const transit = dst.subtract(inside);
        if (!inside.isEmpty) append(out, this.expose(withFlowDestinations(decision, inside), 'routed'));
        if (!transit.isEmpty) append(out, this.expose(withFlowDestinations(decision, transit), 'routed').map((e) => ({ ...e, transit: true })));
      }
    }
    return out;
  }

  /**
   * Public destinations the forward rulesets let in on purpose (a DMZ, a routed subnet): the
   * destinations of their allow rules that are neither everything nor "everything but internal space".
   */
  private namedDestinations(): AddressSet {
    const d = this.device;
    const seen = new Set<string>();
    const queue = [...d.pipeline.forward];
    // Joined at the end: thousands of policies for a server each were a growing union copied at each.
    const named: AddressSet[] = [];
    while (queue.length > 0) {
      const name = queue.pop()!;
      const rs = d.rulesets[name];
      if (!rs || seen.has(name)) continue;
      seen.add(name);
      for (const r of rs.rules) {
        if (r.target) queue.push(r.target);
        if (r.action !== 'allow') continue;
        const dst = publicPart(r.destinations);
        if (!dst.isEmpty && classifySources(dst) !== 'anywhere') named.push(dst);
      }
    }
    return AddressSet.unionAll(named);
  }

  /** Rulesets that only filter (raw, mangle): what they allow or leave to a permissive policy passes on. */
  private passStage(names: string[], flows: Flow[]): Flow[] {
    let current = flows;
    for (const name of names) {
      const rs = this.device.rulesets[name];
      if (!rs) continue;
      const out = this.evaluate(rs, current, 0, [], 'none', false);
      current = [...out.accepted.map((x) => x.flow), ...out.fallthrough];
    }
    return current;
  }

  /** Filtering rulesets in sequence; the last one's decisions are the exposures. */
  private acceptStage(names: string[], flows: Flow[]): Decision[] {
    return this.admit(names, flows, false).accepted;
  }

  /** What the last ruleset of a stage accepts of the flows, and what it (or its policy) drops. */
  private admit(names: string[], flows: Flow[], denials = true): { accepted: Decision[]; denied: Denial[] } {
    const present = names.filter((n) => this.device.rulesets[n]);
    if (present.length === 0 || flows.length === 0) return { accepted: [], denied: [] };
    const before = this.passStage(present.slice(0, -1), flows);
    const last = this.device.rulesets[present[present.length - 1]!]!;
    const out = this.evaluate(last, before, 0, [], 'all', denials);
    return { accepted: out.accepted, denied: out.denied };
  }

  /**
   * Follows packets that another device forwards to this one (a router's port forward to this
   * host): they meet this device's pre-routing and input rulesets. Returns the exposures of this
   * device they reach, and the rules that drop the rest.
   */
  receive(box: Box, path: PathStep[]): { exposures: Exposure[]; denied: Denial[] } {
    const d = this.device;
    const inbound = this.atoms.match({ names: ['lo'], negated: true });
    const start = this.byFamily({ ...box, inInterfaces: inbound, outInterfaces: this.atoms.all() }).map((b): Flow => ({ box: b, path }));
    const arrived = this.passStage(d.pipeline.prerouting, start);
    const { accepted, denied } = this.admit(d.pipeline.input, arrived);
    return { exposures: accepted.flatMap((decision) => this.expose(decision, undefined)), denied };
  }

  private boxOf(rule: FilterRule): Box {
    return {
      protocols: rule.protocols,
      ports: rule.destinationPorts,
      sources: rule.sources.intervals,
      destinations: rule.destinations.intervals,
      inInterfaces: this.atoms.match(rule.inInterface),
      outInterfaces: this.atoms.match(rule.outInterface),
    };
  }

  /** The box of each rule of `rs`, by position. */
  boxesOf(rs: Ruleset): readonly Box[] {
    return this.prepare(rs).boxes;
  }

  private prepare(rs: Ruleset): Prepared {
    let p = this.prepared.get(rs);
    if (!p) {
      const rulesets = this.device.rulesets;
      const rules = rs.rules;
      // One indexed pass over the rules: tens of thousands of small chains are prepared once each.
      const boxes: Box[] = [];
      const targets: (Ruleset | undefined)[] = [];
      let last = -1;
      let inert = !rs.builtin && rs.defaultAction === 'return';
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        boxes.push(this.boxOf(rule));
        const target = rule.target;
        targets.push(target !== undefined && Object.hasOwn(rulesets, target) ? rulesets[target] : undefined);
        if (rule.enabled && rule.matchesNew) {
          last = i;
          if (!CONTINUING.has(rule.action)) inert = false;
        }
      }
      p = { boxes, targets, steps: [], last, inert };
      this.prepared.set(rs, p);
    }
    return p;
  }

  /**
   * First-match evaluation of one ruleset over sets of packets.
   * `record` says which steps go into the path: `all` for the rulesets whose decisions are the
   * exposures, `nat` for translations only, `none` for filtering stages that merely pass packets on.
   * `denials` says whether what is dropped is asked for (and so recorded); the rulesets jumped to
   * follow their caller.
   */
  evaluate(rs: Ruleset, input: Flow[], depth: number, stack: Ruleset[], record: 'all' | 'nat' | 'none' = 'all', denials = true, into?: RulesetOutcome): RulesetOutcome {
    // A ruleset jumped to decides into its caller's lists (`into`): kube-proxy jumps into tens of
    // thousands of small chains, and lists of their own were made only to be copied over. What
    // falls through goes back to the caller, so that list is its own.
    const out: RulesetOutcome = into
      ? { accepted: into.accepted, translated: into.translated, fallthrough: [], denied: into.denied }
      : { accepted: [], translated: [], fallthrough: [], denied: [] };
    // The rulesets on the way here, as objects: one name per ruleset, and comparing objects does not
    // read kube-proxy's chain names (all alike up to their last characters) at each of 150,000 entries.
    if (stack.includes(rs)) {
      this.warn(rs.origin, 'chain-loop', `ruleset ${rs.name} is entered again from itself (${[...stack, rs].map((r) => r.name).join(' -> ')}); that path is not followed`);
      return out;
    }
    if (depth > MAX_DEPTH) {
      this.warn(rs.origin, 'chain-depth', `ruleset ${rs.name} is reached through more than ${MAX_DEPTH} nested jumps (from ${stack[0]?.name ?? rs.name}); that path is not followed further`);
      return out;
    }
    const { boxes, targets, steps, last } = this.prepare(rs);
    // What no rule decided; a default deny's packets are only worked out when someone asks.
    const policyDenies = (rs.builtin || rs.defaultAction !== 'return') && rs.defaultAction !== 'allow';
    const leftUnused = !denials && policyDenies;
    const flows = new FlowSet(input);
    // Sets that this evaluation made for the flows it holds, and that nothing else holds: a rule that
    // takes one address, port or network out of such a flow changes its set in place (see remove).
    const owned: Owned = { destinations: undefined, ports: undefined, sources: undefined };
    // Sources that every packet still here has lost to rules that name nothing but sources
    // (`-s 198.51.100.0/24 -j DROP`): kept aside instead of cut out of every flow at each such rule,
    // which made a long chain of them quadratic. Taken out of what a rule matches and of what leaves.
    let taken = NO_SOURCES;
    // The sources of a run of such drops not yet added to `taken`: joined all at once when a rule
    // reads it (a blocklist of object-groups, each of networks spread over the address space, copied
    // the whole of `taken` at each entry when they were added one by one).
    let pending: IntervalSet<bigint>[] | undefined;
    for (let i = 0; i < rs.rules.length; i++) {
      const rule = rs.rules[i]!;
      if (flows.size === 0) break;
      if (!rule.enabled || !rule.matchesNew) continue;
      const ruleBox = boxes[i]!;
      // A rule can hide what follows only if we know exactly which packets it takes.
      const exact = rule.exact && rule.sourcePorts.isFull && rule.symbolic.length === 0;
      if (exact && (rule.action === 'deny' || rule.action === 'reject') && this.sourcesOnly(ruleBox)) {
        // What it drops is still recorded when it is asked for (a ruleset jumped to, a device that
        // receives forwarded packets), read without the sources taken before it.
        if (denials) {
          if (pending) {
            taken = joinTaken(taken, pending);
            pending = undefined;
          }
          const candidates = flows.candidates(ruleBox);
          const met = meet(candidates, ruleBox, taken, owned);
          if (met) for (const m of met.matched) out.denied.push({ flow: m, rule, ruleset: rs });
          this.spend(candidates.length, rule);
        }
        if (pending) pending.push(ruleBox.sources);
        else pending = [ruleBox.sources];
        this.work += 1;
        continue;
      }
      if (pending) {
        taken = joinTaken(taken, pending);
        pending = undefined;
      }
      const candidates = flows.candidates(ruleBox);
      const met = meet(candidates, ruleBox, taken, owned);
      this.spend(candidates.length + (met?.matched.length ?? 0), rule);
      if (!met) continue;
      const { matched, touched } = met;
      let takes = exact;
      const recorded = record === 'all' || (record === 'nat' && (rule.action === 'dnat' || rule.action === 'redirect'));
      // The rule's step on the way of each matched flow, when the path records it.
      const step = recorded ? (steps[i] ??= this.step(rs, rule)) : undefined;
      switch (rule.action) {
        case 'allow':
          for (const m of matched) out.accepted.push({ kind: 'rule', flow: step ? withStep(m, step) : m, rule, ruleset: rs });
          break;
        case 'deny':
        case 'reject':
          if (exact) for (const m of matched) out.denied.push({ flow: m, rule, ruleset: rs });
          break;
        case 'return':
          append(out.fallthrough, matched);
          break;
        case 'dnat':
        case 'redirect':
          for (const m of matched) out.translated.push({ flow: step ? withStep(m, step) : m, rule });
          break;
        case 'jump':
        case 'goto': {
          const target = targets[i];
          if (!target) {
            this.warn(rule.origin, 'unknown-chain', `rule jumps to ${rule.target ?? '(nothing)'}, which is not defined; treated as a rule that decides nothing`);
            takes = false;
            break;
          }
          if (rule.action === 'jump' && depth + 1 <= MAX_DEPTH && this.prepare(target).inert) {
            // Everything that goes in comes back as it went: the flows stay as they are (see below).
            takes = false;
            break;
          }
          const entered = step ? matched.map((m) => withStep(m, step)) : matched;
          // The ruleset jumped to records its drops only when this one's are asked for: a blocklist
          // entered again with the thousands of pieces an ACL let through before (IOS checks routed
          // packets at the inbound ACL once more) otherwise looked for each network in every piece.
          stack.push(rs);
          const sub = this.evaluate(target, entered, depth + 1, stack, record, denials, out);
          stack.pop();
          // What comes back continues after the jump (without the jump's step); after a goto it leaves this ruleset too.
          const back = sub.fallthrough;
          if (rule.action === 'goto') {
            for (const f of back) out.fallthrough.push(step ? withPath(f, f.path.slice(0, -1)) : f);
            break; // what went in never continues here: `takes` stays as exact as the rule
          }
          // When everything that went in came back untouched (the ruleset decided nothing for these
          // packets), the flows stay as they were instead of being split around the rule.
          let unchanged = back.length === matched.length;
          for (let k = 0; unchanged && k < back.length; k++) unchanged = back[k]!.box === matched[k]!.box;
          if (exact && !unchanged && !(leftUnused && i === last)) {
            this.remove(flows, touched, ruleBox, owned);
            for (const f of back) flows.add(step ? withPath(f, f.path.slice(0, -1)) : f);
          }
          takes = false;
          break;
        }
        case 'continue':
        case 'snat':
        case 'masquerade':
          takes = false;
          break;
      }
      // After the last rule, what is left matters only when someone asks for it.
      if (takes && !(leftUnused && i === last)) this.remove(flows, touched, ruleBox, owned);
    }
    if (pending) taken = joinTaken(taken, pending);
    const left: Flow[] = [];
    if (!leftUnused) {
      for (const f of flows.values()) {
        const box = settle(f.box, taken);
        if (box) left.push(box === f.box ? f : withBox(f, box));
      }
    }
    if (rs.builtin || rs.defaultAction !== 'return') {
      if (rs.defaultAction === 'allow') {
        for (const f of left) {
          const flow = record === 'all' ? withPath(f, [...f.path, (steps[rs.rules.length] ??= this.policyStep(rs))]) : f;
          out.accepted.push({ kind: 'policy', flow, ruleset: rs });
        }
      } else {
        for (const f of left) out.denied.push({ flow: f, ruleset: rs });
      }
    } else {
      append(out.fallthrough, left);
    }
    return out;
  }

  /** A box that constrains sources only: every protocol, port, destination and interface. */
  sourcesOnly(box: Box): boolean {
    const all = this.everything();
    return (
      box.protocols.isFull &&
      box.ports.isFull &&
      this.everyDestinationOf(box) &&
      box.inInterfaces.covers(all.inInterfaces) &&
      box.outInterfaces.covers(all.outInterfaces)
    );
  }

  /**
   * The box takes every destination its sources can send to: every destination, or on a device
   * with rules for both families, every one of the families of its sources (`ip saddr
   * 198.51.100.0/24 drop` in an nftables inet table takes IPv4 destinations only, and so all of
   * that network's packets; see byFamily).
   */
  private everyDestinationOf(box: Box): boolean {
    if (box.destinations.covers(this.everything().destinations)) return true;
    if (this.device.family !== 'mixed') return false;
    for (const family of FAMILIES) {
      if (box.sources.intersects(family) && !box.destinations.covers(family)) return false;
    }
    return true;
  }

  /**
   * Takes a rule's box out of the flows it touched; what is left of them stays undecided.
   *
   * kube-proxy's service chain takes one address and port after another out of the traffic still
   * undecided: the flow left on a port loses one destination at each rule, and copying its growing
   * list of holes each time made the chain quadratic in memory. When the rule covers a flow in every
   * dimension but the destination, what is left is the flow with fewer destinations, and a
   * destination set this evaluation made and holds alone is changed in place (see cutBox; ports and
   * sources likewise).
   */
  private remove(flows: FlowSet<Flow>, touched: Flow[], box: Box, owned: Owned): void {
    for (const f of touched) {
      flows.delete(f);
      for (const rest of cutBox(f.box, box, owned)) {
        flows.add(rest === f.box ? f : withBox(f, rest));
      }
    }
  }

  /**
   * Counts `pieces` of work at `rule`, and stops the analysis past MAX_ANALYSIS_WORK: checked at every
   * rule, whether it matched or not (a blocklist's drops that meet thousands of pieces each went on
   * to a hundred times the limit before a rule that matched noticed). Every MEMORY_CHECK_EVERY
   * pieces it also looks at the heap (see MAX_HEAP_SHARE).
   */
  private spend(pieces: number, rule: FilterRule): void {
    this.work += pieces;
    if (this.work > this.limits.work) {
      throw new AnalysisLimitError(`the rules split the traffic into more than ${this.limits.work} pieces (at ${rule.id}); the exposures of ${this.device.name} are not computed`);
    }
    if (this.work < this.memoryCheckAt) return;
    this.memoryCheckAt = this.work + MEMORY_CHECK_EVERY;
    const heap = getHeapStatistics();
    if (heap.used_heap_size > heap.heap_size_limit * this.limits.heapShare) {
      const mb = (n: number): string => `${Math.round(n / 2 ** 20)} MB`;
      throw new AnalysisLimitError(
        `the pieces the rules split the traffic into fill ${mb(heap.used_heap_size)} of the ${mb(heap.heap_size_limit)} the JavaScript heap may use (at ${rule.id}); the exposures of ${this.device.name} are not computed`,
      );
    }
  }

  /** The step that dropped packets: the rule, or the ruleset's default policy. */
  denialStep(d: Denial): PathStep {
    return d.rule ? this.step(d.ruleset, d.rule) : this.policyStep(d.ruleset);
  }

  private step(rs: Ruleset, rule: FilterRule): PathStep {
    const proto = rule.protocols.isFull ? '' : ` ${protocolText(rule.protocols)}`;
    const ports = rule.destinationPorts.isFull ? '' : ` ${formatPorts(rule.destinationPorts)}`;
    // Joined, not added up: every rule that decides something keeps its step, and a summary added
    // up from pieces stays a chain of them.
    const summary =
      rule.action === 'dnat' || rule.action === 'redirect'
        ? [rule.action.toUpperCase(), proto, ports, ' -> ', rule.translation?.text ?? '?'].join('')
        : [shortName(rs.name), ' ', rule.action, rule.action === 'jump' || rule.action === 'goto' ? ` ${shortName(rule.target ?? '')}` : '', proto, ports].join('');
    return { file: rule.origin.file, line: rule.origin.line, summary, ruleId: rule.id };
  }

  private policyStep(rs: Ruleset): PathStep {
    return { file: rs.origin.file, line: rs.origin.line, summary: `${shortName(rs.name)} policy ${rs.defaultAction}` };
  }

  /** The shadowing check of `rs` stopped at `rule` (see MAX_SHADOWING_WORK in shadowing.ts). */
  warnShadowingLimit(rs: Ruleset, rule: FilterRule): void {
    this.warn(
      rule.origin, 'shadowing-limit',
      `the rules of ${rs.name} before this one (${rule.id}) split the traffic into too many pieces to go on: it and the rules after it are not checked for shadowing (the exposures are not affected)`,
    );
  }

  private warn(origin: Origin, code: string, message: string): void {
    const key = `${origin.line}:${code}`;
    const warned = (this.warned ??= new Set<string>());
    if (warned.has(key)) return;
    warned.add(key);
    this.diagnostics.push({ file: origin.file, line: origin.line, severity: 'warning', code, message });
  }

  private anywhere(sources: IntervalSet<bigint>, from: AddressSet): boolean {
    const known = (this.anywhereOf ??= new Map<IntervalSet<bigint>, boolean>());
    let anywhere = known.get(sources);
    if (anywhere === undefined) {
      anywhere = classifySources(from) === 'anywhere';
      known.set(sources, anywhere);
    }
    return anywhere;
  }

  private expose(decision: Decision, kind: 'forward' | 'routed' | undefined): Exposure[] {
    const { flow } = decision;
    const d = this.device;
    const target: Exposure['target'] = { host: d.name };
    if (kind) target.address = addressText(flow.box.destinations);
    const fwd = flow.forward;
    const location: Origin = fwd
      ? fwd.rule.origin
      : decision.kind === 'rule'
        ? decision.rule.origin
        : decision.ruleset.origin;
    const from = AddressSet.fromIntervals(flow.box.sources);
    // Joined into one flat string: every exposure keeps it, and rules look exposures up by it.
    const anchor = (
      fwd ? [d.name, fwd.rule.text] : decision.kind === 'rule' ? [d.name, decision.ruleset.name, decision.rule.text] : [d.name, decision.ruleset.name, 'policy']
    ).join('|');
    const anywhere = this.anywhere(flow.box.sources, from);
    const policy = decision.kind === 'policy' ? { ruleset: decision.ruleset.name, origin: decision.ruleset.origin } : undefined;
    const forward = fwd ? { externalPorts: fwd.externalPorts, text: fwd.rule.translation?.text ?? '' } : undefined;
    const device = d.name;
    const path = flow.path;
    // Each written as one literal with every field it has, optional ones only when set, in the order
    // the fields have always had: fields added after the literal go to a second store of their own,
    // one more object for each of a quarter of a million exposures.
    return splitProtocols(flow.box).map(({ protocol, ports, box }): Exposure => {
      if (policy) {
        return forward
          ? { anchor, device, target, from, anywhere, path, location, policy, forward, protocol, ports, box }
          : { anchor, device, target, from, anywhere, path, location, policy, protocol, ports, box };
      }
      return forward
        ? { anchor, device, target, from, anywhere, path, location, forward, protocol, ports, box }
        : { anchor, device, target, from, anywhere, path, location, protocol, ports, box };
    });
  }
}

/** What evaluating a ruleset needs of each of its rules, worked out once per device. */
interface Prepared {
  boxes: Box[];
  /** The ruleset each rule jumps or goes to. */
  targets: (Ruleset | undefined)[];
  /** Each rule's path step, made when first needed; one past the last rule is the policy's. */
  steps: PathStep[];
  /** The place of the last rule that can decide anything (enabled, and for new connections); -1 for none. */
  last: number;
  /**
   * A chain that returns whatever enters it untouched: its rules only mark, log or rewrite sources
   * and its end returns (kube-proxy's KUBE-MARK-MASQ, jumped to from each of tens of thousands of
   * endpoints).
   */
  inert: boolean;
}

/** Actions after which the packet goes on to the next rule. */
const CONTINUING = new Set<FilterRule['action']>(['continue', 'snat', 'masquerade']);

/** The same packets, one step further on their path. */
function withStep(f: Flow, step: PathStep): Flow {
  // Made at its size: a copied list that is pushed to gets room for more.
  const n = f.path.length;
  const path = new Array<PathStep>(n + 1);
  for (let i = 0; i < n; i++) path[i] = f.path[i]!;
  path[n] = step;
  return withPath(f, path);
}

/** The same packets on another path. */
function withPath(f: Flow, path: PathStep[]): Flow {
  return f.forward ? { box: f.box, path, forward: f.forward } : { box: f.box, path };
}

/** The same flow with other packets. */
function withBox(f: Flow, box: Box): Flow {
  return f.forward ? { box, path: f.path, forward: f.forward } : { box, path: f.path };
}

const LOOPBACK = addresses('127.0.0.0/8', '::1/128');
/** `box` without the sources rules that name nothing but sources have taken (see evaluate); undefined when none are left. */
/**
 * The parts of the candidate flows that a rule's box meets, read without the sources taken (see
 * evaluate), and the flows they are parts of; undefined when it meets none.
 */
function meet(candidates: readonly Flow[], box: Box, taken: IntervalSet<bigint>, owned: Owned): { matched: Flow[]; touched: Flow[] } | undefined {
  // Made with their first flow (most rules take one piece, or none): a list made empty and pushed
  // to gets room for seventeen.
  let matched: Flow[] | undefined;
  let touched: Flow[] = NO_FLOWS;
  for (const f of candidates) {
    const both = intersectBox(f.box, box);
    const m = both && settle(both, taken);
    if (!m) continue;
    // The matched part goes on with the flow's own sets: no longer this evaluation's alone.
    if (owned.destinations && m.destinations === f.box.destinations) owned.destinations.delete(m.destinations);
    if (owned.ports && m.ports === f.box.ports) owned.ports.delete(m.ports);
    if (owned.sources && m.sources === f.box.sources) owned.sources.delete(m.sources);
    const g = m === f.box ? f : withBox(f, m);
    if (matched) {
      matched.push(g);
      touched.push(f);
    } else {
      matched = [g];
      touched = [f];
    }
  }
  return matched && { matched, touched };
}

/**
 * `taken` with the sources of `pending` added: a set of the evaluation's own, never one of the rules'
 * sets. A few are added in place, one by one (a chain that alternates drops and accepts keeps one
 * set growing, which the flows' `sourcesLeft` answers follow); a longer run is joined at once.
 */
function joinTaken(taken: IntervalSet<bigint>, pending: IntervalSet<bigint>[]): IntervalSet<bigint> {
  if (pending.length <= JOIN_IN_PLACE) {
    let own = taken === NO_SOURCES ? IntervalSet.empty(NO_SOURCES.domain) : taken;
    for (const sources of pending) own = IntervalSet.unionOwned(own, sources);
    return own;
  }
  const joined = IntervalSet.unionAll(NO_SOURCES.domain, taken === NO_SOURCES ? pending : [taken, ...pending]);
  // unionAll hands back a member when it is the only one that is not empty (or when it is full).
  return joined !== taken && pending.includes(joined) ? IntervalSet.unionOwned(IntervalSet.empty(NO_SOURCES.domain), joined) : joined;
}

/** How many sets joinTaken adds one by one. */
const JOIN_IN_PLACE = 8;

function settle(box: Box, taken: IntervalSet<bigint>): Box | undefined {
  if (taken.isEmpty) return box;
  const sources = sourcesLeft(box.sources, taken);
  return sources.isEmpty ? undefined : sources === box.sources ? box : { ...box, sources };
}

/**
 * What a source set keeps of `taken`'s complement, by source set, for the last `taken` it met. After a
 * long blocklist, every rule below it meets the same flow with the same sources taken: one set made
 * once, and shared by what they let through, instead of a copy of the blocklist's holes per rule.
 * (`taken` grows in place as a new object each time, so an answer is never read for a later one.)
 */
const LEFT = new WeakMap<IntervalSet<bigint>, { taken: IntervalSet<bigint>; left: IntervalSet<bigint> }>();

function sourcesLeft(sources: IntervalSet<bigint>, taken: IntervalSet<bigint>): IntervalSet<bigint> {
  const known = LEFT.get(sources);
  if (known?.taken === taken) return known.left;
  const left = sources.subtract(taken);
  LEFT.set(sources, { taken, left });
  return left;
}

/** What a rule touched before it touched anything (never added to: see evaluate). */
const NO_FLOWS: Flow[] = [];
const NO_SOURCES = AddressSet.empty().intervals;

function withFlowDestinations(decision: Decision, destinations: AddressSet): Decision {
  return { ...decision, flow: { ...decision.flow, box: { ...decision.flow.box, destinations: destinations.intervals } } };
}

/** Protocol sets as steps show them (`tcp`, `6-17`), by set: most rules share a handful of sets. */
const PROTOCOL_TEXT = new WeakMap<IntervalSet<number>, string>();

function protocolText(set: IntervalSet<number>): string {
  let text = PROTOCOL_TEXT.get(set);
  if (text === undefined) {
    const b = set.bounds;
    const parts: string[] = [];
    for (let i = 0; i < b.length; i += 2) parts.push(b[i] === b[i + 1] ? protocolName(b[i]!) : `${b[i]}-${b[i + 1]}`);
    PROTOCOL_TEXT.set(set, (text = parts.join(',')));
  }
  return text;
}

/**
 * A forwarded-to destination as exposures name it, by set: the pods behind a service are named
 * once each, not once per port and protocol. A set that reaches a decision is never changed again
 * (see `remove`), so its text stays true.
 */
const ADDRESS_TEXT = new WeakMap<IntervalSet<bigint>, string>();

function addressText(destinations: IntervalSet<bigint>): string {
  let text = ADDRESS_TEXT.get(destinations);
  if (text === undefined) {
    const dst = AddressSet.fromIntervals(destinations);
    const cidrs = dst.toCidrs(4);
    text = cidrs.length <= 3 ? cidrs.map(bareHost).join(', ') : describeAddresses(dst);
    ADDRESS_TEXT.set(destinations, text);
  }
  return text;
}

function shortName(name: string): string {
  return name.startsWith('filter/') ? name.slice(7) : name;
}

function bareHost(cidr: string): string {
  return cidr.endsWith('/32') || cidr.endsWith('/128') ? cidr.slice(0, cidr.lastIndexOf('/')) : cidr;
}

const NAMED = [PROTO.tcp, PROTO.udp, PROTO.sctp, PROTO.icmp, PROTO.icmpv6];
const ALL_NAMED = protocolSet(NAMED);
const NAMED_SETS = NAMED.map((n) => protocolSet([n]));

/** A box's protocols as report entries: `any` when it is everything, else one entry per protocol. */
function splitProtocols(box: Box): { protocol: string; ports: PortSet; box: Box }[] {
  if (box.protocols.isFull && box.ports.isFull) return [{ protocol: 'any', ports: ALL_PORTS, box }];
  const out: { protocol: string; ports: PortSet; box: Box }[] = [];
  for (let k = 0; k < NAMED.length; k++) {
    const n = NAMED[k]!;
    if (!box.protocols.has(n)) continue;
    const ports = PORTED_PROTOCOLS.has(n) ? box.ports : ALL_PORTS;
    const protocols = NAMED_SETS[k]!;
    // A box of one protocol (a rule for tcp) is its own entry's box.
    const own = protocols === box.protocols && ports === box.ports;
    out.push({ protocol: protocolName(n), ports, box: own ? box : withProtocols(box, protocols, ports) });
  }
  // Most boxes hold named protocols only: the rest is not built to be found empty.
  const rest = ALL_NAMED.covers(box.protocols) ? undefined : box.protocols.subtract(ALL_NAMED);
  if (rest && !rest.isEmpty) {
    const protocol = [...rest.ranges()].map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
    out.push({ protocol, ports: ALL_PORTS, box: withProtocols(box, rest, ALL_PORTS) });
  }
  return out;
}

