import { createRequire } from 'node:module';
import type Picomatch from 'picomatch';
import type { Diagnostic, InlineSuppression } from '@portcullis/model';
import type { IgnoreEntry } from './config.js';
import type { Finding } from './evaluate.js';

/** Today's date as YYYY-MM-DD; a suppression `until` that day still holds on it. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A real calendar day written as YYYY-MM-DD (2027-02-30 is not one). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

type Suppression = InlineSuppression | IgnoreEntry;

/**
 * Marks findings as suppressed by inline comments (on the finding's line or the line before) and by
 * the config's `ignores`. Expired suppressions stop working and say so; ones without a reason, ones
 * whose `until` is not a date, and ones that match nothing are warnings. A suppression whose `until`
 * is not a date suppresses nothing: an expiry nobody can read must not become "never".
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
  const config = configFile ?? 'portcullis.yaml';
  // The rule ids each suppression matched a finding for ('*' for a config entry).
  const matched = new Map<Suppression, Set<string>>();
  const use = (s: Suppression, ruleId: string): void => {
    const set = matched.get(s) ?? new Set<string>();
    set.add(ruleId);
    matched.set(s, set);
  };
  const undated = new Set<Suppression>();
  const inForce = (s: Suppression): boolean => !undated.has(s) && !(s.until && s.until < today);

  const byFileLine = new Map<string, InlineSuppression[]>();
  for (const s of inline) {
    const what = `portcullis-ignore ${s.rules.join(',')}`;
    if (!s.reason) {
      diagnostics.push({ file: s.file, line: s.line, severity: 'warning', code: 'suppression-without-reason', message: `${what} gives no reason (add "-- why this is acceptable")` });
    }
    if (s.until !== undefined && !isCalendarDay(s.until)) {
      undated.add(s);
      diagnostics.push({ file: s.file, line: s.line, severity: 'warning', code: 'suppression-bad-date', message: `${what}: until ${s.until} is not a calendar day (YYYY-MM-DD), so it suppresses nothing` });
    }
    for (const line of [s.line, s.line + 1]) {
      const key = `${s.file}:${line}`;
      byFileLine.set(key, [...(byFileLine.get(key) ?? []), s]);
    }
  }
  ignores.forEach((i, n) => {
    if (i.until !== undefined && !isCalendarDay(i.until)) {
      undated.add(i);
      diagnostics.push({ file: config, severity: 'warning', code: 'suppression-bad-date', message: `ignores.${n} (${i.rule}): until ${i.until} is not a calendar day, so it suppresses nothing` });
    }
  });
  // Loaded only when a config ignores by file pattern.
  const picomatch = ignores.some((i) => i.file) ? (createRequire(import.meta.url)('picomatch') as typeof Picomatch) : undefined;
  const matchers = ignores.map((i) => (i.file && picomatch ? picomatch(i.file, { dot: true }) : undefined));

  const suppress = (f: Finding, suppression: NonNullable<Finding['suppression']>): void => {
    if (f.suppressed) return;
    f.suppressed = true;
    f.suppression = suppression;
  };
  for (const f of findings) {
    // Every suppression that covers a finding counts as used, even when an earlier one already hid it.
    for (const s of byFileLine.get(`${f.location.file}:${f.location.line}`) ?? []) {
      if (!s.rules.includes(f.ruleId) && !s.rules.includes('all')) continue;
      use(s, s.rules.includes(f.ruleId) ? f.ruleId : 'all');
      if (inForce(s)) suppress(f, { kind: 'inSource', ...(s.reason ? { reason: s.reason } : {}), ...(s.until ? { until: s.until } : {}) });
    }
    ignores.forEach((i, n) => {
      if (i.rule !== '*' && i.rule !== f.ruleId) return;
      if (matchers[n] && !matchers[n](f.location.file)) return;
      if (i.resource && i.resource !== f.location.resource && !f.exposure?.target.includes(i.resource)) return;
      if (i.fingerprint && i.fingerprint !== f.fingerprint) return;
      use(i, '*');
      if (inForce(i)) suppress(f, { kind: 'external', reason: i.reason, ...(i.until ? { until: i.until } : {}) });
    });
  }

  for (const s of inline) {
    const what = `portcullis-ignore ${s.rules.join(',')}`;
    const hit = matched.get(s);
    if (hit && s.until && s.until < today && !undated.has(s)) {
      diagnostics.push({ file: s.file, line: s.line, severity: 'warning', code: 'suppression-expired', message: `${what} expired on ${s.until}; the finding is reported again` });
    }
    if (undated.has(s)) continue;
    const unused = s.rules.filter((r) => !hit || (r !== 'all' && !hit.has(r)));
    if (unused.length > 0) {
      const which = unused.length === s.rules.length ? what : `${what}: ${unused.join(',')}`;
      diagnostics.push({ file: s.file, line: s.line, severity: 'warning', code: 'unused-suppression', message: `${which} matches no finding on line ${s.line} or ${s.line + 1}` });
    }
  }
  ignores.forEach((i, n) => {
    if (undated.has(i)) return;
    if (i.until && i.until < today && matched.has(i)) {
      diagnostics.push({ file: config, severity: 'warning', code: 'suppression-expired', message: `ignores.${n} (${i.rule}) expired on ${i.until}; its findings are reported again` });
    } else if (!matched.has(i)) {
      diagnostics.push({ file: config, severity: 'warning', code: 'unused-suppression', message: `ignores.${n} (${i.rule}) matches no finding` });
    }
  });
}
