import ipaddr from 'ipaddr.js';
import { IntervalSet, bigintDomain } from './intervals.js';

/**
 * Address sets over one numeric line: IPv4 addresses are 0 … 2³²−1 and IPv6 addresses are placed at
 * 2¹²⁸ … 2¹²⁹−1, so one set can hold both families and every operation is plain interval arithmetic.
 */
export type Family = 'ipv4' | 'ipv6';

const V6_BASE = 1n << 128n;
const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = V6_BASE + (1n << 128n) - 1n;
const ADDRESS_DOMAIN = bigintDomain(0n, V6_MAX);

export class AddressSet {
  readonly intervals: IntervalSet<bigint>;

  private constructor(intervals: IntervalSet<bigint>) {
    this.intervals = intervals;
  }

  static fromIntervals(intervals: IntervalSet<bigint>): AddressSet {
    return new AddressSet(intervals);
  }

  static ranges(ranges: Iterable<readonly [bigint, bigint]>): AddressSet {
    return new AddressSet(IntervalSet.of(ADDRESS_DOMAIN, ranges));
  }

  /** The union of many sets, made at once (see IntervalSet.unionAll): for lists of thousands of networks. */
  static unionAll(sets: Iterable<AddressSet>): AddressSet {
    const intervals: IntervalSet<bigint>[] = [];
    for (const set of sets) intervals.push(set.intervals);
    return new AddressSet(IntervalSet.unionAll(ADDRESS_DOMAIN, intervals));
  }

  static empty(): AddressSet {
    return EMPTY;
  }

  /** Every address of one family, or of both. */
  static all(family?: Family): AddressSet {
    if (family === 'ipv4') return ALL_V4;
    if (family === 'ipv6') return ALL_V6;
    return ALL;
  }

  get isEmpty(): boolean {
    return this.intervals.isEmpty;
  }

  union(other: AddressSet): AddressSet {
    return wrap(this.intervals.union(other.intervals));
  }

  intersect(other: AddressSet): AddressSet {
    return wrap(this.intervals.intersect(other.intervals));
  }

  subtract(other: AddressSet): AddressSet {
    return wrap(this.intervals.subtract(other.intervals));
  }

  /** The complement within one family (`! -s 10.0.0.0/8` in an IPv4 ruleset), or within both. */
  complement(family?: Family): AddressSet {
    return AddressSet.all(family).subtract(this);
  }

  intersects(other: AddressSet): boolean {
    return this.intervals.intersects(other.intervals);
  }

  covers(other: AddressSet): boolean {
    return this.intervals.covers(other.intervals);
  }

  equals(other: AddressSet): boolean {
    return this.intervals.equals(other.intervals);
  }

  family(): Family | 'mixed' | 'none' {
    const v4 = this.intersects(ALL_V4);
    const v6 = this.intersects(ALL_V6);
    return v4 && v6 ? 'mixed' : v4 ? 'ipv4' : v6 ? 'ipv6' : 'none';
  }

  only(family: Family): AddressSet {
    return this.intersect(AddressSet.all(family));
  }

  /** The smallest list of CIDR blocks that make up this set, IPv4 first; the first `limit` of them when given. */
  toCidrs(limit = Infinity): string[] {
    const out: string[] = [];
    const bounds = this.intervals.bounds;
    for (let i = 0; i < bounds.length && out.length < limit; i += 2) {
      const lo = bounds[i]!;
      const hi = bounds[i + 1]!;
      // Split at the family boundary; the gap between the families is never populated.
      if (lo <= V4_MAX) rangeToCidrs4(Number(lo), Number(hi < V4_MAX ? hi : V4_MAX), out, limit);
      if (hi >= V6_BASE) rangeToCidrs(lo > V6_BASE ? lo : V6_BASE, hi, 128, V6_BASE, out, limit);
    }
    return out;
  }

  /** How many blocks toCidrs() gives, counted without making them. */
  cidrCount(): number {
    const bounds = this.intervals.bounds;
    // A long list is counted once: a finding asks for the number of its sources' blocks twice (its
    // message and its list of them).
    const long = bounds.length > LONG_COUNT;
    let n = long ? (BLOCK_COUNTS.get(this.intervals) ?? -1) : -1;
    if (n >= 0) return n;
    n = 0;
    for (let i = 0; i < bounds.length; i += 2) {
      const lo = bounds[i]!;
      const hi = bounds[i + 1]!;
      if (lo <= V4_MAX) n += blockCount4(Number(lo), Number(hi < V4_MAX ? hi : V4_MAX));
      if (hi >= V6_BASE) n += blockCount((lo > V6_BASE ? lo : V6_BASE) - V6_BASE, hi - V6_BASE);
    }
    if (long) BLOCK_COUNTS.set(this.intervals, n);
    return n;
  }

