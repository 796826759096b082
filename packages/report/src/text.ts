import type { Diagnostic } from '@portcullis/model';
import { blockedRows, exposureRowsLazily, isReported, type BaselineComparison, type Finding, type ScanResult, type Severity } from '@portcullis/engine/core';

export interface TextOptions {
  /** ANSI colours; the CLI turns them on for a terminal only. */
  color: boolean;
  /** With a baseline, findings it already has are counted, not listed. */
  baseline?: BaselineComparison;
}

const CODES = { red: 31, yellow: 33, green: 32, gray: 90, bold: 1, underline: 4, magenta: 35, cyan: 36 } as const;
type Style = keyof typeof CODES;

function painter(color: boolean): (style: Style, text: string) => string {
  return (style, text) => (color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
}

const SEVERITY_STYLE: Record<Severity, Style> = { critical: 'magenta', high: 'red', medium: 'yellow', low: 'cyan', info: 'gray' };

/** Findings grouped by file, `line:col severity message rule-id`, then a summary line (after ESLint's stylish). */
export function textReport(result: ScanResult, options: TextOptions): string {
  const paint = painter(options.color);
  const byFile = new Map<string, { findings: Finding[]; diagnostics: Diagnostic[] }>();
  const entry = (file: string): { findings: Finding[]; diagnostics: Diagnostic[] } => {
    let e = byFile.get(file);
    if (!e) {
      e = { findings: [], diagnostics: [] };
      byFile.set(file, e);
    }
    return e;
  };
  const shown = result.findings.filter((f) => isReported(f, options.baseline));
  for (const f of shown) entry(f.location.file).findings.push(f);
  for (const d of result.diagnostics) if (d.severity !== 'info') entry(d.file).diagnostics.push(d);

  const lines: string[] = [];
  for (const file of [...byFile.keys()].sort()) {
    const e = byFile.get(file)!;
    const rows: { line: number; cells: string[] }[] = [];
    for (const f of e.findings) {
      const pos = `${f.location.line}:${f.location.column ?? 1}`;
      rows.push({ line: f.location.line, cells: [pos, f.severity, f.message, f.ruleId] });
    }
    for (const d of e.diagnostics) {
      rows.push({ line: d.line ?? 0, cells: [d.line ? `${d.line}:${d.column ?? 1}` : '-', d.severity, d.message, d.code] });
    }
    rows.sort((a, b) => a.line - b.line);
    const width = [0, 0];
    for (const r of rows) for (let i = 0; i < 2; i++) width[i] = Math.max(width[i]!, r.cells[i]!.length);
    lines.push(paint('underline', file));
    for (const r of rows) {
      const [pos, sev, msg, id] = r.cells as [string, string, string, string];
      const style: Style = sev in SEVERITY_STYLE ? SEVERITY_STYLE[sev as Severity] : sev === 'error' ? 'red' : 'yellow';
      lines.push(`  ${paint('gray', pos.padEnd(width[0]!))}  ${paint(style, sev.padEnd(Math.max(8, width[1]!)))}  ${msg}  ${paint('gray', id)}`);
    }
    lines.push('');
  }
  if (options.baseline) lines.push(baselineLine(result, options.baseline));
  lines.push(summaryLine(result, paint, options.baseline));
  return `${lines.join('\n')}\n`;
}

/** What the baseline took out of the report, and what has been fixed since it was written. */
function baselineLine(result: ScanResult, baseline: BaselineComparison): string {
  const known = result.findings.filter((f) => !f.suppressed && baseline.unchanged.has(f)).length;
  const fixed = baseline.fixed.length;
  return `baseline ${baseline.file}: ${known} finding${known === 1 ? '' : 's'} already in it, not listed; ${fixed} fixed since it was written`;
}

function summaryLine(result: ScanResult, paint: (s: Style, t: string) => string, baseline?: BaselineComparison): string {
  const shown = result.findings.filter((f) => isReported(f, baseline));
  const suppressed = result.findings.filter((f) => f.suppressed).length;
  const counts = new Map<Severity, number>();
  for (const f of shown) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const order: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
  const parts = order.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const files = `${result.stats.files} file${result.stats.files === 1 ? '' : 's'} scanned`;
  const extra = [
    suppressed ? `${suppressed} suppressed` : '',
    errors ? `${errors} error${errors === 1 ? '' : 's'}` : '',
    warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  if (errors > 0) {
    const head = shown.length ? `${shown.length} finding${shown.length === 1 ? '' : 's'} (${parts.join(', ')})` : 'no findings';
    return paint('red', `✖ the scan is incomplete: ${head}; ${[files, ...extra].join(', ')}`);
  }
  if (shown.length === 0) {
    return paint('green', `✔ no findings; ${[files, ...extra].join(', ')}`);
  }
  const head = `✖ ${shown.length} finding${shown.length === 1 ? '' : 's'} (${parts.join(', ')})`;
  return paint('bold', `${head}; ${[files, ...extra].join(', ')}`);
}

/** The exposure table as text: what is reachable, from where, and through which rules. */
export function exposureText(result: ScanResult, options: TextOptions): string {
  const paint = painter(options.color);
  const rows = exposureRowsLazily(result.exposures);
  if (rows.length === 0 && result.blocked.length === 0) return `${paint('green', 'Nothing is reachable from the network.')}\n`;
  const lines: string[] = [];
  for (const lazy of rows) {
    // A row's sources may be tens of thousands of blocks: only those shown are made.
    const r = lazy.summary;
    const target = r.target.address ? `${r.target.address} (via ${r.target.host})` : r.target.host;
    const ported = ['tcp', 'udp', 'sctp'].includes(r.protocol);
    const ports = r.protocol === 'any' ? 'all protocols' : ported ? `${r.protocol} ${r.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}` : r.protocol;
    const blocks = lazy.from.toCidrs(5);
    const from = blocks.length > 4 ? `${blocks.slice(0, 4).join(', ')}, … (${lazy.from.cidrCount()} blocks)` : blocks.join(', ');
    lines.push(`${paint('bold', target)}  ${ports}  from ${r.anywhere ? paint('red', `anywhere (${from})`) : from}`);
    for (const s of r.path) lines.push(`    ${paint('gray', `${s.file}:${s.line}`)}  ${s.summary}`);
  }
  const blocked = blockedRows(result.blocked);
  if (blocked.length > 0) {
    lines.push('', paint('bold', 'Forwarded, then dropped by the receiving device:'));
    for (const b of blocked) {
      const target = b.target.address ? `${b.target.address} (via ${b.target.host})` : b.target.host;
      const ports = b.ports.map(([x, y]) => (x === y ? `${x}` : `${x}-${y}`)).join(',');
      lines.push(`${target}  ${b.protocol} ${ports}  blocked by ${b.blockedBy.device}`);
      for (const s of b.path) lines.push(`    ${paint('gray', `${s.file}:${s.line}`)}  ${s.summary}`);
      lines.push(`    ${paint('gray', `${b.blockedBy.file}:${b.blockedBy.line}`)}  ${b.blockedBy.summary}  ${paint('green', '(drops it)')}`);
    }
  }
  lines.push('', `${rows.length} exposure${rows.length === 1 ? '' : 's'}${blocked.length ? `, ${blocked.length} blocked forward${blocked.length === 1 ? '' : 's'}` : ''}`);
  return `${lines.join('\n')}\n`;
}
