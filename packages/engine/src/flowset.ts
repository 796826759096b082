import { portBucketsOf } from '@portcullis/model';
import type { Box } from './headerspace.js';

/** How many flows a FlowSet holds as a plain list, before it makes a set of them and an index. */
const SMALL = 8;
const NO_FLOWS: readonly never[] = Object.freeze([]);

/** Stand-ins for an index not made yet: never added to (index() replaces them first). */
const EMPTY_BUCKETS: ReadonlyMap<number, Set<unknown>> = new Map();
const EMPTY_WIDE: ReadonlySet<unknown> = new Set();

/**
 * The packets still undecided at some point of a ruleset: boxes (with whatever each carries), indexed
 * by destination port so that a rule for one port looks only at the boxes near that port, not at
 * every box the rules above it have carved out. Iteration follows insertion order, so results are
 * deterministic.
 */
export class FlowSet<F extends { box: Box }> {
  /**
   * Most rulesets are entered with one piece of traffic (a service's chain, an endpoint's), or one
   * per address family, and with a few flows every flow is a candidate: until there are more than
   * SMALL the set is a list of them, with neither a set of flows nor an index. The list is never
   * changed, only replaced, so candidates() hands it out as it is. The index is built from the flows
   * present when one more arrives, in their order; each bucket keeps the order in which its flows
   * were last added, as the set of all flows does, so it is the index that adding and deleting them
   * one by one would have made.
   */
  private small: readonly F[] = NO_FLOWS as readonly F[];
  /** Every flow in insertion order, made with the first past SMALL (and the index with it). */
  private flows: Set<F> | undefined;
  private buckets: Map<number, Set<F>> = EMPTY_BUCKETS as Map<number, Set<F>>;
  private wide: Set<F> = EMPTY_WIDE as Set<F>;

  constructor(initial: Iterable<F> = []) {
    for (const f of initial) this.add(f);
  }

  get size(): number {
    return this.flows ? this.flows.size : this.small.length;
  }

  add(f: F): void {
    if (this.flows) {
      this.flows.add(f);
      return this.index(f);
    }
    if (this.small.includes(f)) return;
    if (this.small.length < SMALL) {
      this.small = [...this.small, f];
      return;
    }
    this.flows = new Set([...this.small, f]);
    this.small = NO_FLOWS as readonly F[];
    for (const g of this.flows) this.index(g);
  }

  delete(f: F): void {
    if (this.flows) {
      if (this.flows.delete(f)) this.unindex(f);
    } else if (this.small.includes(f)) {
      this.small = this.small.filter((g) => g !== f);
    }
  }

  private index(f: F): void {
    if (this.wide === EMPTY_WIDE) {
      this.wide = new Set();
      this.buckets = new Map();
    }
    const buckets = portBucketsOf(f.box.ports);
    if (!buckets) {
      this.wide.add(f);
      return;
    }
    for (const b of buckets) {
      let set = this.buckets.get(b);
      if (!set) {
        set = new Set();
        this.buckets.set(b, set);
      }
      set.add(f);
    }
  }

  private unindex(f: F): void {
    if (this.wide.delete(f)) return;
    for (const b of portBucketsOf(f.box.ports) ?? []) this.buckets.get(b)?.delete(f);
  }

  /**
   * The flows that may meet `box` (a superset of those that do), in a list the caller only reads:
   * before the index is made it is every flow, the same list while nothing changes (a chain of
   * rules that each let the one flow through asks again and again).
   */
  candidates(box: Box): readonly F[] {
    if (!this.flows) return this.small;
    const buckets = portBucketsOf(box.ports);
    if (!buckets || buckets.length * 4 > this.buckets.size) return [...this.flows];
    const seen = new Set<F>(this.wide);
    for (const b of buckets) for (const f of this.buckets.get(b) ?? []) seen.add(f);
    return [...seen];
  }

  values(): F[] {
    if (!this.flows) return [...this.small];
    return [...this.flows];
  }
}
