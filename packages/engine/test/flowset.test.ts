import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PORTS, ALL_PROTOCOLS, AddressSet, portSet } from '@portcullis/model';
import { boxesIntersect, type Box } from '@portcullis/engine';
import { ALL_BUCKETS, FlowSet, PortBuckets } from '../src/flowset.js';

const everyone = AddressSet.all().intervals;
const box = (ports: [number, number][]): Box => ({
  protocols: ALL_PROTOCOLS,
  ports: ports.length === 0 ? ALL_PORTS : portSet(ports),
  sources: everyone,
  destinations: everyone,
  inInterfaces: ALL_PORTS,
  outInterfaces: ALL_PORTS,
});

const range = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 300 })).map(([lo, w]): [number, number] => [lo, lo + w]);
const ports = fc.array(range, { maxLength: 3 });
const op = fc.oneof(
  ports.map((p) => ({ kind: 'add' as const, p })),
  fc.nat().map((i) => ({ kind: 'delete' as const, i })),
  ports.map((p) => ({ kind: 'ask' as const, p })),
);

describe('FlowSet', () => {
  it('keeps insertion order and offers every flow that meets a box, whether or not its index is built yet', () => {
    fc.assert(
      fc.property(fc.array(ports, { maxLength: 2 }), fc.array(op, { maxLength: 40 }), (initial, ops) => {
        const flows = initial.map((p) => ({ box: box(p) }));
        const set = new FlowSet(flows);
        const present = [...flows];
        // Lists handed out are only read by the asker: later changes to the set must not change them.
        const handed: { list: readonly { box: Box }[]; copy: { box: Box }[] }[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            const f = { box: box(o.p) };
            set.add(f);
            present.push(f);
          } else if (o.kind === 'delete') {
            if (present.length === 0) continue;
            const [f] = present.splice(o.i % present.length, 1);
            set.delete(f!);
          } else {
            const asked = box(o.p);
            const offered = set.candidates(asked);
            handed.push({ list: offered, copy: [...offered] });
            expect(new Set(offered).size).toBe(offered.length);
            for (const f of present) if (boxesIntersect(f.box, asked)) expect(offered).toContain(f);
            for (const f of offered) expect(present).toContain(f);
          }
          expect(set.values()).toEqual(present);
          expect(set.size).toBe(present.length);
        }
        for (const h of handed) expect(h.list).toEqual(h.copy);
      }),
      { numRuns: 500 },
    );
  });
});

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