  toString(): string {
    return this.toCidrs().join(', ');
  }

  key(): string {
    return this.intervals.key();
  }
}

const wrap = (i: IntervalSet<bigint>): AddressSet => AddressSet.fromIntervals(i);
/** cidrCount's answers for sets of more than LONG_COUNT bounds, by set (sets do not change). */
const BLOCK_COUNTS = new WeakMap<IntervalSet<bigint>, number>();
const LONG_COUNT = 512;
const EMPTY = AddressSet.ranges([]);
const ALL_V4 = AddressSet.ranges([[0n, V4_MAX]]);
const ALL_V6 = AddressSet.ranges([[V6_BASE, V6_MAX]]);
const ALL = ALL_V4.union(ALL_V6);

function rangeToCidrs(lo: bigint, hi: bigint, bits: number, base: bigint, out: string[], limit: number): void {
  let start = lo - base;
  const end = hi - base;
  const width = BigInt(bits);
  while (start <= end && out.length < limit) {
    const size = blockBits(start, end, width);
    out.push(`${formatNumber(start, bits)}/${bits - Number(size)}`);
    start += 1n << size;
  }
}

/** The size in bits of the largest aligned block that starts at `start` and does not pass `end`. */
function blockBits(start: bigint, end: bigint, width: bigint): bigint {
  let size = 0n;
  while (size < width) {
    const next = size + 1n;
    const blockMask = (1n << next) - 1n;
    if ((start & blockMask) !== 0n || start + blockMask > end) break;
    size = next;
  }
  return size;
}

/**
 * `rangeToCidrs` for IPv4, in plain numbers (exact below 2^53): a set with thousands of holes
 * (everyone but the networks a long chain drops) prints as tens of thousands of blocks.
 */
function rangeToCidrs4(lo: number, hi: number, out: string[], limit: number): void {
  let start = lo;
  while (start <= hi && out.length < limit) {
    const size = blockBits4(start, hi);
    out.push(`${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}/${32 - size}`);
    start += 2 ** size;
  }
}

/**
 * How many blocks rangeToCidrs4 makes of `lo`–`hi`, worked out instead of walked: a set with
 * thousands of holes has tens of thousands. Where the two ends first differ (bit k), the range
 * splits at c (their common start with bit k set): below c one block per bit of c − lo, from c one
 * per bit of hi + 1 − c, both at most 2^k, since c is aligned to 2^k. Only when both halves are
 * whole is the range one block of twice the size.
 */
function blockCount4(lo: number, hi: number): number {
  if (lo === hi) return 1;
  // Bit k: the highest where lo and hi differ (both below 2^32, so the xor fits 32 bits).
  const k = 31 - Math.clz32((lo ^ hi) >>> 0);
  const half = 2 ** k;
  const c = hi - (hi % half);
  const below = c - lo;
  const above = hi + 1 - c;
  return below === half && above === half ? 1 : bitCount(below) + bitCount(above);
}

/** blockCount4 for IPv6, in bigints (offsets from the start of IPv6 space). */
function blockCount(lo: bigint, hi: bigint): number {
  if (lo === hi) return 1;
  const half = 1n << BigInt(bitLength(lo ^ hi) - 1);
  const c = hi - (hi % half);
  const below = c - lo;
  const above = hi + 1n - c;
  return below === half && above === half ? 1 : bigBitCount(below) + bigBitCount(above);
}

/** How many bits a positive bigint needs. */
function bitLength(x: bigint): number {
  let n = 0;
  let v = x;
  while (v >= 1n << 32n) {
    v >>= 32n;
    n += 32;
  }
  return n + 32 - Math.clz32(Number(v));
}

/** The number of 1 bits of a bigint of any size. */
function bigBitCount(x: bigint): number {
  let n = 0;
  for (let v = x; v > 0n; v >>= 32n) n += bitCount(Number(v & 0xffffffffn));
  return n;
}

