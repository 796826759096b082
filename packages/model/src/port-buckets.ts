import type { IntervalSet } from './intervals.js';

/*
 * Things indexed by the destination ports they touch, in buckets of 64 ports: the engine's flows,
 * exposures and hiding rules, and a reader's earlier rules (pfSense port forwards), so that a question
 * about a few ports looks only at the things near them.
 */

/** Ports per bucket, and how many buckets a set may span before it counts as wide. */
const BUCKET_BITS = 6;
const MAX_BUCKETS = 16;
/** Every bucket: for `near` when the caller gathers what it finds into one list. */
export const ALL_BUCKETS = 65536 >> BUCKET_BITS;

/** The port buckets a set touches, in order; undefined when it spans more than `max` (a wide set). */
export function portBucketsOf(ports: IntervalSet<number>, max = MAX_BUCKETS): number[] | undefined {
  const out: number[] = [];
  const bounds = ports.bounds;
  for (let i = 0; i < bounds.length; i += 2) {
    for (let b = bounds[i]! >> BUCKET_BITS; b <= bounds[i + 1]! >> BUCKET_BITS; b++) {
      if (out[out.length - 1] !== b) out.push(b);
      if (out.length > max) return undefined;
    }
  }
  return out;
}

/**
 * Lists of things by the port buckets they touch, each list in the order things were added, and
 * those whose ports are too wide for buckets on a list of their own.
 */
export class PortBuckets<T> {
  readonly wide: T[] = [];
  private readonly lists = new Map<number, T[]>();

  add(item: T, ports: IntervalSet<number>): void {
    const buckets = portBucketsOf(ports);
    if (!buckets) {
      this.wide.push(item);
      return;
    }
    for (const b of buckets) {
      const list = this.lists.get(b);
      if (list) list.push(item);
      else this.lists.set(b, [item]);
    }
  }

  /**
   * The lists that may hold things meeting `ports` (the wide one first); undefined when `ports`
   * spans more than `max` buckets. A caller that gathers the lists into one may ask for many (a
   * rule about the ephemeral range, or about a dozen database ports far apart, still meets far
   * fewer things than all of them); one that walks them side by side keeps the default.
   */
  near(ports: IntervalSet<number>, max = MAX_BUCKETS): T[][] | undefined {
    const buckets = portBucketsOf(ports, max);
    if (!buckets) return undefined;
    const out: T[][] = [this.wide];
    for (const b of buckets) {
      const list = this.lists.get(b);
      if (list) out.push(list);
    }
    return out;
  }
}

