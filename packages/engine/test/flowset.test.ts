import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PORTS, ALL_PROTOCOLS, AddressSet, addresses, portSet } from '@portcullis/model';
import { boxesIntersect, type Box } from '@portcullis/engine';
import { FlowSet } from '../src/flowset.js';

const everyone = AddressSet.all().intervals;
/** Destinations: every address, one of a few single addresses (what the set indexes by address), or a few of them. */
const DESTINATIONS = [everyone, ...['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.0/30', '192.0.2.2/31'].map((a) => addresses(a).intervals)];
const box = ([ports, destination]: Shape): Box => ({
  protocols: ALL_PROTOCOLS,
  ports: ports.length === 0 ? ALL_PORTS : portSet(ports),
  sources: everyone,
  destinations: DESTINATIONS[destination]!,
  inInterfaces: ALL_PORTS,
  outInterfaces: ALL_PORTS,
});

const range = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 300 })).map(([lo, w]): [number, number] => [lo, lo + w]);
type Shape = [[number, number][], number];
const ports = fc.tuple(fc.array(range, { maxLength: 3 }), fc.integer({ min: 0, max: DESTINATIONS.length - 1 }));
// Adds outweigh deletes, so that the set often grows past its small list and builds its indexes.
const op = fc.oneof(
  { arbitrary: ports.map((p) => ({ kind: 'add' as const, p })), weight: 3 },
  { arbitrary: fc.nat().map((i) => ({ kind: 'delete' as const, i })), weight: 1 },
  { arbitrary: ports.map((p) => ({ kind: 'ask' as const, p })), weight: 2 },
);

describe('FlowSet', () => {
  it('keeps insertion order and offers every flow that meets a box, whether or not its index is built yet, by port and by destination address', () => {
    fc.assert(
      fc.property(fc.array(ports, { maxLength: 2 }), fc.array(op, { minLength: 10, maxLength: 60 }), (initial, ops) => {
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
