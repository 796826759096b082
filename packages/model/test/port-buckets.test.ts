import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_BUCKETS, PortBuckets, portSet } from '@portcullis/model';

describe('PortBuckets', () => {
  // Port sets from a single port to nearly all of them, far apart or close: what `near` offers must
  // hold every item whose ports meet the asked ones, each list in the order the items were added.
  const width = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 5000 }));
  const portRange = fc.tuple(fc.integer({ min: 0, max: 65535 }), width).map(([lo, w]): [number, number] => [lo, Math.min(65535, lo + w)]);
  const spread = fc.array(portRange, { minLength: 1, maxLength: 30 });

  it('offers every item that meets the ports, in order, whether the asker walks the lists or gathers them', () => {
    fc.assert(
      fc.property(fc.array(fc.array(portRange, { minLength: 1, maxLength: 3 }), { maxLength: 40 }), spread, (items, asked) => {
        const buckets = new PortBuckets<number>();
        const sets = items.map((p) => portSet(p));
        sets.forEach((s, i) => buckets.add(i, s));
        const want = portSet(asked);
        const meeting = sets.flatMap((s, i) => (s.intersects(want) ? [i] : []));
        for (const max of [undefined, ALL_BUCKETS]) {
          const lists = buckets.near(want, max);
          if (!lists) {
            expect(max).toBeUndefined();
            continue;
          }
          for (const list of lists) expect(list).toEqual([...list].sort((a, b) => a - b));
          const offered = new Set(lists.flat());
          expect(meeting.filter((i) => !offered.has(i))).toEqual([]);
        }
        // Asked for every bucket, it never says "too wide".
        expect(buckets.near(want, ALL_BUCKETS)).toBeDefined();
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});
