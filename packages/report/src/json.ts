import type { Finding, ScanResult } from '@portcullis/engine/core';
import { blockedRows, exposureRowsLazily } from '@portcullis/engine/core';
import { jsonInPieces, placeholder } from './pieces.js';
import type { ReportOptions } from './shared.js';

export const TOOL = { name: 'portcullis', version: '0.1.0' } as const;

/**
 * The JSON report of DESIGN.md: deterministic key order, findings and diagnostics already sorted.
 * With a baseline, each finding says whether the baseline had it (`baselineState`), and the stats
 * count the baselined findings and the baseline's entries that are fixed; `stats.findings` counts
 * what is reported: neither suppressed nor baselined.
 */
export function jsonReport(result: ScanResult, options: Pick<ReportOptions, 'baseline'> = {}): string {
  return [...jsonReportParts(result, options)].join('');
}

/**
 * The JSON report in pieces (a few hundred findings each), to be written as they come: a scan with a
 * hundred thousand findings makes a report of hundreds of megabytes, which as one string costs
 * that much memory again (and past about 500 MB cannot be made at all). The pieces joined are
 * exactly `JSON.stringify(report, null, 2)` plus a newline.
 */
export function* jsonReportParts(result: ScanResult, options: Pick<ReportOptions, 'baseline'> = {}): Generator<string> {
  const { baseline } = options;
  const stats: Record<string, number> = {
    ...result.stats,
    findings: result.findings.filter((f) => !f.suppressed && !baseline?.unchanged.has(f)).length,
    suppressed: result.findings.filter((f) => f.suppressed).length,
  };
  if (baseline) {
    stats['baselined'] = result.findings.filter((f) => !f.suppressed && baseline.unchanged.has(f)).length;
    stats['fixed'] = baseline.fixed.length;
  }
  const shape = (f: Finding): Record<string, unknown> => {
    const out: Record<string, unknown> = { ruleId: f.ruleId, severity: f.severity, message: f.message, location: f.location };
    if (f.exposure) out['exposure'] = f.exposure;
    out['fingerprint'] = f.fingerprint;
    out['suppressed'] = f.suppressed;
    if (f.suppression) out['suppression'] = f.suppression;
    if (baseline) out['baselineState'] = baseline.unchanged.has(f) ? 'unchanged' : 'new';
    return out;
  };
  const marker = placeholder();
  yield* jsonInPieces({ tool: TOOL, findings: marker, diagnostics: result.diagnostics, stats }, marker, 2, result.findings, shape);
}

/** The exposure table of DESIGN.md. */
export function exposureJson(result: ScanResult): string {
  return [...exposureJsonParts(result)].join('');
}

/** The exposure table in pieces, a few hundred rows at a time, each row's sources made as it is written. */
export function* exposureJsonParts(result: ScanResult): Generator<string> {
  const blocked = blockedRows(result.blocked);
  const marker = placeholder();
  yield* jsonInPieces({ exposures: marker, ...(blocked.length ? { blocked } : {}) }, marker, 2, exposureRowsLazily(result.exposures), (r) => r.row());
}
