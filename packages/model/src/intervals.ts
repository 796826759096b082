/**
 * Sets of integers stored as sorted, disjoint, non-adjacent inclusive ranges. The same code serves
 * ports and protocol numbers (`number`) and IPv4/IPv6 addresses (`bigint`), so every set operation
 * is linear in the number of ranges and never enumerates members.
 */

export type Scalar = number | bigint;

export interface Domain<T extends Scalar> {
  readonly min: T;
  readonly max: T;
  succ(value: T): T;
  pred(value: T): T;
}

export const numberDomain = (min: number, max: number): Domain<number> => ({
  min,
  max,
  succ: (v) => v + 1,
  pred: (v) => v - 1,
});

export const bigintDomain = (min: bigint, max: bigint): Domain<bigint> => ({
  min,
  max,
  succ: (v) => v + 1n,
  pred: (v) => v - 1n,
});

/** How many ranges subtractOwned takes out one at a time; more are taken out in one copy. */
const OWNED_CUTS = 8;

/** An immutable set of integers as inclusive ranges `[lo0, hi0, lo1, hi1, …]`. */
export class IntervalSet<T extends Scalar> {
  /** Flat, sorted bounds. Invariant: lo ≤ hi, and each range starts more than one past the previous end. */
  readonly bounds: readonly T[];
  readonly domain: Domain<T>;
  /** The set is the whole domain (asked for at nearly every step of an analysis, so worked out once). */
  readonly isFull: boolean;

  constructor(domain: Domain<T>, bounds: readonly T[]) {
    this.domain = domain;
    this.bounds = bounds;
    this.isFull = bounds.length === 2 && bounds[0] === domain.min && bounds[1] === domain.max;
  }

  /**
   * A set from bounds built up by `push`. V8 gives such an array room for 17 elements at its first
   * push; a rule's one port or one address keeps two, so a small list is copied to its own size.
   */
  private static built<T extends Scalar>(domain: Domain<T>, out: T[]): IntervalSet<T> {
    return new IntervalSet(domain, out.length <= 8 ? out.slice() : out);
  }

  static empty<T extends Scalar>(domain: Domain<T>): IntervalSet<T> {
    return new IntervalSet(domain, []);
  }

  static full<T extends Scalar>(domain: Domain<T>): IntervalSet<T> {
    return new IntervalSet(domain, [domain.min, domain.max]);
  }

  /** Builds a set from ranges in any order, overlapping or not. */
  static of<T extends Scalar>(domain: Domain<T>, ranges: Iterable<readonly [T, T]>): IntervalSet<T> {
    if (Array.isArray(ranges) && ranges.length === 1) {
      // One range (a port, a CIDR block): nothing to sort or merge.
      const [a, b] = ranges[0] as readonly [T, T];
      const lo = a < domain.min ? domain.min : a;
      const hi = b > domain.max ? domain.max : b;
      return new IntervalSet(domain, lo <= hi ? [lo, hi] : []);
    }
    const list: [T, T][] = [];
    for (const [a, b] of ranges) {
      const lo = a < domain.min ? domain.min : a;
      const hi = b > domain.max ? domain.max : b;
      if (lo <= hi) list.push([lo, hi]);
    }
    list.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const out: T[] = [];
    for (const [lo, hi] of list) {
      const n = out.length;
      if (n > 0 && lo <= domain.succ(out[n - 1] as T)) {
        if (hi > (out[n - 1] as T)) out[n - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    return IntervalSet.built(domain, out);
  }

  get isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  /**
   * The union of many sets at once: their ranges sorted and merged in one pass. Adding thousands of
   * scattered ranges one `union` at a time copies the growing set at each step, which is quadratic
   * (an nftables set of 32,000 networks took a minute).
   */
  static unionAll<T extends Scalar>(domain: Domain<T>, sets: Iterable<IntervalSet<T>>): IntervalSet<T> {
    const ranges: [T, T][] = [];
    let last: IntervalSet<T> | undefined;
    let count = 0;
    for (const set of sets) {
      if (set.isEmpty) continue;
      if (set.isFull) return set;
      last = set;
      count++;
      const b = set.bounds;
      for (let i = 0; i < b.length; i += 2) ranges.push([b[i] as T, b[i + 1] as T]);
    }
    if (last === undefined) return IntervalSet.empty(domain);
    return count === 1 ? last : IntervalSet.of(domain, ranges);
  }

  get rangeCount(): number {
    return this.bounds.length / 2;
  }

  *ranges(): IterableIterator<[T, T]> {
    for (let i = 0; i < this.bounds.length; i += 2) yield [this.bounds[i] as T, this.bounds[i + 1] as T];
  }

  has(value: T): boolean {
    // Binary search over range starts.
    let lo = 0;
    let hi = this.bounds.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const start = this.bounds[mid * 2] as T;
      const end = this.bounds[mid * 2 + 1] as T;
      if (value < start) hi = mid - 1;
      else if (value > end) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: IntervalSet<T>): IntervalSet<T> {
    if (other.isEmpty || this.isFull) return this;
    if (this.isEmpty || other.isFull) return other;
    const a = this.bounds;
    const b = other.bounds;
    const out: T[] = [];
    let i = 0;
    let j = 0;
    const push = (lo: T, hi: T): void => {
      const n = out.length;
      if (n > 0 && lo <= this.domain.succ(out[n - 1] as T)) {
        if (hi > (out[n - 1] as T)) out[n - 1] = hi;
      } else out.push(lo, hi);
    };
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && (a[i] as T) <= (b[j] as T))) {
        push(a[i] as T, a[i + 1] as T);
        i += 2;
      } else {
        push(b[j] as T, b[j + 1] as T);
        j += 2;
      }
    }
    return IntervalSet.built(this.domain, out);
  }

