import { exposureRowsLazily, type ExposureSummary, type Finding, type ScanResult } from '@portcullis/engine/core';

/**
 * The exposure matrix shared by the HTML and Markdown audit reports: targets (rows) × protocol and
 * port (columns) reachable from anywhere, each cell with the worst finding about it, if any.
 */
export interface MatrixColumn {
  key: string;
  protocol: string;
  range?: [number, number];
}

export interface ExposureMatrix {
  columns: MatrixColumn[];
  targets: string[];
  /** undefined: not reachable; 'open': reachable, no finding; else the worst finding about the cell. */
  cell(target: string, column: MatrixColumn): Finding | 'open' | undefined;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `22`, `8000-8100`, or `all`: the ports a finding's exposure names, as ranges. */
export function parsePorts(text: string): [number, number][] {
  if (text.trim() === 'all') return [[0, 65535]];
  return [...text.matchAll(/(\d+)(?:\s*[-:]\s*(\d+))?/g)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])]);
}

export function portLabel([lo, hi]: [number, number]): string {
  if (lo <= 1 && hi === 65535) return 'all';
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

function rowTargetLabels(row: ExposureSummary): string[] {
  return row.target.address ? [`${row.target.address} (via ${row.target.host})`, row.target.host] : [row.target.host];
}

/** `findings` must be sorted worst first: a cell shows the first finding about it. */
export function exposureMatrix(result: ScanResult, findings: Finding[]): ExposureMatrix {
  const rows = exposureRowsLazily(result.exposures).map((r) => r.summary).filter((r) => r.anywhere);
  const columns = new Map<string, MatrixColumn>();
  const cells = new Map<string, Set<string>>();
  const targets = new Map<string, ExposureSummary[]>();
  for (const row of rows) {
    const target = rowTargetLabels(row)[0]!;
    const list = targets.get(target);
    if (list) list.push(row);
    else targets.set(target, [row]);
    const ranges: ([number, number] | undefined)[] = row.ports.length ? row.ports : [undefined];
    for (const range of ranges) {
      const key = range ? `${row.protocol}/${portLabel(range)}` : row.protocol;
      const column: MatrixColumn = { key, protocol: row.protocol };
      if (range) column.range = range;
      columns.set(key, column);
      const set = cells.get(target) ?? new Set<string>();
      set.add(key);
      cells.set(target, set);
    }
  }
  // Findings by the target they name, so a cell looks only at its own target's findings.
  const byTarget = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.exposure) continue;
    const list = byTarget.get(f.exposure.target);
    if (list) list.push(f);
    else byTarget.set(f.exposure.target, [f]);
  }
  const order = new Map(findings.map((f, i) => [f, i]));
  return {
    columns: [...columns.values()].sort((a, b) => cmp(a.protocol, b.protocol) || (a.range?.[0] ?? -1) - (b.range?.[0] ?? -1) || cmp(a.key, b.key)),
    targets: [...targets.keys()].sort(cmp),
    cell(target, column) {
      if (!cells.get(target)?.has(column.key)) return undefined;
      const labels = [...new Set(targets.get(target)!.flatMap(rowTargetLabels))];
      const about = labels
        .flatMap((l) => byTarget.get(l) ?? [])
        .filter((f) => {
          if (!f.exposure) return false;
          if (f.exposure.protocol !== column.protocol && f.exposure.protocol !== 'any') return false;
          if (!column.range) return true;
          const [lo, hi] = column.range;
          return parsePorts(f.exposure.ports).some(([a, b]) => a <= hi && b >= lo);
        })
        .sort((a, b) => order.get(a)! - order.get(b)!);
      return about[0] ?? 'open';
    },
  };
}
