import { isReported, type ActiveRule, type BaselineComparison, type Finding, type ScanResult, type Severity } from '@portcullis/engine/core';

/** What every formatter may be told besides the scan result. */
export interface ReportOptions {
  /** ANSI colours; the CLI turns them on for a terminal only. */
  color: boolean;
  /**
   * Where the rule docs pages (`<id>.md`) live: an absolute URL such as
   * `https://github.com/OWNER/portcullis/blob/main/docs/rules`, or a relative path. The CLI takes it
   * from `PORTCULLIS_DOCS_URL`; the default is the repository's own `docs/rules`.
   */
  docsUrl?: string;
  /** Set when the run was compared with a baseline (`--baseline FILE`). */
  baseline?: BaselineComparison;
  /** Markdown only: `pr` (default) for a pull request comment or step summary, `audit` for a wiki page or ticket. */
  layout?: 'pr' | 'audit';
}

export const DEFAULT_DOCS_URL = 'docs/rules';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/**
 * The 0.0–10.0 score GitHub code scanning reads from `properties.security-severity`: it files 9.0 and
 * above as critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. Each of our severities sits inside
 * its GitHub band, so both tools say the same word.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** True for `https://…`, `file:…`: a URI with a scheme. */
export function isAbsoluteUri(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text);
}

/**
 * The docs page of a rule, or undefined for a user's own rule (it has no page in docs/rules). The
 * base is used as given, with one `/` between it and the page.
 */
export function ruleDocUrl(rule: ActiveRule | undefined, docsUrl: string | undefined): string | undefined {
  if (!rule || rule.source !== 'builtin') return undefined;
  const base = (docsUrl?.trim() || DEFAULT_DOCS_URL).replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(rule.definition.id)}.md`;
}

/** The findings a reader should act on: not suppressed, and not already in the baseline. */
export function reportedFindings(result: ScanResult, baseline?: BaselineComparison): Finding[] {
  return result.findings.filter((f) => isReported(f, baseline));
}

/** The findings the baseline already had and that are not suppressed: shown as counts only. */
export function baselinedFindings(result: ScanResult, baseline?: BaselineComparison): Finding[] {
  return baseline ? result.findings.filter((f) => !f.suppressed && baseline.unchanged.has(f)) : [];
}

export function ruleById(result: ScanResult): Map<string, ActiveRule> {
  return new Map(result.rules.map((r) => [r.definition.id, r]));
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The weight of one finding of each severity in the risk score: the score is the weighted sum of the
 * reported findings, so a critical counts as two highs and a half.
 */
export const RISK_WEIGHTS: Record<Severity, number> = { critical: 10, high: 4, medium: 2, low: 1, info: 0 };
