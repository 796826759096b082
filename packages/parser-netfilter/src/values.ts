import {
  ALL_PROTOCOLS,
  AddressSet,
  parseAddressSet,
  portSet,
  protocolNumber,
  protocolSet,
  servicePort,
  type PortSet,
  type ProtocolSet,
} from '@portcullis/model';
import type { NatSpec } from './syntax.js';

/** A value read from a rule, or why it could not be. */
export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(message: string): Read<T> => ({ ok: false, message });

// Names from Debian's /etc/services (netbase), which iptables resolves, where IANA's registry (what
// servicePort reads) uses another name or none.
const SERVICE_ALIASES: Record<string, number> = {
  http: 80, www: 80, 'www-http': 80, 'http-alt': 8080, webcache: 8080, ident: 113, auth: 113,
  authentication: 113, imap2: 143, imap: 143, ipp: 631, mail: 25, 'pop-3': 110, sunrpc: 111,
  portmapper: 111, kerberos: 88, krb5: 88, kerberos5: 88, ircd: 6667, nameserver: 42,
};

/** A port number or a service name for the rule's protocol. */
function readPort(text: string, protocol: 'tcp' | 'udp' | 'sctp'): number | undefined {
  if (/^\d{1,5}$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(text)) return undefined;
  const lower = text.toLowerCase();
  return SERVICE_ALIASES[lower] ?? servicePort(lower, protocol);
}

/** The protocol whose /etc/services names a port option uses. */
export function serviceProtocol(protocolName: string | undefined): 'tcp' | 'udp' | 'sctp' {
  return protocolName === 'udp' || protocolName === 'udplite' ? 'udp' : protocolName === 'sctp' ? 'sctp' : 'tcp';
}

/** `--dport` / `--sport` value: `22`, `ssh`, `1024:65535`, `:1023`, `6000:`. */
export function readPortRange(text: string, protocol: 'tcp' | 'udp' | 'sctp'): Read<[number, number]> {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const p = readPort(text, protocol);
    return p === undefined ? fail(`invalid port or service name '${text}'`) : ok([p, p]);
  }
  const a = text.slice(0, colon);
  const b = text.slice(colon + 1);
  const lo = a === '' ? 0 : readPort(a, protocol);
  const hi = b === '' ? 65535 : readPort(b, protocol);
  if (lo === undefined || hi === undefined) return fail(`invalid port range '${text}'`);
  if (lo > hi) return fail(`invalid port range '${text}' (start after end)`);
  return ok([lo, hi]);
}

/**
 * Port values read so far, by protocol (service names differ between them) and text: a file names
 * a few hundred ports, rule after rule (`--dport 443`, `--to-destination 10.244.1.7:8080`), and each
 * reading is a pattern test, a list and a handful of objects. Reads are never changed, so they are
 * shared; each memo starts over when it is full, so a file of many different ports stays bounded.
 * Only short texts are kept (`65535:65535` is 11 characters): V8 copies a piece of a line that short,
 * where a longer one would be a view that keeps the whole file alive.
 */
const MAX_PORT_READS = 4096;
const MAX_PORT_TEXT = 12;
const PORT_READS = { tcp: new Map<string, Read<PortSet>>(), udp: new Map<string, Read<PortSet>>(), sctp: new Map<string, Read<PortSet>>() };
const NAT_PORT_READS = new Map<string, Read<PortSet>>();

function remember<T>(memo: Map<string, T>, text: string, value: T): T {
  if (text.length > MAX_PORT_TEXT) return value;
  if (memo.size >= MAX_PORT_READS) memo.clear();
  memo.set(text, value);
  return value;
}

/** `--dport` (one range) or `--dports` (a comma list of ranges). */
export function readPorts(text: string, protocol: 'tcp' | 'udp' | 'sctp', list: boolean): Read<PortSet> {
  if (list) return readPortList(text, protocol, true);
  return PORT_READS[protocol].get(text) ?? remember(PORT_READS[protocol], text, readPortList(text, protocol, false));
}

function readPortList(text: string, protocol: 'tcp' | 'udp' | 'sctp', list: boolean): Read<PortSet> {
  const parts = list ? text.split(',') : [text];
  const ranges: [number, number][] = [];
  for (const part of parts) {
    const r = readPortRange(part, protocol);
    if (!r.ok) return r;
    ranges.push(r.value);
  }
  return ok(portSet(ranges));
}

/** `-p` value: a name or number; `all` (and 0) is every protocol. */
export function readProtocol(text: string): Read<ProtocolSet> {
  const t = text.toLowerCase();
  if (t === 'all' || t === '0') return ok(ALL_PROTOCOLS);
  const n = protocolNumber(t);
  return n === undefined ? fail(`unknown protocol '${text}'`) : ok(protocolSet([n]));
}

/** The match extension iptables loads implicitly for `-p NAME` (so `--dport` works without `-m tcp`). */
export function protocolModule(text: string): string | undefined {
  const n = protocolNumber(text.toLowerCase());
  switch (n) {
    case 6: return 'tcp';
    case 17: return 'udp';
    case 1: return 'icmp';
    case 58: return 'icmp6';
    case 132: return 'sctp';
    case 33: return 'dccp';
    default: return undefined;
  }
}

export interface AddressRead {
  /** Undefined for a host name, which stays symbolic. */
  set?: AddressSet;
  hostName?: string;
}

