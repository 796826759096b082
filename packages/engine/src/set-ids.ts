import type { IntervalSet, Scalar } from '@portcullis/model';

/**
 * A number for each distinct set, equal sets getting equal numbers, whichever objects hold them: a
 * key for merging and caching that does not spell out every bound (after a long blocklist a source
 * set has ten thousand holes, and its bounds as text are hundreds of KB).
 */
export class SetIds<T extends Scalar> {
  private readonly byObject = new Map<IntervalSet<T>, number>();
  private readonly byHash = new Map<number, { set: IntervalSet<T>; id: number }[]>();
  private count = 0;

  of(set: IntervalSet<T>): number {
    const seen = this.byObject.get(set);
    if (seen !== undefined) return seen;
    let h = set.bounds.length;
    for (const b of set.bounds as readonly Scalar[]) h = (Math.imul(h, 31) + (typeof b === 'bigint' ? Number(b % 1000000007n) : b)) | 0;
    let list = this.byHash.get(h);
    if (!list) this.byHash.set(h, (list = []));
    let entry = list.find((x) => x.set.equals(set));
    if (!entry) list.push((entry = { set, id: this.count++ }));
    this.byObject.set(set, entry.id);
    return entry.id;
  }
}
