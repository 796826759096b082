import { portBucketsOf, type IntervalSet } from '@portcullis/model';
import type { Box } from './headerspace.js';

/** How many flows a FlowSet holds as a plain list, before it makes a set of them and an index. */
const SMALL = 8;
const NO_FLOWS: readonly never[] = Object.freeze([]);

/**
 * Flows by the destination-port buckets they touch (see portBucketsOf), with those too wide for
 * buckets on a set of their own. Each bucket keeps the order in which its flows were added.
 */
class ByPort<F extends { box: Box }> {
  readonly buckets = new Map<number, Set<F>>();
  private readonly wide = new Set<F>();

  add(f: F): void {
    const buckets = portBucketsOf(f.box.ports);
    if (!buckets) {
      this.wide.add(f);
      return;
    }
    for (const b of buckets) {
      let set = this.buckets.get(b);
      if (!set) this.buckets.set(b, (set = new Set()));
      set.add(f);
    }
  }

  delete(f: F): void {
    if (this.wide.delete(f)) return;
    for (const b of portBucketsOf(f.box.ports) ?? []) this.buckets.get(b)?.delete(f);
  }

  /** Adds to `out` the flows in the buckets `buckets` (ports' buckets, in order) and the wide ones, each once. */
  gather(buckets: number[], out: F[]): void {
    for (const f of this.wide) out.push(f);
    // Flows in more than one of the buckets are gathered once; with flows in one bucket only (a
    // small group of a FlowSet), there is nothing to tell apart.
    let only: Set<F> | undefined;
    let several = false;
    for (const b of buckets) {
      const set = this.buckets.get(b);
      if (!set || set.size === 0) continue;
      if (only) {
        several = true;
        break;
      }
      only = set;
    }
    if (!several) {
      if (only) for (const f of only) out.push(f);
      return;
    }
    const seen = new Set<F>();
    for (const b of buckets) {
      for (const f of this.buckets.get(b) ?? []) {
        if (seen.has(f)) continue;
        seen.add(f);
        out.push(f);
      }
    }
  }
}

/** The one address a destination set holds, if it holds just one. */
function singleAddress(set: IntervalSet<bigint>): bigint | undefined {
  const b = set.bounds;
  return b.length === 2 && b[0] === b[1] ? b[0] : undefined;
}

/**
 * The flows of a FlowSet whose interfaces are the same sets (see FlowSet): by port, and once a rule
 * for one address asks, by address too.
 */
class Group<F extends { box: Box }> {
  readonly byPort = new ByPort<F>();
  /**
   * Made when a rule for one address first asks (a kube-proxy node's filter rules never do, and
   * tens of thousands of forwarded pods are not indexed by address for them): the flows for more
   * than one address by port, and those for one by their address.
   */
  byAddress: AddressIndex<F> | undefined;

  /**
   * `all`: every flow of the group in insertion order, which is the FlowSet's own set while this is
   * its only group (the FlowSet adds to it and deletes from it). `key`: the group's key in the
   * FlowSet (see interfaceId).
   */
  constructor(
    readonly key: number,
    readonly inInterfaces: IntervalSet<number>,
    readonly outInterfaces: IntervalSet<number>,
    public all: Set<F>,
  ) {}

  index(f: F): void {
    this.byPort.add(f);
    if (this.byAddress) indexByAddress(this.byAddress, f);
  }

  unindex(f: F): void {
    this.byPort.delete(f);
    if (this.byAddress) unindexByAddress(this.byAddress, f);
  }

  /**
   * The flows of the group that may meet a box with these ports' buckets and this single
   * destination, added to `out` (or in a list of their own when there is none). `alone`: this is
   * the FlowSet's only group, and ports near most of its buckets take every flow rather than
   * gathering and de-duplicating them; among several groups, a small group's few buckets made every
   * rule take the whole group.
   */
  gather(buckets: number[] | undefined, address: bigint | undefined, alone: boolean, out?: F[]): F[] {
    const byPort = this.byPort;
    const all = !buckets || (alone && buckets.length * 4 > byPort.buckets.size);
    if (address !== undefined) return this.gatherFor(address, all ? undefined : buckets, out ?? []);
    if (all) {
      // Every flow, copied at once when nothing else is gathered.
      if (!out) return [...this.all];
      for (const f of this.all) out.push(f);
      return out;
    }
    const list = out ?? [];
    byPort.gather(buckets, list);
    return list;
  }

