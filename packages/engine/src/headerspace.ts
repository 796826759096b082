import { type IntervalSet, type AddressSet, type Scalar } from '@portcullis/model';

/**
 * A box of packet headers: the product of one set per dimension (protocol, destination port, source,
 * destination, input and output interface). A set of packets is a list of disjoint boxes; a rule's
 * match is one box. Intersection of two boxes is a box; subtraction gives at most one box per
 * dimension, so a ruleset is evaluated without ever enumerating addresses or ports.
 */
export interface Box {
  protocols: IntervalSet<number>;
  ports: IntervalSet<number>;
  sources: IntervalSet<bigint>;
  destinations: IntervalSet<bigint>;
  inInterfaces: IntervalSet<number>;
  outInterfaces: IntervalSet<number>;
}

export const DIMENSIONS = ['protocols', 'ports', 'sources', 'destinations', 'inInterfaces', 'outInterfaces'] as const;
type Dimension = (typeof DIMENSIONS)[number];

const dim = (b: Box, d: Dimension): IntervalSet<Scalar> => b[d] as IntervalSet<Scalar>;

export function intersectBox(a: Box, b: Box): Box | undefined {
  const out = {} as Record<Dimension, IntervalSet<Scalar>>;
  for (const d of DIMENSIONS) {
    const s = dim(a, d).intersect(dim(b, d));
    if (s.isEmpty) return undefined;
    out[d] = s;
  }
  return out as unknown as Box;
}

export function boxesIntersect(a: Box, b: Box): boolean {
  for (const d of DIMENSIONS) if (!dim(a, d).intersects(dim(b, d))) return false;
  return true;
}

/** `a − b` as disjoint boxes (none when `b` covers `a`, `[a]` when they do not meet). */
export function subtractBox(a: Box, b: Box): Box[] {
  if (!boxesIntersect(a, b)) return [a];
  const out: Box[] = [];
  // Peel off, dimension by dimension, the part of `a` outside `b`; what stays inside goes on.
  let rest = { ...a } as Record<Dimension, IntervalSet<Scalar>>;
  for (const d of DIMENSIONS) {
    const own = rest[d];
    const inside = own.intersect(dim(b, d));
    const outside = own.subtract(dim(b, d));
    if (!outside.isEmpty) out.push({ ...rest, [d]: outside } as unknown as Box);
    rest = { ...rest, [d]: inside };
  }
  return out;
}

export function withDestinations(box: Box, destinations: AddressSet): Box | undefined {
  const d = box.destinations.intersect(destinations.intervals);
  return d.isEmpty ? undefined : { ...box, destinations: d };
}
