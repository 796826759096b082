import picomatch from 'picomatch';
import type { Diagnostic, InlineSuppression } from '@portcullis/model';
import type { IgnoreEntry } from './config.js';
import type { Finding } from './evaluate.js';

/** Today's date as YYYY-MM-DD; a suppression `until` that day still holds on it. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Marks findings as suppressed by inline comments (on the finding's line or the line before) and by
 * the config's `ignores`. Expired suppressions stop working and say so; ones without a reason, and
 * ones that match nothing, are warnings.
 */
export function applySuppressions(
  findings: Finding[],
  inline: InlineSuppression[],
  ignores: IgnoreEntry[],
  configFile: string | undefined,
  now: Date,
  diagnostics: Diagnostic[],
): void {
  const today = isoDay(now);
  const used = new Set<InlineSuppression | IgnoreEntry>();
  const byFileLine = new Map<string, InlineSuppression[]>();
  for (const s of inline) {
    if (!s.reason) {
      diagnostics.push({ file: s.file, line: s.line, severity: 'warning', code: 'suppression-without-reason', message: `portcullis-ignore ${s.rules.join(',')} gives no reason (add "-- why this is acceptable")` });
    }
    for (const line of [s.line, s.line + 1]) {
      const key = `${s.file}:${line}`;
      byFileLine.set(key, [...(byFileLine.get(key) ?? []), s]);
    }
  }
  const matchers = ignores.map((i) => (i.file ? picomatch(i.file, { dot: true }) : undefined));

  for (const f of findings) {
    for (const s of byFileLine.get(`${f.location.file}:${f.location.line}`) ?? []) {
      if (!s.rules.includes(f.ruleId) && !s.rules.includes('all')) continue;
      used.add(s);
      if (s.until && s.until < today) continue;
      f.suppressed = true;
      f.suppression = { kind: 'inSource', ...(s.reason ? { reason: s.reason } : {}), ...(s.until ? { until: s.until } : {}) };
      break;
    }
    if (f.suppressed) continue;
    ignores.forEach((i, n) => {
      if (f.suppressed) return;
      if (i.rule !== '*' && i.rule !== f.ruleId) return;
      if (matchers[n] && !matchers[n](f.location.file)) return;
      if (i.resource && i.resource !== f.location.resource && !f.exposure?.target.includes(i.resource)) return;
      if (i.fingerprint && i.fingerprint !== f.fingerprint) return;
      used.add(i);
      if (i.until && i.until < today) return;
      f.suppressed = true;
      f.suppression = { kind: 'external', reason: i.reason, ...(i.until ? { until: i.until } : {}) };
    });
  }

  for (const s of inline) {
    if (s.until && s.until < today && used.has(s)) {
      diagnostics.push({ file: s.file, line: s.line, severity: 'warning', code: 'suppression-expired', message: `portcullis-ignore ${s.rules.join(',')} expired on ${s.until}; the finding is reported again` });
    }
  }
  ignores.forEach((i, n) => {
    const file = configFile ?? 'portcullis.yaml';
    if (i.until && i.until < today && used.has(i)) {
      diagnostics.push({ file, severity: 'warning', code: 'suppression-expired', message: `ignores.${n} (${i.rule}) expired on ${i.until}; its findings are reported again` });
    } else if (!used.has(i)) {
      diagnostics.push({ file, severity: 'warning', code: 'unused-suppression', message: `ignores.${n} (${i.rule}) matches no finding` });
    }
  });
}