  /**
   * What may meet a box for one destination address: the flows for more than one address (by port,
   * or all of them when `buckets` is undefined) and the flows for that address. A rule for every
   * port of one address (a static NAT of a whole host) walked every flow of the group, those for
   * thousands of other addresses too.
   */
  private gatherFor(address: bigint, buckets: number[] | undefined, list: F[]): F[] {
    let index = this.byAddress;
    if (!index) {
      index = this.byAddress = { spread: new ByPort(), spreadAll: new Set(), single: new Map() };
      for (const f of this.all) indexByAddress(index, f);
    }
    if (!buckets) for (const f of index.spreadAll) list.push(f);
    else index.spread.gather(buckets, list);
    const mine = index.single.get(address);
    if (mine instanceof Set) for (const f of mine) list.push(f);
    else if (mine) list.push(mine);
    return list;
  }
}

/**
 * Flows whose interface sets have more bounds than this between them (what is left for every
 * interface but the hundreds that the rules before named, one hole each) share one group that every
 * box looks at. With a group each, every such rule made a new one, and every rule looked at hundreds.
 */
const NARROW_BOUNDS = 16;
const SPREAD = -1;

/**
 * A number for each interface set, the same for equal sets: a flow's interfaces are mostly sets it
 * shares with many others (every interface, "not loopback", one zone's), looked up by the object.
 */
const interfaceIds = new WeakMap<IntervalSet<number>, number>();
const interfaceIdsByKey = new Map<string, number>();
function interfaceId(set: IntervalSet<number>): number {
  let id = interfaceIds.get(set);
  if (id === undefined) {
    const key = set.key();
    id = interfaceIdsByKey.get(key);
    if (id === undefined) interfaceIdsByKey.set(key, (id = interfaceIdsByKey.size));
    interfaceIds.set(set, id);
  }
  return id;
}

/**
 * The packets still undecided at some point of a ruleset: boxes (with whatever each carries), indexed
 * so that a rule looks only at the boxes it may meet, not at every box the rules above it have carved
 * out. Boxes are grouped by their input and output interfaces: a router's rules for one pair of zones
 * (or one interface's ACL) meet only the boxes of the groups whose interfaces they share, not what
 * thousands of rules for other zones left behind. Within a group, boxes are indexed by destination
 * port; once a rule for one destination address asks, boxes for one address (what a port forward
 * delivers, what a rule for one server leaves) are indexed by that address as well, so that the rules
 * for one server among thousands of forwards to the same ports meet that server's boxes only.
 * `values()` follows insertion order, so results are deterministic.
 */
export class FlowSet<F extends { box: Box }> {
  /**
   * Most rulesets are entered with one piece of traffic (a service's chain, an endpoint's), or one
   * per address family, and with a few flows every flow is a candidate: until there are more than
   * SMALL the set is a list of them, with neither a set of flows nor an index. The list is never
   * changed, only replaced, so candidates() hands it out as it is. The index is built from the flows
   * present when one more arrives, in their order.
   */
  private small: readonly F[] = NO_FLOWS as readonly F[];
  /** Every flow in insertion order, made with the first past SMALL (and the groups with it). */
  private flows: Set<F> | undefined;
  /**
   * The groups by their interfaces' ids (see interfaceId), in the order they were made. Mostly one,
   * which shares `flows`; a group left empty is dropped.
   */
  private readonly groups = new Map<number, Group<F>>();
  /**
   * The group last looked up, by its interface sets (a run of flows mostly shares the same objects);
   * always the only group when there is one.
   */
  private last: Group<F> | undefined;

  constructor(initial: Iterable<F> = []) {
    for (const f of initial) this.add(f);
  }

  get size(): number {
    return this.flows ? this.flows.size : this.small.length;
  }