/** The number of 1 bits of a whole number up to 2^32. */
function bitCount(n: number): number {
  if (n === 2 ** 32) return 1;
  let v = n >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** blockBits for IPv4 in plain numbers: as many bits as `start`'s trailing zeros, and no more than fit below `hi`. */
function blockBits4(start: number, hi: number): number {
  const aligned = start === 0 ? 32 : 31 - Math.clz32((start & -start) >>> 0);
  const room = hi - start + 1;
  const fits = room >= 2 ** 32 ? 32 : 31 - Math.clz32(room);
  return aligned < fits ? aligned : fits;
}

function formatNumber(value: bigint, bits: number): string {
  const bytes: number[] = [];
  for (let i = bits / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function toNumber(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  let n = 0n;
  for (const b of addr.toByteArray()) n = (n << 8n) | BigInt(b);
  return addr.kind() === 'ipv6' ? n + V6_BASE : n;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // ipaddr.js tells a valid address by catching the error its parser throws: a name (an Azure
  // service tag, on every rule of a large NSG export) costs an Error with its stack each time.
  // Dotted decimal is digits and dots only, so anything else is not asked.
  if (DIGITS_AND_DOTS.test(text) && ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

const DIGITS_AND_DOTS = /^[0-9.]+$/;

/** Accepts a dotted netmask (`255.255.255.0`) as well as a prefix length; undefined for a non-contiguous mask. */
function prefixLength(mask: string, kind: 'ipv4' | 'ipv6'): number | undefined {
  if (/^\d{1,3}$/.test(mask)) {
    const n = Number(mask);
    return n <= (kind === 'ipv4' ? 32 : 128) ? n : undefined;
  }
  const parsed = parseAddress(mask);
  if (!parsed || parsed.kind() !== kind) return undefined;
  return parsed.prefixLengthFromSubnetMask() ?? undefined;
}

/**
 * `a.b.c.d` or `a.b.c.d/len` as ipaddr.js reads dotted decimal (parts without leading zeros, each at
 * most 255) with a length of up to three digits, at most 32: the address times 64 plus the length,
 * or -1 for anything else (which the general path then reads or refuses). No regex match arrays:
 * every rule of a large dump has an address or two.
 */
function dottedBlock(t: string): number {
  let i = 0;
  let n = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (t.charCodeAt(i) !== 0x2e) return -1;
      i++;
    }
    const start = i;
    let v = 0;
    for (let c = t.charCodeAt(i); c >= 0x30 && c <= 0x39; c = t.charCodeAt(++i)) v = v * 10 + (c - 0x30);
    const digits = i - start;
    if (digits === 0 || digits > 3 || (digits > 1 && t.charCodeAt(start) === 0x30) || v > 255) return -1;
    n = n * 256 + v;
  }
  if (i === t.length) return n * 64 + 32;
  if (t.charCodeAt(i) !== 0x2f) return -1;
  const start = ++i;
  let len = 0;
  for (let c = t.charCodeAt(i); c >= 0x30 && c <= 0x39; c = t.charCodeAt(++i)) len = len * 10 + (c - 0x30);
  const digits = i - start;
  return i === t.length && digits >= 1 && digits <= 3 && len <= 32 ? n * 64 + len : -1;
}

/**
 * Parses an address as configurations write it: `1.2.3.4`, `1.2.3.4/24`, `1.2.3.4/255.255.255.0`,
 * `10.0.0.1-10.0.0.9`, `2001:db8::/32`. Host bits under the mask are ignored, as the kernel does
 * (`1.2.3.4/0` is everything). Returns undefined for anything else.
 */
export function parseAddressSet(text: string): AddressSet | undefined {
  const t = text.trim();
  const block = dottedBlock(t);
  if (block >= 0) {
    // The common case, `10.96.0.1` or `10.0.0.0/8`, without building address objects.
    const n = Math.floor(block / 64);
    const size = 2 ** (32 - (block % 64));
    const start = n - (n % size);
    // A single address: both bounds are the same bigint (one object, not two).
    const lo = BigInt(start);
    // An IPv4 block is one range inside the domain: its bounds as they are, without a list of ranges to sort.
    return AddressSet.fromIntervals(new IntervalSet(ADDRESS_DOMAIN, [lo, size === 1 ? lo : BigInt(start + size - 1)]));
  }
  const dash = t.indexOf('-');
  if (dash > 0) {
    const a = parseAddress(t.slice(0, dash));
    const b = parseAddress(t.slice(dash + 1));
    if (!a || !b || a.kind() !== b.kind()) return undefined;
    const lo = toNumber(a);
    const hi = toNumber(b);
    return lo <= hi ? AddressSet.ranges([[lo, hi]]) : undefined;
  }
  const slash = t.indexOf('/');
  const addr = parseAddress(slash < 0 ? t : t.slice(0, slash));
  if (!addr) return undefined;
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  const len = slash < 0 ? bits : prefixLength(t.slice(slash + 1), addr.kind());
  if (len === undefined) return undefined;
  const hostBits = BigInt(bits - len);
  const n = toNumber(addr);
  const base = addr.kind() === 'ipv6' ? V6_BASE : 0n;
  const start = ((n - base) >> hostBits) << hostBits;
  return AddressSet.ranges([[start + base, start + base + (1n << hostBits) - 1n]]);
}

export function addresses(...texts: string[]): AddressSet {
  return AddressSet.unionAll(
    texts.map((t) => {
      const s = parseAddressSet(t);
      if (!s) throw new Error(`not an address: ${t}`);
      return s;
    }),
  );
}

// Special-purpose ranges (RFC 6890 and friends). "Private" is what a rule treats as internal.
const PRIVATE = addresses(
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
  'fc00::/7', 'fe80::/10', '::1/128',
);
/** Public IPv4: everything but private, "this network", multicast and reserved space. Public IPv6: global unicast. */
const PUBLIC_V4 = ALL_V4.subtract(PRIVATE).subtract(addresses('0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4'));
const PUBLIC_V6 = addresses('2000::/3').subtract(PRIVATE);
const PUBLIC = PUBLIC_V4.union(PUBLIC_V6);

export const SPECIAL_RANGES = { private: PRIVATE, publicIpv4: PUBLIC_V4, publicIpv6: PUBLIC_V6 } as const;

/** How rules see a set of sources. */
export type SourceClass = 'anywhere' | 'public' | 'private';

/**
 * How much public space a set may miss and still count as "anywhere": a /16 of IPv4, a /32 of IPv6.
 * First match carves earlier rules' sources out of later ones (`-s 198.51.100.0/28 … ACCEPT`, then
 * `… ACCEPT` for everyone else); everyone but a few networks is still everyone.
 */
const ANYWHERE_SLACK = { v4: 1n << 16n, v6: 1n << 96n } as const;

/**
 * `anywhere`: covers all public IPv4 or all public IPv6 space (but for a few networks); `public`:
 * contains some public address; `private`: nothing public. Trusted sources count as private.
 */
export function classifySources(sources: AddressSet, trusted: AddressSet = EMPTY): SourceClass {
  const untrusted = trusted.isEmpty ? sources : sources.subtract(trusted);
  const v4 = untrusted.intersects(PUBLIC_V4);
  const v6 = untrusted.intersects(PUBLIC_V6);
  if (!v4 && !v6) return 'private';
  // Trusting an office range does not make "everyone" any smaller: what matters is whether every
  // public address outside the trusted ranges can connect. What the space misses is what is neither
  // trusted nor a source, counted without making it (everyone but a long blocklist is thousands of
  // ranges, and thousands of such sets are classified).
  const covered = trusted.isEmpty ? sources.intervals : trusted.intervals.union(sources.intervals);
  const missing = (space: AddressSet): bigint => space.intervals.size() - space.intervals.intersectionSize(covered);
  if ((v4 && missing(PUBLIC_V4) <= ANYWHERE_SLACK.v4) || (v6 && missing(PUBLIC_V6) <= ANYWHERE_SLACK.v6)) return 'anywhere';
  return 'public';
}

/** Public addresses only: what can arrive from the internet as a destination before any NAT. */
export function publicPart(set: AddressSet): AddressSet {
  return set.intersect(PUBLIC);
}

/**
 * A short description of a set for messages: its CIDR blocks when there are few, else what it
 * lacks (`0.0.0.0/0 except 10.0.0.0/8`), else what it covers.
 */
export function describeAddresses(set: AddressSet, maxBlocks = 3): string {
  // No more blocks are made than are shown: everyone but the networks of a long blocklist is tens
  // of thousands of them.
  const cidrs = set.toCidrs(maxBlocks + 1);
  if (cidrs.length === 0) return 'no address';
  if (cidrs.length <= maxBlocks) return cidrs.join(', ');
  const family = set.family();
  const universe = family === 'ipv4' || family === 'ipv6' ? AddressSet.all(family) : AddressSet.all();
  const missing = universe.subtract(set).toCidrs(maxBlocks + 1);
  if (missing.length <= maxBlocks) return `${universe.toCidrs().join(', ')} except ${missing.join(', ')}`;
  const names: string[] = [];
  if (set.covers(PUBLIC_V4)) names.push('IPv4');
  if (set.covers(PUBLIC_V6)) names.push('IPv6');
  if (names.length > 0) {
    const privateToo = set.intersects(PRIVATE);
    return `every public ${names.join(' and ')} address${privateToo ? ' and some private ones' : ''}`;
  }
  return `${cidrs.slice(0, maxBlocks).join(', ')}, … (${set.cidrCount()} blocks)`;
}
