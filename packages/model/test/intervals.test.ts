import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IntervalSet, bigintDomain, formatPorts, numberDomain, parsePortList, portSet, ALL_PORTS } from '@portcullis/model';

describe('port sets', () => {
  it.each([
    ['22', '22'],
    ['80,443', '80,443'],
    ['3380:3390', '3380-3390'],
    ['1-5,3-9,10', '1-10'],
    ['0-65535', 'all'],
  ])('parses %s', (text, shown) => {
    expect(formatPorts(parsePortList(text)!)).toBe(shown);
  });

  it.each(['', 'ssh', '70000', '9-1', '1,,2'])('rejects %j', (text) => {
    expect(parsePortList(text)).toBeUndefined();
  });

  it('set operations', () => {
    const a = portSet([[1, 100]]);
    const b = portSet([[50, 60], [90, 200]]);
    expect(formatPorts(a.intersect(b))).toBe('50-60,90-100');
    expect(formatPorts(a.subtract(b))).toBe('1-49,61-89');
    expect(formatPorts(a.union(b))).toBe('1-200');
    expect(formatPorts(ALL_PORTS.subtract(portSet([[22, 22]])).complement())).toBe('22');
    expect(a.size()).toBe(100n);
    expect(b.has(95)).toBe(true);
    expect(b.has(70)).toBe(false);
    expect(a.covers(portSet([[10, 20]]))).toBe(true);
    expect(a.covers(b)).toBe(false);
  });
});