  add(f: F): void {
    if (!this.flows) {
      if (this.small.includes(f)) return;
      if (this.small.length < SMALL) {
        this.small = [...this.small, f];
        return;
      }
      const small = this.small;
      this.small = NO_FLOWS as readonly F[];
      this.flows = new Set<F>();
      for (const g of small) this.add(g);
    }
    if (this.flows.has(f)) return;
    const group = this.groupOf(f.box, true)!;
    this.flows.add(f);
    if (group.all !== this.flows) group.all.add(f);
    group.index(f);
  }

  delete(f: F): void {
    if (!this.flows) {
      if (this.small.includes(f)) this.small = this.small.filter((g) => g !== f);
      return;
    }
    if (!this.flows.delete(f)) return;
    const group = this.groupOf(f.box, false)!;
    group.unindex(f);
    if (group.all === this.flows) return;
    group.all.delete(f);
    if (group.all.size > 0) return;
    // Left empty (the packets of a zone pair all decided): the rules after it no longer look at it.
    this.groups.delete(group.key);
    this.last = undefined;
    if (this.groups.size === 1) {
      // One group again (the traffic of every interface but loopback, once a rule for loopback took
      // the rest): it holds every flow, in the same order, and takes the FlowSet's set as its own.
      const [only] = this.groups.values();
      only!.all = this.flows;
      // `last` is the only group when there is one (see candidates).
      this.last = only;
    }
  }

  /** The group of flows with the interfaces of `box`, made when `make` says so and there is none. */
  private groupOf(box: Box, make: boolean): Group<F> | undefined {
    const last = this.last;
    if (last && last.inInterfaces === box.inInterfaces && last.outInterfaces === box.outInterfaces) return last;
    const inside = box.inInterfaces;
    const outside = box.outInterfaces;
    const key = inside.bounds.length + outside.bounds.length > NARROW_BOUNDS ? SPREAD : interfaceId(inside) * 2 ** 26 + interfaceId(outside);
    let group = this.groups.get(key);
    if (!group && make) {
      // The only group holds the FlowSet's set; with a second, the first gets a set of its own.
      const [first] = this.groups.values();
      if (first && first.all === this.flows) first.all = new Set(first.all);
      group = new Group<F>(key, inside, outside, first ? new Set() : this.flows!);
      this.groups.set(key, group);
    }
    if (group) this.last = group;
    return group;
  }

  /**
   * The flows that may meet `box` (a superset of those that do), in a list the caller only reads:
   * before the index is made it is every flow, the same list while nothing changes (a chain of
   * rules that each let the one flow through asks again and again).
   */
  candidates(box: Box): readonly F[] {
    if (!this.flows) return this.small;
    const address = singleAddress(box.destinations);
    const buckets = portBucketsOf(box.ports);
    if (this.groups.size === 1) return this.last!.gather(buckets, address, true);
    const out: F[] = [];
    for (const group of this.groups.values()) {
      if (group.key !== SPREAD && !(group.inInterfaces.intersects(box.inInterfaces) && group.outInterfaces.intersects(box.outInterfaces))) continue;
      group.gather(buckets, address, false, out);
    }
    return out;
  }

  values(): F[] {
    if (!this.flows) return [...this.small];
    return [...this.flows];
  }
}

/** The flows for more than one address by port, and those for one by their address (mostly one flow each: a set only for a second). */
interface AddressIndex<F extends { box: Box }> {
  spread: ByPort<F>;
  /** The flows of `spread`, in the order they were added. */
  spreadAll: Set<F>;
  single: Map<bigint, F | Set<F>>;
}

function indexByAddress<F extends { box: Box }>(index: AddressIndex<F>, f: F): void {
  const address = singleAddress(f.box.destinations);
  if (address === undefined) {
    index.spreadAll.add(f);
    return index.spread.add(f);
  }
  // Mostly one flow per address: kept as itself, a set made only for a second.
  const there = index.single.get(address);
  if (there === undefined) index.single.set(address, f);
  else if (there instanceof Set) there.add(f);
  else if (there !== f) index.single.set(address, new Set([there, f]));
}

function unindexByAddress<F extends { box: Box }>(index: AddressIndex<F>, f: F): void {
  const address = singleAddress(f.box.destinations);
  if (address === undefined) {
    index.spreadAll.delete(f);
    return index.spread.delete(f);
  }
  const there = index.single.get(address);
  if (there === f) index.single.delete(address);
  else if (there instanceof Set) there.delete(f);
}
