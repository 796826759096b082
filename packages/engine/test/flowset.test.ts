import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PORTS, ALL_PROTOCOLS, AddressSet, IntervalSet, addresses, numberDomain, portSet } from '@portcullis/model';
import { boxesIntersect, type Box } from '@portcullis/engine';
import { FlowSet } from '../src/flowset.js';

const everyone = AddressSet.all().intervals;
/** Destinations: every address, one of a few single addresses (what the set indexes by address), or a few of them. */
const DESTINATIONS = [everyone, ...['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.0/30', '192.0.2.2/31'].map((a) => addresses(a).intervals)];
/**
 * Interface sets over 24 atoms: every interface, one, two that overlap, two apart, "not the first",
 * and sets of many single atoms (what is left after rules for many interfaces, which the set keeps
 * in one group); each made anew per box as well as shared, since flows are grouped by what their
 * sets hold.
 */
const ATOMS = numberDomain(0, 23);
const singles = (from: number): [number, number][] => Array.from({ length: 10 }, (_, k): [number, number] => [from + 2 * k, from + 2 * k]);
const INTERFACES: (readonly (readonly [number, number])[])[] = [[[0, 23]], [[1, 1]], [[2, 2]], [[1, 2]], [[3, 23]], [[1, 23]], [[0, 0]], singles(1), singles(2), singles(3)];
const SHARED_INTERFACES = INTERFACES.map((r) => IntervalSet.of(ATOMS, r));
const interfaces = (k: number): IntervalSet<number> => (k < INTERFACES.length ? SHARED_INTERFACES[k]! : IntervalSet.of(ATOMS, INTERFACES[k - INTERFACES.length]!));
const box = ([ports, destination, inside, outside]: Shape): Box => ({
  protocols: ALL_PROTOCOLS,
  ports: ports.length === 0 ? ALL_PORTS : portSet(ports),
  sources: everyone,
  destinations: DESTINATIONS[destination]!,
  inInterfaces: interfaces(inside),
  outInterfaces: interfaces(outside),
});

const range = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 300 })).map(([lo, w]): [number, number] => [lo, lo + w]);
type Shape = [[number, number][], number, number, number];
// Mostly every interface (as most flows are), else any of the sets, shared or made anew.
const anInterfaceSet = fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 2 * INTERFACES.length - 1 }), weight: 3 });
const ports = fc.tuple(fc.array(range, { maxLength: 3 }), fc.integer({ min: 0, max: DESTINATIONS.length - 1 }), anInterfaceSet, anInterfaceSet);
// Adds outweigh deletes, so that the set often grows past its small list and builds its indexes.
const op = fc.oneof(
  { arbitrary: ports.map((p) => ({ kind: 'add' as const, p })), weight: 3 },
  { arbitrary: fc.nat().map((i) => ({ kind: 'delete' as const, i })), weight: 1 },
  { arbitrary: ports.map((p) => ({ kind: 'ask' as const, p })), weight: 2 },
);

describe('FlowSet', () => {
  it('keeps insertion order and offers every flow that meets a box, whether or not its index is built yet, by port, by destination address and by interfaces', () => {
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

describe('FlowSet groups', () => {
  it('offers every flow of the one group left once the others are gone (a rule for loopback took its traffic), and of each group while there are several', () => {
    const wide = (inside: number, port = 0): { box: Box } => ({ box: box([port === 0 ? [] : [[port, port]], 0, inside, 0]) });
    const everywhere = Array.from({ length: 12 }, (_, i) => wide(0, 100 + i));
    const one = Array.from({ length: 12 }, (_, i) => wide(1, 100 + i));
    const set = new FlowSet([...everywhere, ...one]);
    // Two groups: a box for another interface meets only the flows that may come in on it.
    expect(set.candidates(box([[], 0, 2, 0]))).toEqual(everywhere);
    expect(set.candidates(box([[], 0, 1, 0]))).toEqual([...everywhere, ...one]);
    for (const f of everywhere) set.delete(f);
    const later = Array.from({ length: 12 }, (_, i) => wide(1, 200 + i));
    for (const f of later) set.add(f);
    // One group again: a box for every port meets the same flows, in the order they came.
    expect(set.candidates(box([[], 0, 0, 0]))).toEqual([...one, ...later]);
    set.delete(one[0]!);
    expect(set.values()).toEqual([...one.slice(1), ...later]);
    expect(set.candidates(box([[], 0, 0, 0]))).toEqual([...one.slice(1), ...later]);
  });
});

describe('FlowSet by address', () => {
  it('answers a box for every port of one address from its index: the flows for thousands of other addresses are read once, not at every box', () => {
    // What a router's static NATs leave: a flow for each translated host, and what is left for the rest.
    let reads = 0;
    const counted = (b: Box): { readonly box: Box } => ({
      get box() {
        reads++;
        return b;
      },
    });
    const host = (k: number): Box => ({ ...box([[], 0, 0, 0]), destinations: addresses(`10.0.${k >> 8}.${k & 255}`).intervals });
    const hosts = Array.from({ length: 2000 }, (_, k) => counted(host(k)));
    const rest = counted(box([[[80, 80]], 0, 0, 0]));
    const set = new FlowSet([...hosts, rest]);
    const before = reads;
    for (let k = 0; k < 500; k++) {
      // A static NAT for every port of one host meets that host's flow and the flow for every address.
      expect(new Set(set.candidates(host(k)))).toEqual(new Set([rest, hosts[k]]));
    }
    // Indexing reads each flow a few times; walking the group at each box read it 500 times over.
    expect(reads - before).toBeLessThan(10 * hosts.length);
  });
});