describe('interval set operations agree with plain sets of members', () => {
  // Small domains, so every member can be listed; sizes from empty to many ranges, so both the
  // merging and the binary-searching paths of each operation are taken.
  const SIZE = 200;
  const domainN = numberDomain(0, SIZE - 1);
  const domainB = bigintDomain(1000n, 1000n + BigInt(SIZE - 1));
  const members = fc.uniqueArray(fc.integer({ min: 0, max: SIZE - 1 }), { maxLength: SIZE });
  const toN = (xs: number[]): IntervalSet<number> => IntervalSet.of(domainN, xs.map((x) => [x, x] as const));
  const toB = (xs: number[]): IntervalSet<bigint> => IntervalSet.of(domainB, xs.map((x) => [1000n + BigInt(x), 1000n + BigInt(x)] as const));
  const listN = (s: IntervalSet<number>): number[] => [...s.ranges()].flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
  const listB = (s: IntervalSet<bigint>): number[] => listN(IntervalSet.of(domainN, [...s.ranges()].map(([lo, hi]) => [Number(lo - 1000n), Number(hi - 1000n)] as const)));
  const sorted = (xs: Iterable<number>): number[] => [...xs].sort((a, b) => a - b);
  const wellFormed = <T extends number | bigint>(s: IntervalSet<T>): boolean =>
    s.bounds.every((v, i) => (i % 2 === 1 ? v >= s.bounds[i - 1]! : i === 0 || v > s.bounds[i - 1]!));

  it('intersect, subtract, union, intersects, intersectionSize, covers (numbers and bigints)', () => {
    fc.assert(
      fc.property(members, members, (xs, ys) => {
        const X = new Set(xs);
        const Y = new Set(ys);
        const inter = sorted(xs.filter((x) => Y.has(x)));
        const diff = sorted(xs.filter((x) => !Y.has(x)));
        const union = sorted(new Set([...xs, ...ys]));
        for (const [to, list] of [[toN, listN], [toB, listB]] as const) {
          const a = (to as (v: number[]) => IntervalSet<number | bigint>)(xs);
          const b = (to as (v: number[]) => IntervalSet<number | bigint>)(ys);
          const l = list as (s: IntervalSet<number | bigint>) => number[];
          for (const s of [a.intersect(b), a.subtract(b), a.union(b)]) expect(wellFormed(s)).toBe(true);
          expect(l(a.intersect(b))).toEqual(inter);
          expect(l(b.intersect(a))).toEqual(inter);
          expect(l(a.subtract(b))).toEqual(diff);
          expect(l(a.union(b))).toEqual(union);
          expect(a.intersects(b)).toBe(inter.length > 0);
          expect(a.intersectionSize(b)).toBe(BigInt(inter.length));
          expect(b.intersectionSize(a)).toBe(BigInt(inter.length));
          expect(a.covers(b)).toBe([...Y].every((y) => X.has(y)));
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('subtractOwned takes the same members out as subtract, over a series of cuts, without touching other sets', () => {
    const cuts = fc.array(members, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(members, cuts, (xs, series) => {
        const left = new Set(xs);
        // The owned set is one the caller made and holds alone; `original` is another holder's.
        const original = toB(xs);
        let owned = toB(xs);
        let copied = original;
        for (const ys of series) {
          for (const y of ys) left.delete(y);
          const cut = toB(ys);
          copied = copied.subtract(cut);
          owned = IntervalSet.subtractOwned(owned, cut);
          expect(wellFormed(owned)).toBe(true);
          expect(owned.isFull).toBe(left.size === SIZE);
          expect(listB(owned)).toEqual(sorted(left));
          expect(owned.bounds).toEqual(copied.bounds);
        }
        expect(listB(original)).toEqual(sorted(xs));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('unionOwned adds the same members as union, over a series of additions, without touching other sets', () => {
    // Small additions (a network at a time) and large ones, at the domain's ends too, where a range
    // next to `other`'s first or last member joins it.
    const additions = fc.array(fc.oneof(members, fc.uniqueArray(fc.constantFrom(0, 1, SIZE - 2, SIZE - 1), { maxLength: 4 })), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(members, additions, (xs, series) => {
        const all = new Set(xs);
        const original = toN(xs);
        let owned = IntervalSet.unionOwned(IntervalSet.empty(domainN), original);
        let copied = original;
        for (const ys of series) {
          for (const y of ys) all.add(y);
          const more = toN(ys);
          copied = copied.union(more);
          owned = IntervalSet.unionOwned(owned, more);
          expect(wellFormed(owned)).toBe(true);
          expect(owned.isFull).toBe(all.size === SIZE);
          expect(listN(owned)).toEqual(sorted(all));
          expect(owned.bounds).toEqual(copied.bounds);
        }
        expect(listN(original)).toEqual(sorted(xs));
      }),
      { numRuns: 2000, seed: 13 },
    );
  });

  it('unionAll of many sets is the union of their members, and the set itself when it is the only non-empty one', () => {
    fc.assert(
      fc.property(fc.array(members, { maxLength: 12 }), (lists) => {
        const all = sorted(new Set(lists.flat()));
        for (const [to, list, domain] of [[toN, listN, domainN], [toB, listB, domainB]] as const) {
          const sets = lists.map((xs) => (to as (v: number[]) => IntervalSet<number | bigint>)(xs));
          const u = IntervalSet.unionAll(domain as typeof domainN, sets as IntervalSet<number>[]);
          expect(wellFormed(u)).toBe(true);
          expect((list as (s: IntervalSet<number | bigint>) => number[])(u)).toEqual(all);
          expect(u.isFull).toBe(all.length === SIZE);
          const nonEmpty = sets.filter((set) => !set.isEmpty);
          if (nonEmpty.length === 1) expect(u).toBe(nonEmpty[0]);
        }
      }),
      { numRuns: 2000, seed: 17 },
    );
  });

  it('subtractOwned of a cut that leaves many pieces (more than it splices in place) gives the same set as subtract', () => {
    const odds = Array.from({ length: SIZE / 2 }, (_, i) => i * 2 + 1);
    const evens = odds.map((x) => x - 1);
    const owned = IntervalSet.of(domainN, [[0, SIZE - 1]]);
    expect(listN(IntervalSet.subtractOwned(owned, toN(evens)))).toEqual(odds);
  });
});
