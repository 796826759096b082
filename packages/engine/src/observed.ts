import { AddressSet, parseAddressSet, type Observation, type ScanCoverage, type Service } from '@portcullis/model';

/** Everything observed in the scanned files: ports seen by scans, sockets seen on hosts, and scan coverage. */
export interface ObservedState {
  observations: Observation[];
  scans: ScanCoverage[];
}

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '*', '[::]', '']);
const LOOPBACK = parseAddressSet('127.0.0.0/8')!.union(parseAddressSet('::1')!);

/** The addresses an observation's host stands for: its own, its aliases, or the inventory's for a name. */
export function observedHostAddresses(host: string, aliases: string[] | undefined, hosts: Map<string, AddressSet>): AddressSet {
  let set = AddressSet.empty();
  for (const name of [host, ...(aliases ?? [])]) {
    const parsed = parseAddressSet(name) ?? hosts.get(name);
    if (parsed) set = set.union(parsed);
  }
  return set;
}

/** Listening sockets and open scanned ports become services known by observation. */
export function observedServices(state: ObservedState): Service[] {
  const out: Service[] = [];
  for (const o of state.observations) {
    const listening = o.method === 'socket' ? o.state === 'listening' : o.state === 'open';
    if (!listening) continue;
    const svc: Service = {
      name: o.process ?? o.service ?? `${o.port}/${o.protocol}`,
      host: o.host,
      protocol: o.protocol,
      port: o.port,
      status: 'active',
      source: 'observed',
      origin: o.origin,
    };
    out.push(svc);
  }
  return out;
}

/** What the observations say about one port of one address. */
export type PortEvidence =
  | { kind: 'listening'; observation: Observation }
  | { kind: 'nothing'; origin: Observation['origin']; how: string }
  | { kind: 'unknown' };

/**
 * Whether something listens on `address`:`port`: an open scanned port or a listening socket bound to
 * it (or to every address) says yes; a scan that found the port closed, or a socket listing of the
 * host that has sockets of that protocol but none on that port, says nothing listens. A filtered
 * port says nothing either way.
 */
export function listenerEvidence(
  state: ObservedState,
  hosts: Map<string, AddressSet>,
  address: AddressSet,
  protocol: 'tcp' | 'udp',
  port: number,
): PortEvidence {
  let nothing: PortEvidence | undefined;
  const listings = new Map<string, { sockets: number; listening: boolean; first: Observation }>();
  for (const o of state.observations) {
    if (o.protocol !== protocol) continue;
    const own = observedHostAddresses(o.host, o.aliases, hosts);
    if (!own.intersects(address)) continue;
    if (o.method === 'scan') {
      if (o.port !== port) continue;
      if (o.state === 'open') return { kind: 'listening', observation: o };
      if (o.state === 'closed') nothing ??= { kind: 'nothing', origin: o.origin, how: `a scan found ${port}/${protocol} closed` };
      continue;
    }
    const listing = listings.get(o.origin.file) ?? { sockets: 0, listening: false, first: o };
    listing.sockets++;
    const bind = o.bind ?? '';
    const bindSet = parseAddressSet(bind.replace(/%.*$/, '').replace(/^\[|\]$/g, ''));
    const reachable = WILDCARD_BINDS.has(bind) || (bindSet !== undefined && bindSet.intersects(address) && !LOOPBACK.covers(bindSet));
    if (o.port === port && o.state === 'listening' && reachable) return { kind: 'listening', observation: o };
    listings.set(o.origin.file, listing);
  }
  for (const scan of state.scans) {
    if (scan.protocol !== protocol || !scan.ports.has(port) || scan.unlisted !== 'closed') continue;
    if (!observedHostAddresses(scan.host, scan.aliases, hosts).intersects(address)) continue;
    const listed = state.observations.some((o) => o.method === 'scan' && o.port === port && o.protocol === protocol && o.origin.file === scan.origin.file);
    if (!listed) nothing ??= { kind: 'nothing', origin: scan.origin, how: `a scan of ${port}/${protocol} found it closed` };
  }
  for (const listing of listings.values()) {
    if (listing.sockets > 0) {
      nothing ??= { kind: 'nothing', origin: listing.first.origin, how: `the socket listing of ${listing.first.host} shows no ${protocol} listener on ${port}` };
    }
  }
  return nothing ?? { kind: 'unknown' };
}