  intersect(other: IntervalSet<T>): IntervalSet<T> {
    if (this === other) return this;
    if (this.isEmpty || other.isFull) return this;
    if (other.isEmpty || this.isFull) return other;
    // A few ranges against many (one address against a long list): look up only where they fall.
    if (other.bounds.length < this.bounds.length) return intersectInto(this, other);
    return intersectInto(other, this);
  }

  complement(): IntervalSet<T> {
    const d = this.domain;
    const out: T[] = [];
    let next: T | undefined = d.min;
    for (let i = 0; i < this.bounds.length; i += 2) {
      const lo = this.bounds[i] as T;
      const hi = this.bounds[i + 1] as T;
      if (next !== undefined && lo > next) out.push(next, d.pred(lo));
      next = hi < d.max ? d.succ(hi) : undefined;
    }
    if (next !== undefined) out.push(next, d.max);
    return IntervalSet.built(d, out);
  }

  /**
   * This set without `other`'s members. Only the ranges between `other`'s first and last member
   * are looked at; those before and after are copied as they are, so taking one address out of a
   * list of thousands costs a copy, not a walk.
   */
  subtract(other: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty || other.isEmpty) return this;
    if (this === other) return new IntervalSet(this.domain, []);
    const cut = this.cut(other);
    if (!cut) return this;
    const { first, end, mid } = cut;
    const a = this.bounds;
    const d = this.domain;
    if (first === 0 && end === a.length) return IntervalSet.built(d, mid);
    // The bounds before and after are copied once, into an array of the result's own size.
    const out = new Array<T>(first + mid.length + (a.length - end));
    for (let i = 0; i < first; i++) out[i] = a[i] as T;
    for (let i = 0; i < mid.length; i++) out[first + i] = mid[i]!;
    for (let i = end, o = first + mid.length; i < a.length; i++, o++) out[o] = a[i] as T;
    return new IntervalSet(d, out);
  }

  /**
   * `set` without `other`'s members, made by changing `set`'s own bounds in place instead of
   * copying them: taking one address after another out of a list of thousands (a chain of
   * per-service rules) costs a move of part of the list each time instead of a new list. Only for a
   * caller that made `set` itself (a result of `subtract` that changed something) and is the only
   * holder of it: `set` is not to be used again, the result replaces it.
   */
  static subtractOwned<T extends Scalar>(set: IntervalSet<T>, other: IntervalSet<T>): IntervalSet<T> {
    if (set.isEmpty || other.isEmpty) return set;
    const b = other.bounds;
    if (b.length > 2 && b.length <= 2 * OWNED_CUTS) {
      // A few ranges far apart (`--dports 1013,16043`): each changes only the ranges it meets, where
      // one cut of them all would rewrite every range between the first and the last.
      let out = set;
      for (let k = 0; k < b.length; k += 2) out = IntervalSet.subtractOwned(out, new IntervalSet(set.domain, [b[k] as T, b[k + 1] as T]));
      return out;
    }
    const cut = set.cut(other);
    if (!cut) return set;
    // Spreading a long list into splice's arguments could overflow the stack: copy instead.
    if (cut.mid.length > 64) return set.subtract(other);
    const bounds = set.bounds as T[];
    bounds.splice(cut.first, cut.end - cut.first, ...cut.mid);
    return new IntervalSet(set.domain, bounds);
  }

  /**
   * `set` with `other`'s members added, made by changing `set`'s own bounds in place: adding one
   * network after another to a list of thousands (the sources a long blocklist has taken so far)
   * costs a move of part of the list each time instead of a new list. The same terms as
   * subtractOwned: only for the sole holder of a set it made itself, which uses the result instead.
   */
  static unionOwned<T extends Scalar>(set: IntervalSet<T>, other: IntervalSet<T>): IntervalSet<T> {
    if (other.isEmpty) return set;
    if (set.isEmpty) return new IntervalSet(set.domain, other.bounds.slice());
    const d = set.domain;
    const b = other.bounds;
    const lo = b[0] as T;
    const hi = b[b.length - 1] as T;
    // The ranges of `set` that `other` may meet or touch: those from the one ending next to its
    // first member to the one starting next to its last.
    const first = set.rangeEndingAtOrAfter(lo > d.min ? d.pred(lo) : lo);
    const end = set.rangeStartingAfter(hi < d.max ? d.succ(hi) : hi);
    const merged = new IntervalSet(d, set.bounds.slice(first, end)).union(other).bounds;
    // Spreading a long list into splice's arguments could overflow the stack: copy instead.
    if (merged.length > 64) return set.union(other);
    const bounds = set.bounds as T[];
    bounds.splice(first, end - first, ...merged);
    return new IntervalSet(d, bounds);
  }

  /**
   * What taking `other` out of this set changes: the bounds from `first` up to `end` become `mid`
   * (the ranges before `first` and from `end` on stay as they are). Undefined when nothing changes.
   */
  private cut(other: IntervalSet<T>): { first: number; end: number; mid: T[] } | undefined {
    const a = this.bounds;
    const b = other.bounds;
    const d = this.domain;
    const first = this.rangeEndingAtOrAfter(b[0] as T);
    const end = this.rangeStartingAfter(b[b.length - 1] as T);
    if (first >= end) return undefined;
    const mid: T[] = [];
    let j = 0;
    let changed = false;
    for (let i = first; i < end; i += 2) {
      const hi = a[i + 1] as T;
      let cur: T | undefined = a[i] as T;
      // Skip (by binary search: `other` may be the long one) its ranges that end before this one starts.
      if (j < b.length && (b[j + 1] as T) < cur) j = other.rangeEndingAtOrAfter(cur);
      for (let k = j; k < b.length && (b[k] as T) <= hi; k += 2) {
        changed = true;
        if ((b[k] as T) > cur) mid.push(cur, d.pred(b[k] as T));
        if ((b[k + 1] as T) >= hi) {
          cur = undefined;
          break;
        }
        cur = d.succ(b[k + 1] as T);
      }
      if (cur !== undefined) mid.push(cur, hi);
    }
    return changed ? { first, end, mid } : undefined;
  }

  intersects(other: IntervalSet<T>): boolean {
    if (this.isEmpty || other.isEmpty) return false;
    if (this === other || this.isFull || other.isFull) return true;
    const swap = other.bounds.length > this.bounds.length;
    const big = swap ? other : this;
    const a = big.bounds;
    const b = swap ? this.bounds : other.bounds;
    for (let j = 0; j < b.length; j += 2) {
      const i = big.rangeEndingAtOrAfter(b[j] as T);
      if (i < a.length && (a[i] as T) <= (b[j + 1] as T)) return true;
    }
    return false;
  }

  /** The bound index of the first range whose end is at or after `value` (length when none). */
  private rangeEndingAtOrAfter(value: T): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((b[mid * 2 + 1] as T) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo * 2;
  }

  /** The bound index of the first range that starts after `value` (length when none). */
  private rangeStartingAfter(value: T): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((b[mid * 2] as T) <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo * 2;
  }

  /** See built; for the module's own helpers. */
  static fromBuilt<T extends Scalar>(domain: Domain<T>, out: T[]): IntervalSet<T> {
    return IntervalSet.built(domain, out);
  }

  /** See rangeEndingAtOrAfter; for the module's own helpers. */
  static firstEndingAtOrAfter<T extends Scalar>(set: IntervalSet<T>, value: T): number {
    return set.rangeEndingAtOrAfter(value);
  }

  /** True when every member of `other` is in this set. */
  covers(other: IntervalSet<T>): boolean {
    if (other.isEmpty || this.isFull || this === other) return true;
    // Cheap refusals first: nothing covers members before its first one or after its last one.
    const a = this.bounds;
    const b = other.bounds;
    if (a.length === 0 || (b[0] as T) < (a[0] as T) || (b[b.length - 1] as T) > (a[a.length - 1] as T)) return false;
    // Each of `other`'s ranges lies inside one of ours (ours are not adjacent, so it cannot span two):
    // looked up by binary search, without building the difference. An analysis asks this of every
    // piece of traffic at every rule.
    for (let j = 0; j < b.length; j += 2) {
      const i = this.rangeEndingAtOrAfter(b[j] as T);
      if (i >= a.length || (a[i] as T) > (b[j] as T) || (a[i + 1] as T) < (b[j + 1] as T)) return false;
    }
    return true;
  }

  equals(other: IntervalSet<T>): boolean {
    if (this.bounds.length !== other.bounds.length) return false;
    for (let i = 0; i < this.bounds.length; i++) if (this.bounds[i] !== other.bounds[i]) return false;
    return true;
  }

  /** Number of members, as a bigint so that address sets do not overflow. */
  size(): bigint {
    let n = 0n;
    for (let i = 0; i < this.bounds.length; i += 2) {
      n += BigInt(this.bounds[i + 1] as T) - BigInt(this.bounds[i] as T) + 1n;
    }
    return n;
  }

  /** The size of the intersection with `other`, without making it: a walk over `other`'s ranges in this set. */
  intersectionSize(other: IntervalSet<T>): bigint {
    return other.bounds.length <= this.bounds.length ? overlaps(this, other) : overlaps(other, this);
  }

  /** A stable string key, for grouping equal sets. */
  key(): string {
    return this.bounds.join(',');
  }
}

