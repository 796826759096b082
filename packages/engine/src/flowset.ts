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
    if (buckets.length === 1) {
      const set = this.buckets.get(buckets[0]!);
      if (set) for (const f of set) out.push(f);
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
 * The packets still undecided at some point of a ruleset: boxes (with whatever each carries), indexed
 * so that a rule looks only at the boxes it may meet, not at every box the rules above it have carved
 * out. Boxes are indexed by destination port. Once a rule for one destination address asks, boxes
 * for one address (what a port forward delivers, what a rule for one server leaves) are indexed by
 * that address as well, so that the rules for one server among thousands of forwards to the same
 * ports meet that server's boxes only. `values()` follows insertion order, so results are deterministic.
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
  /** Every flow in insertion order, made with the first past SMALL (and the index by port with it). */
  private flows: Set<F> | undefined;
  /** Every flow, by port. */
  private byPort: ByPort<F> | undefined;
  /**
   * Made when a rule for one address first asks (a kube-proxy node's filter rules never do, and
   * tens of thousands of forwarded pods are not indexed by address for them): the flows for more
   * than one address by port, and those for one by their address.
   */
  private byAddress: AddressIndex<F> | undefined;

  constructor(initial: Iterable<F> = []) {
    for (const f of initial) this.add(f);
  }

  get size(): number {
    return this.flows ? this.flows.size : this.small.length;
  }

  add(f: F): void {
    if (this.flows) {
      if (this.flows.has(f)) return;
      this.flows.add(f);
      this.byPort!.add(f);
      if (this.byAddress) indexByAddress(this.byAddress, f);
      return;
    }
    if (this.small.includes(f)) return;
    if (this.small.length < SMALL) {
      this.small = [...this.small, f];
      return;
    }
    this.flows = new Set([...this.small, f]);
    this.small = NO_FLOWS as readonly F[];
    this.byPort = new ByPort();
    for (const g of this.flows) this.byPort.add(g);
  }

  delete(f: F): void {
    if (this.flows) {
      if (!this.flows.delete(f)) return;
      this.byPort!.delete(f);
      if (this.byAddress) unindexByAddress(this.byAddress, f);
    } else if (this.small.includes(f)) {
      this.small = this.small.filter((g) => g !== f);
    }
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
    const byPort = this.byPort!;
    const out: F[] = [];
    if (!buckets || buckets.length * 4 > byPort.buckets.size) {
      // Ports near most of the flows: every flow, but those for another single address.
      if (address === undefined) return [...this.flows];
      for (const f of this.flows) {
        const own = singleAddress(f.box.destinations);
        if (own === undefined || own === address) out.push(f);
      }
      return out;
    }
    if (address === undefined) {
      byPort.gather(buckets, out);
      return out;
    }
    let index = this.byAddress;
    if (!index) {
      index = this.byAddress = { spread: new ByPort(), single: new Map() };
      for (const f of this.flows) indexByAddress(index, f);
    }
    index.spread.gather(buckets, out);
    // A box for one address meets only the flows for that address among those for one.
    const mine = index.single.get(address);
    if (mine instanceof Set) for (const f of mine) out.push(f);
    else if (mine) out.push(mine);
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
  single: Map<bigint, F | Set<F>>;
}

function indexByAddress<F extends { box: Box }>(index: AddressIndex<F>, f: F): void {
  const address = singleAddress(f.box.destinations);
  if (address === undefined) return index.spread.add(f);
  // Mostly one flow per address: kept as itself, a set made only for a second.
  const there = index.single.get(address);
  if (there === undefined) index.single.set(address, f);
  else if (there instanceof Set) there.add(f);
  else if (there !== f) index.single.set(address, new Set([there, f]));
}

function unindexByAddress<F extends { box: Box }>(index: AddressIndex<F>, f: F): void {
  const address = singleAddress(f.box.destinations);
  if (address === undefined) return index.spread.delete(f);
  const there = index.single.get(address);
  if (there === f) index.single.delete(address);
  else if (there instanceof Set) there.delete(f);
}
