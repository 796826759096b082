import { IntervalSet, numberDomain } from './intervals.js';

/** Transport ports 0–65535. */
export const PORT_DOMAIN = numberDomain(0, 65535);
export type PortSet = IntervalSet<number>;

export const ALL_PORTS: PortSet = IntervalSet.full(PORT_DOMAIN);
export const NO_PORTS: PortSet = IntervalSet.empty(PORT_DOMAIN);

export function portSet(ranges: Iterable<readonly [number, number]>): PortSet {
  return IntervalSet.of(PORT_DOMAIN, ranges);
}

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
  const parts: string[] = [];
  const b = ports.bounds;
  for (let i = 0; i < b.length; i += 2) parts.push(b[i] === b[i + 1] ? String(b[i]) : `${b[i]}-${b[i + 1]}`);
  return parts.join(',');
}

export function portRanges(ports: PortSet): [number, number][] {
  return [...ports.ranges()];
}
