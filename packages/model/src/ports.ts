import { IntervalSet, numberDomain } from './intervals.js';

/** Transport ports 0–65535. */
export const PORT_DOMAIN = numberDomain(0, 65535);
export type PortSet = IntervalSet<number>;

export const ALL_PORTS: PortSet = IntervalSet.full(PORT_DOMAIN);
export const NO_PORTS: PortSet = IntervalSet.empty(PORT_DOMAIN);

/** The union of many port sets, made at once (see IntervalSet.unionAll). */
export const unionPorts = (sets: Iterable<PortSet>): PortSet => IntervalSet.unionAll(PORT_DOMAIN, sets);

/**
 * A set of ports. Sets are immutable, and rules name the same few ports and ranges again and again
 * (`--dport 443` on thousands of kube-proxy rules, `FromPort: 22` across an AWS account): a set of
 * one range is made once and shared, through a memo that starts over when full, so a file of
 * millions of distinct ranges costs no more memory than making them did.
 */
export function portSet(ranges: Iterable<readonly [number, number]>): PortSet {
  if (Array.isArray(ranges) && ranges.length === 1) {
    const [lo, hi] = ranges[0] as readonly [number, number];
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && lo <= hi && hi <= 65535) {
      const key = lo * 65536 + hi;
      let set = SINGLE_RANGES.get(key);
      if (!set) {
        if (SINGLE_RANGES.size >= MAX_SINGLE_RANGES) SINGLE_RANGES.clear();
        SINGLE_RANGES.set(key, (set = IntervalSet.of(PORT_DOMAIN, [[lo, hi]])));
      }
      return set;
    }
  }
  return IntervalSet.of(PORT_DOMAIN, ranges);
}

const SINGLE_RANGES = new Map<number, PortSet>();
const MAX_SINGLE_RANGES = 4096;

export function singlePort(port: number): PortSet {
  return portSet([[port, port]]);
}

/**
 * Parses a port list as users write it in rules and options: `22`, `80,443`, `8000-8100`,
 * `3380:3390`. Returns undefined for anything else, so callers can report it.
 */
export function parsePortList(text: string): PortSet | undefined {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,5})\s*(?:[-:]\s*(\d{1,5}))?\s*$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 65535 || hi > 65535 || hi < lo) return undefined;
    ranges.push([lo, hi]);
  }
  return portSet(ranges);
}

/** `22`, `80,443`, `8000-8100`; `all` for the full range. */
export function formatPorts(ports: PortSet): string {
  if (ports.isFull) return 'all';
  const b = ports.bounds;
  // Most sets are one port or one range: no list of parts to join.
  if (b.length === 2) return b[0] === b[1] ? String(b[0]) : `${b[0]}-${b[1]}`;
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 2) parts.push(b[i] === b[i + 1] ? String(b[i]) : `${b[i]}-${b[i + 1]}`);
  return parts.join(',');
}

export function portRanges(ports: PortSet): [number, number][] {
  return [...ports.ranges()];
}
