import { IntervalSet } from '@portcullis/model';

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

/*
 * The six dimensions are written out rather than looped over by name: these functions run for every
 * piece of traffic at every rule, and objects built with computed keys are several times slower.
 */

export function intersectBox(a: Box, b: Box): Box | undefined {
  // Addresses first: a rule for one family meets the packets of the other family (see byFamily in
  // analysis.ts) in neither, and is told so before anything is made.
  const sources = a.sources.intersect(b.sources);
  if (sources.isEmpty) return undefined;
  const destinations = a.destinations.intersect(b.destinations);
  if (destinations.isEmpty) return undefined;
  const protocols = a.protocols.intersect(b.protocols);
  if (protocols.isEmpty) return undefined;
  const ports = a.ports.intersect(b.ports);
  if (ports.isEmpty) return undefined;
  const inInterfaces = a.inInterfaces.intersect(b.inInterfaces);
  if (inInterfaces.isEmpty) return undefined;
  const outInterfaces = a.outInterfaces.intersect(b.outInterfaces);
  if (outInterfaces.isEmpty) return undefined;
  // `b` takes all of `a` (a jump that every packet here takes, a rule about everything): `a` itself.
  if (
    protocols === a.protocols &&
    ports === a.ports &&
    sources === a.sources &&
    destinations === a.destinations &&
    inInterfaces === a.inInterfaces &&
    outInterfaces === a.outInterfaces
  ) {
    return a;
  }
  return { protocols, ports, sources, destinations, inInterfaces, outInterfaces };
}

export function boxesIntersect(a: Box, b: Box): boolean {
  return (
    a.protocols.intersects(b.protocols) &&
    a.ports.intersects(b.ports) &&
    a.sources.intersects(b.sources) &&
    a.destinations.intersects(b.destinations) &&
    a.inInterfaces.intersects(b.inInterfaces) &&
    a.outInterfaces.intersects(b.outInterfaces)
  );
}

/**
 * The box's destinations span fewer addresses than its sources (`permit tcp 1.0.0.0/8 host D`): then
 * subtractBox peels off the other destinations before the other sources. What is left beside the
 * box is one piece for every other destination and one for its destination alone; in the other order
 * it is one for every other source and one for its sources and every other destination, which each
 * later rule for another server meets and splits again (an ACL of 1,600 such rules left pieces by the
 * hundred thousand). Pieces for one destination are also what a FlowSet indexes by address.
 */
function narrowerDestinations(b: Box): boolean {
  const d = b.destinations.bounds;
  const s = b.sources.bounds;
  if (d.length === 0 || s.length === 0) return false;
  return d[d.length - 1]! - d[0]! < s[s.length - 1]! - s[0]!;
}

/** `a − b` as disjoint boxes (none when `b` covers `a`, `[a]` when they do not meet). */
export function subtractBox(a: Box, b: Box): Box[] {
  if (!boxesIntersect(a, b)) return [a];
  const out: Box[] = [];
  // Peel off, dimension by dimension, the part of `a` outside `b`; what stays inside goes on.
  // Each piece is written out in full (a spread of `a` with one field changed is several times slower).
  // Where `b` takes all of `a` in a dimension (a rule for every destination, every interface), nothing
  // is peeled off there, and the difference is not built only to be found empty.
  if (!b.protocols.covers(a.protocols)) {
    const protocols = a.protocols.subtract(b.protocols);
    out.push({ protocols, ports: a.ports, sources: a.sources, destinations: a.destinations, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces });
  }
  const p = a.protocols.intersect(b.protocols);
  if (!b.ports.covers(a.ports)) {
    const ports = a.ports.subtract(b.ports);
    out.push({ protocols: p, ports, sources: a.sources, destinations: a.destinations, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces });
  }
  const q = a.ports.intersect(b.ports);
  // Sources, then destinations; or the other way round when the destinations are the narrower.
  // The dimension peeled off second keeps only what is inside `b` of the first.
  const destinationsFirst = narrowerDestinations(b);
  const s = a.sources.intersect(b.sources);
  const d = a.destinations.intersect(b.destinations);
  const sourcesOutside = !b.sources.covers(a.sources);
  if (sourcesOutside && !destinationsFirst) {
    out.push({ protocols: p, ports: q, sources: a.sources.subtract(b.sources), destinations: a.destinations, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces });
  }
  if (!b.destinations.covers(a.destinations)) {
    const sources = destinationsFirst ? a.sources : s;
    out.push({ protocols: p, ports: q, sources, destinations: a.destinations.subtract(b.destinations), inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces });
  }
  if (sourcesOutside && destinationsFirst) {
    out.push({ protocols: p, ports: q, sources: a.sources.subtract(b.sources), destinations: d, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces });
  }
  if (!b.inInterfaces.covers(a.inInterfaces)) {
    const inInterfaces = a.inInterfaces.subtract(b.inInterfaces);
    out.push({ protocols: p, ports: q, sources: s, destinations: d, inInterfaces, outInterfaces: a.outInterfaces });
  }
  if (!b.outInterfaces.covers(a.outInterfaces)) {
    const outInterfaces = a.outInterfaces.subtract(b.outInterfaces);
    out.push({ protocols: p, ports: q, sources: s, destinations: d, inInterfaces: a.inInterfaces.intersect(b.inInterfaces), outInterfaces });
  }
  return out;
}

