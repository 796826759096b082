import { type AddressSet, classifySources, portRanges, type PortSet } from '@portcullis/model';
import type { Exposure, PathStep } from './analysis.js';
import type { BlockedForward } from './compose.js';
import { SetIds } from './set-ids.js';

/** One row of the exposure table (the `exposure --format json` contract). */
export interface ExposureRow {
  target: { host: string; address?: string };
  protocol: string;
  ports: [number, number][];
  from: string[];
  anywhere: boolean;
  path: { file: string; line: number; summary: string }[];
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** A row of the exposure table without its sources (what the HTML report's matrix and paths use). */
export type ExposureSummary = Omit<ExposureRow, 'from'>;

/**
 * Merges exposures into rows: one per target, protocol and path. Within a row, ports are merged only
 * where they are reachable from the same sources, so a row never claims that every listed port is
 * reachable from every listed source unless it is.
 */
export function exposureRows(exposures: Exposure[]): ExposureRow[] {
  return exposureRowsLazily(exposures).map((r) => r.row());
}

/** A row of the exposure table whose source list is made when asked for. */
export interface LazyExposureRow {
  summary: ExposureSummary;
  from: AddressSet;
  row(): ExposureRow;
}

/**
 * The rows of exposureRows in the same order, each making its source list only when asked for: a
 * table of twenty thousand rows of tens of thousands of blocks each (after a long blocklist) can be
 * written one row at a time.
 */
export function exposureRowsLazily(exposures: Exposure[]): LazyExposureRow[] {
  const rows = mergeExposures(exposures).map(({ e, ports, from }): LazyExposureRow & { joined?: string } => ({
    summary: summary(e, ports, from),
    from,
    row() {
      const { target, protocol, ports: ranges, anywhere, path } = this.summary;
      return { target, protocol, ports: ranges, from: from.toCidrs(), anywhere, path };
    },
  }));
  // Rows alike but for their sources are ordered by their source lists, spelled out only for them.
  const joined = (r: { from: AddressSet; joined?: string }): string => (r.joined ??= r.from.toCidrs().join());
  return rows.sort((a, b) => compareSummaries(a.summary, b.summary) || cmp(joined(a), joined(b)));
}

function summary(e: Exposure, ports: PortSet, from: AddressSet): ExposureSummary {
  const target: ExposureRow['target'] = { host: e.target.host };
  if (e.target.address !== undefined) target.address = e.target.address;
  return {
    target,
    protocol: e.protocol,
    ports: portRanges(ports),
    anywhere: classifySources(from) === 'anywhere',
    path: e.path.map((s) => ({ file: s.file, line: s.line, summary: s.summary })),
  };
}

function compareSummaries(a: ExposureSummary, b: ExposureSummary): number {
  return (
    cmp(a.target.host, b.target.host) ||
    cmp(a.target.address ?? '', b.target.address ?? '') ||
    cmp(a.protocol, b.protocol) ||
    cmp(a.ports[0]?.[0] ?? -1, b.ports[0]?.[0] ?? -1) ||
    cmp(JSON.stringify(a.path), JSON.stringify(b.path))
  );
}

function mergeExposures(exposures: Exposure[]): { e: Exposure; ports: PortSet; from: AddressSet }[] {
  const pathKey = (p: PathStep[]): string => p.map((s) => `${s.file}:${s.line}:${s.summary}`).join('|');
  const base = (e: Exposure): string => `${e.target.host}|${e.target.address ?? ''}|${e.protocol}|${pathKey(e.path)}`;
  const ids = new SetIds<bigint>();

  // Same sources: merge ports. Transit (routed on to destinations the configuration never names)
  // is no service of anyone's; no-default-accept speaks for it.
  const bySources = new Map<string, { e: Exposure; ports: PortSet }>();
  for (const e of exposures) {
    if (e.transit) continue;
    const key = `${base(e)}|${ids.of(e.from.intervals)}`;
    const seen = bySources.get(key);
    if (seen) seen.ports = seen.ports.union(e.ports);
    else bySources.set(key, { e, ports: e.ports });
  }
  // Same ports: merge sources.
  const byPorts = new Map<string, { e: Exposure; ports: PortSet; from: AddressSet }>();
  for (const { e, ports } of bySources.values()) {
    const key = `${base(e)}|${ports.key()}`;
    const seen = byPorts.get(key);
    if (seen) seen.from = seen.from.union(e.from);
    else byPorts.set(key, { e, ports, from: e.from });
  }
  return [...byPorts.values()];
}

/** A forward that the receiving device drops, for the exposure table. */
export interface BlockedRow {
  target: { host: string; address?: string };
  protocol: string;
  ports: [number, number][];
  from: string[];
  path: { file: string; line: number; summary: string }[];
  blockedBy: { device: string; file: string; line: number; summary: string };
}

export function blockedRows(blocked: BlockedForward[]): BlockedRow[] {
  const rows = blocked.map(({ exposure: e, device, blockedBy }) => {
    const target: BlockedRow['target'] = { host: e.target.host };
    if (e.target.address !== undefined) target.address = e.target.address;
    return {
      target,
      protocol: e.protocol,
      ports: portRanges(e.ports),
      from: e.from.toCidrs(),
      path: e.path.map((s) => ({ file: s.file, line: s.line, summary: s.summary })),
      blockedBy: { device, file: blockedBy.file, line: blockedBy.line, summary: blockedBy.summary },
    };
  });
  return rows.sort(
    (a, b) =>
      cmp(a.target.host, b.target.host) ||
      cmp(a.target.address ?? '', b.target.address ?? '') ||
      cmp(a.protocol, b.protocol) ||
      cmp(a.blockedBy.file, b.blockedBy.file) ||
      cmp(a.blockedBy.line, b.blockedBy.line),
  );
}