const MAX_SHARED_ADDRESSES = 65536;

/**
 * One object for each single range of addresses a file's rules name. The model keeps every rule's
 * sets, and a kube-proxy dump names each endpoint's address twice (`-s`, then DNAT's
 * `--to-destination`), each service's address twice and its pod network in every service chain
 * (`! -s 10.244.0.0/16`): tens of thousands of equal sets, where one each does. Sets are never
 * changed, so sharing them changes no answer. One per file, so that nothing outlives its reading;
 * it starts over past MAX_SHARED_ADDRESSES ranges, so that a file of all different addresses pays
 * for a bounded index only (the repeats of a kube-proxy dump are mostly near each other).
 */
export class SharedAddresses {
  /** By the range's first address (a number, close enough to spread them); the bounds are compared. */
  private readonly byStart = new Map<number, AddressSet>();

  /** `set`, or an equal set met before. */
  share(set: AddressSet): AddressSet {
    const bounds = set.intervals.bounds;
    if (bounds.length !== 2) return set;
    const lo = bounds[0]!;
    const hi = bounds[1]!;
    const key = Number(lo);
    const known = this.byStart.get(key);
    if (known !== undefined && known.intervals.bounds[0] === lo && known.intervals.bounds[1] === hi) return known;
    // A different range starting there (`10.0.0.0/8`, then `10.0.0.0/16`) takes its place.
    if (this.byStart.size >= MAX_SHARED_ADDRESSES) this.byStart.clear();
    this.byStart.set(key, set);
    return set;
  }
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?$/;

/**
 * `-s`/`-d` value: an address, `addr/len`, `addr/dotted-mask`, or a comma list of them. A host
 * name (which iptables resolves when it loads the rule) is returned as such.
 */
export function readAddresses(text: string): Read<AddressRead> {
  if (!text.includes(',') && !text.includes('-')) {
    // One address or block, as nearly every rule has.
    const set = parseAddressSet(text);
    if (set) return ok({ set });
  }
  const ranges: [bigint, bigint][] = [];
  for (const part of text.split(',')) {
    const set = part.includes('-') && !part.includes('/') ? undefined : parseAddressSet(part);
    if (!set) {
      if (!text.includes(',') && /[A-Za-z]/.test(part) && !part.includes(':') && part.length <= 253 && HOST_NAME.test(part)) {
        return ok({ hostName: part });
      }
      return fail(`invalid address '${part}'`);
    }
    for (const r of set.intervals.ranges()) ranges.push(r);
  }
  // One construction for the whole list keeps long lists linear-logarithmic.
  return ok({ set: AddressSet.ranges(ranges) });
}

/** `--src-range`/`--dst-range` value: `a-b` (or a single address). */
export function readAddressRange(text: string): Read<AddressSet> {
  const set = parseAddressSet(text);
  return set ? ok(set) : fail(`invalid address range '${text}'`);
}

const STATES = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);

/** `--state`/`--ctstate` value: a comma list of connection states. */
export function readStates(text: string): Read<string[]> {
  const states: string[] = [];
  for (const part of text.split(',')) {
    const s = part.toUpperCase();
    if (!STATES.has(s)) return fail(`unknown connection state '${part}'`);
    states.push(s);
  }
  return ok(states);
}

/**
 * A NAT target's address-and-port value: `ip`, `ip-ip`, `ip:port`, `ip:port-port`,
 * `ip-ip:port-port`, `:port`, `[v6]:port`, `v6`, `v6-v6`. Several values (old kernels' round robin)
 * are read one by one and merged by the caller.
 */
export function readNatAddress(text: string): Read<NatSpec> {
  let addressPart: string;
  let portPart: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return fail(`invalid NAT address '${text}'`);
    addressPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return fail(`invalid NAT address '${text}'`);
      portPart = rest.slice(1);
    }
  } else {
    const first = text.indexOf(':');
    const many = first >= 0 && text.indexOf(':', first + 1) >= 0;
    if (first < 0 || many) addressPart = text;
    else {
      addressPart = text.slice(0, first);
      portPart = text.slice(first + 1);
    }
  }
  const spec: NatSpec = { addresses: undefined, ports: undefined, text };
  if (addressPart !== '') {
    const set = parseAddressSet(addressPart);
    if (!set || addressPart.includes('/')) return fail(`invalid NAT address '${text}'`);
    spec.addresses = set;
  } else if (portPart === undefined) {
    return fail(`empty NAT address`);
  }
  if (portPart !== undefined) {
    const ports = readNatPorts(portPart);
    if (!ports.ok) return fail(`invalid NAT port in '${text}'`);
    spec.ports = ports.value;
  }
  return ok(spec);
}

/** `--to-ports` / the port part of `--to-destination`: `p` or `p-q`. */
export function readNatPorts(text: string): Read<PortSet> {
  return NAT_PORT_READS.get(text) ?? remember(NAT_PORT_READS, text, readNatPortsOnce(text));
}

function readNatPortsOnce(text: string): Read<PortSet> {
  const m = /^(\d{1,5})(?:[-:](\d{1,5}))?$/.exec(text);
  if (!m) return fail(`invalid port '${text}'`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || lo > hi) return fail(`invalid port range '${text}'`);
  return ok(portSet([[lo, hi]]));
}