/**
 * The port, source and destination sets a caller made itself and holds alone (see cutBox). A set of
 * them is made with the first it holds: an evaluation of one of kube-proxy's endpoint chains takes
 * its one piece whole, and made three empty sets to say that it held none.
 */
export interface Owned {
  ports: Set<IntervalSet<number>> | undefined;
  sources: Set<IntervalSet<bigint>> | undefined;
  destinations: Set<IntervalSet<bigint>> | undefined;
}

/**
 * subtractBox for a caller that knows which port sets it made itself and holds alone (`owned`, which
 * this keeps up to date): where `b` takes all of `a`'s protocols but not all its ports, the piece of
 * `a` on the ports `b` leaves has `a`'s port set with `b`'s taken out, in place when `a`'s is owned.
 * A long chain of rules for one port each (`-s 198.51.100.7 -p tcp --dport 8391 -j ACCEPT`) takes one
 * port after another out of the traffic still open: copying its growing list of holes at each rule
 * made the chain quadratic. The pieces are subtractBox's, in its order. Source and destination sets
 * the caller holds alone are cut in place the same way where `b` differs from `a` in that dimension
 * only.
 */
export function cutBox(a: Box, b: Box, owned: Owned): Box[] {
  // `b` takes all of `a` but perhaps some destinations (a static NAT of one public address after
  // another, each for every port; kube-proxy's services, one address and port after another) or some
  // sources (`-s 198.51.100.0/24 -p tcp --dport 22 -j ACCEPT`, one network after another): what is
  // left is `a` with `b`'s set taken out of that one of its sets, in place when `a`'s is owned.
  const dimension = coversAllBut(b, a, 'destinations') ? 'destinations' : coversAllBut(b, a, 'sources') ? 'sources' : undefined;
  if (dimension) {
    if (!boxesIntersect(a, b)) return [a];
    if (b[dimension].covers(a[dimension])) {
      // Nothing is left: no piece holds `a`'s sets any more.
      owned.ports?.delete(a.ports);
      owned.sources?.delete(a.sources);
      owned.destinations?.delete(a.destinations);
      return [];
    }
    const holders = (owned[dimension] ??= new Set());
    const set = holders.delete(a[dimension]) ? IntervalSet.subtractOwned(a[dimension], b[dimension]) : a[dimension].subtract(b[dimension]);
    holders.add(set);
    return [
      dimension === 'destinations'
        ? { protocols: a.protocols, ports: a.ports, sources: a.sources, destinations: set, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces }
        : { protocols: a.protocols, ports: a.ports, sources: set, destinations: a.destinations, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces },
    ];
  }
  // subtractBox's pieces may share `a`'s destination set: no longer one box's alone.
  owned.destinations?.delete(a.destinations);
  // subtractBox's pieces may share `a`'s source set: no longer one box's alone.
  owned.sources?.delete(a.sources);
  if (!b.protocols.covers(a.protocols) || b.ports.covers(a.ports) || !boxesIntersect(a, b)) {
    // subtractBox's pieces may share `a`'s port set: no longer one box's alone.
    owned.ports?.delete(a.ports);
    return subtractBox(a, b);
  }
  // The part of `a` on `b`'s ports, worked out before `a`'s port set changes.
  const inside: Box = { protocols: a.protocols, ports: a.ports.intersect(b.ports), sources: a.sources, destinations: a.destinations, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces };
  const holders = (owned.ports ??= new Set());
  const ports = holders.delete(a.ports) ? IntervalSet.subtractOwned(a.ports, b.ports) : a.ports.subtract(b.ports);
  holders.add(ports);
  const out: Box[] = [{ protocols: a.protocols, ports, sources: a.sources, destinations: a.destinations, inInterfaces: a.inInterfaces, outInterfaces: a.outInterfaces }];
  for (const rest of subtractBox(inside, b)) out.push(rest);
  return out;
}

/** `b` takes all of `a` in every dimension but `but` (so the two differ at most there). */
export function coversAllBut(b: Box, a: Box, but: 'sources' | 'destinations'): boolean {
  return (
    b.protocols.covers(a.protocols) &&
    b.ports.covers(a.ports) &&
    (but === 'sources' || b.sources.covers(a.sources)) &&
    (but === 'destinations' || b.destinations.covers(a.destinations)) &&
    b.inInterfaces.covers(a.inInterfaces) &&
    b.outInterfaces.covers(a.outInterfaces)
  );
}

/** `box` with other protocols and ports (written out: see subtractBox). */
export function withProtocols(box: Box, protocols: IntervalSet<number>, ports: IntervalSet<number>): Box {
  return { protocols, ports, sources: box.sources, destinations: box.destinations, inInterfaces: box.inInterfaces, outInterfaces: box.outInterfaces };
}

