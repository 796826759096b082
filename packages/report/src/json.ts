import type { ScanResult } from '@portcullis/engine';
import { exposureRows } from '@portcullis/engine';

export const TOOL = { name: 'portcullis', version: '0.1.0' } as const;

/** The JSON report of DESIGN.md: deterministic key order, findings and diagnostics already sorted. */
export function jsonReport(result: ScanResult): string {
  const findings = result.findings.map((f) => {
    const out: Record<string, unknown> = { ruleId: f.ruleId, severity: f.severity, message: f.message, location: f.location };
    if (f.exposure) out['exposure'] = f.exposure;
    out['fingerprint'] = f.fingerprint;
    out['suppressed'] = f.suppressed;
    if (f.suppression) out['suppression'] = f.suppression;
    return out;
  });
  const report = {
    tool: TOOL,
    findings,
    diagnostics: result.diagnostics,
    stats: {
      ...result.stats,
      findings: result.findings.filter((f) => !f.suppressed).length,
      suppressed: result.findings.filter((f) => f.suppressed).length,
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The exposure table of DESIGN.md. */
export function exposureJson(result: ScanResult): string {
  return `${JSON.stringify({ exposures: exposureRows(result.exposures) }, null, 2)}\n`;
}
