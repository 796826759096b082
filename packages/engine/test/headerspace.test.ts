import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PORTS, ALL_PROTOCOLS, AddressSet, IntervalSet, NO_PORTS, numberDomain, portSet, protocolSet } from '@portcullis/model';
import { cutBox, intersectBox, subtractBox, type Box, type Owned } from '@portcullis/engine';

// Boxes whose every dimension holds some of the values 0–3 (the rest of each domain is left out, or
// taken whole), checked against membership of every point of that small grid: `a − b` must be the
// points of `a` outside `b`, each in exactly one piece, whichever dimensions `b` covers.
const VALUES = [0, 1, 2, 3];
const INTERFACES = numberDomain(0, 7);

type Choice = number[] | 'all';
const choice = fc.oneof(fc.constant<Choice>('all'), fc.subarray(VALUES));

function boxOf(c: Choice[]): Box {
  const nums = (x: Choice, all: () => IntervalSet<number>, of: (v: number[]) => IntervalSet<number>): IntervalSet<number> => (x === 'all' ? all() : of(x));
  const addrs = (x: Choice): IntervalSet<bigint> =>
    (x === 'all' ? AddressSet.all() : AddressSet.ranges(x.map((v) => [BigInt(v), BigInt(v)] as const))).intervals;
  const iface = (v: number[]): IntervalSet<number> => IntervalSet.of(INTERFACES, v.map((n) => [n, n] as const));
  return {
    protocols: nums(c[0]!, () => ALL_PROTOCOLS, (v) => (v.length ? protocolSet(v) : IntervalSet.empty(ALL_PROTOCOLS.domain))),
    ports: nums(c[1]!, () => ALL_PORTS, (v) => (v.length ? portSet(v.map((p) => [p, p] as [number, number])) : NO_PORTS)),
    sources: addrs(c[2]!),
    destinations: addrs(c[3]!),
    inInterfaces: nums(c[4]!, () => IntervalSet.full(INTERFACES), iface),
    outInterfaces: nums(c[5]!, () => IntervalSet.full(INTERFACES), iface),
  };
}

function has(box: Box, p: number[]): boolean {
  return (
    box.protocols.has(p[0]!) &&
    box.ports.has(p[1]!) &&
    box.sources.has(BigInt(p[2]!)) &&
    box.destinations.has(BigInt(p[3]!)) &&
    box.inInterfaces.has(p[4]!) &&
    box.outInterfaces.has(p[5]!)
  );
}

const GRID: number[][] = [];
for (let i = 0; i < 4 ** 6; i++) GRID.push([0, 1, 2, 3, 4, 5].map((d) => Math.floor(i / 4 ** d) % 4));

describe('header-space boxes', () => {
  it('a − b is the points of a outside b, each in one piece; a ∩ b the points in both', () => {
    fc.assert(
      fc.property(fc.array(choice, { minLength: 6, maxLength: 6 }), fc.array(choice, { minLength: 6, maxLength: 6 }), (ca, cb) => {
        const a = boxOf(ca);
        const b = boxOf(cb);
        const pieces = subtractBox(a, b);
        const both = intersectBox(a, b);
        const wrong: string[] = [];
        for (const p of GRID) {
          const inA = has(a, p);
          const inB = has(b, p);
          let n = 0;
          for (const x of pieces) if (has(x, p)) n++;
          if (n !== (inA && !inB ? 1 : 0)) wrong.push(`${p.join(',')} in ${n} pieces of a − b`);
          if ((both !== undefined && has(both, p)) !== (inA && inB)) wrong.push(`${p.join(',')} wrong in a ∩ b`);
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('a box that b takes whole in every dimension leaves nothing, and one b misses stays itself', () => {
    const a = boxOf([[1], [2], [0, 1], [3], 'all', [0]]);
    expect(subtractBox(a, boxOf(['all', 'all', 'all', 'all', 'all', 'all']))).toEqual([]);
    expect(subtractBox(a, boxOf([[1], [2], [0, 1], [3], 'all', [0]]))).toEqual([]);
    const [same] = subtractBox(a, boxOf([[2], 'all', 'all', 'all', 'all', 'all']));
    expect(same).toBe(a);
  });
});

describe('cutting boxes that own their port, source and destination sets', () => {
  // A series of cuts, each of every piece left by the ones before, with the port, source and destination sets the cuts made
  // changed in place: the same pieces as subtractBox's at each step, and the boxes made before
  // (held by someone else) untouched.
  it('gives subtractBox\'s pieces, in its order, over a series of cuts', () => {
    fc.assert(
      fc.property(fc.array(choice, { minLength: 6, maxLength: 6 }), fc.array(fc.array(choice, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 6 }), (ca, cuts) => {
        const start = boxOf(ca);
        const startPorts = [...start.ports.bounds];
        const startSources = [...start.sources.bounds];
        const startDestinations = [...start.destinations.bounds];
        const owned: Owned = { ports: undefined, sources: undefined, destinations: undefined };
        let cut: Box[] = [start];
        let plain: Box[] = [start];
        for (const cb of cuts) {
          const b = boxOf(cb);
          plain = plain.flatMap((x) => subtractBox(x, b));
          cut = cut.flatMap((x) => cutBox(x, b, owned));
          expect(cut.map(text)).toEqual(plain.map(text));
          // Every owned set is held by exactly one piece.
          for (const s of owned.ports ?? []) expect(cut.filter((x) => x.ports === s)).toHaveLength(1);
          for (const s of owned.sources ?? []) expect(cut.filter((x) => x.sources === s)).toHaveLength(1);
          for (const s of owned.destinations ?? []) expect(cut.filter((x) => x.destinations === s)).toHaveLength(1);
        }
        expect([...start.ports.bounds]).toEqual(startPorts);
        expect([...start.sources.bounds]).toEqual(startSources);
        expect([...start.destinations.bounds]).toEqual(startDestinations);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});

function text(b: Box): string {
  return [b.protocols, b.ports, b.sources, b.destinations, b.inInterfaces, b.outInterfaces].map((s) => s.key()).join(' | ');
}