/**
 * `big ∩ small`: for each range of the smaller set, the ranges of the larger one it meets, found by
 * binary search. Linear in the smaller set's ranges and the output, logarithmic in the larger set.
 */
function intersectInto<T extends Scalar>(big: IntervalSet<T>, small: IntervalSet<T>): IntervalSet<T> {
  const a = big.bounds;
  const b = small.bounds;
  // The small set inside the large one (an address in "everything but a few holes"): the small set
  // is the answer, found without building it again.
  if (big.covers(small)) return small;
  // The large set inside one range of the small one (everything but a long list of holes, met with
  // every address of its family): the large set is the answer, found without walking its ranges.
  const k = IntervalSet.firstEndingAtOrAfter(small, a[0] as T);
  if (k < b.length && (b[k] as T) <= (a[0] as T) && (a[a.length - 1] as T) <= (b[k + 1] as T)) return big;
  const out: T[] = [];
  overlaps(big, small, out);
  // The same set back keeps identity checks (and memory) cheap.
  if (out.length === a.length && sameBounds(out, a)) return big;
  if (out.length === b.length && sameBounds(out, b)) return small;
  return IntervalSet.fromBuilt(big.domain, out);
}

/**
 * The ranges of `big` that each range of `small` meets, cut to it, found by binary search: pushed onto
 * `out` in order, or, without `out`, only their sizes added up.
 */
function overlaps<T extends Scalar>(big: IntervalSet<T>, small: IntervalSet<T>, out?: T[]): bigint {
  const a = big.bounds;
  const b = small.bounds;
  let n = 0n;
  for (let j = 0; j < b.length; j += 2) {
    const lo = b[j] as T;
    const hi = b[j + 1] as T;
    for (let i = IntervalSet.firstEndingAtOrAfter(big, lo); i < a.length && (a[i] as T) <= hi; i += 2) {
      const s = (a[i] as T) > lo ? (a[i] as T) : lo;
      const e = (a[i + 1] as T) < hi ? (a[i + 1] as T) : hi;
      if (out) out.push(s, e);
      else n += BigInt(e) - BigInt(s) + 1n;
    }
  }
  return n;
}

function sameBounds<T extends Scalar>(x: readonly T[], y: readonly T[]): boolean {
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  return true;
}
