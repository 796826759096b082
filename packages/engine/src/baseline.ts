import { readFileSync } from 'node:fs';
import { compileSchema, type Diagnostic, type Validator } from '@portcullis/model';
import type { Finding } from './evaluate.js';

/**
 * A baseline records the findings an estate had when it was written, by fingerprint, so that a
 * pull request fails only for what it adds. Fingerprints leave line numbers out (see
 * `fingerprint()` in evaluate.ts): moving a rule, or editing lines around it, keeps it baselined.
 */
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  /** Where the finding was when the baseline was written: for people reading the file, not for matching. */
  file?: string;
  line?: number;
  message?: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  tool?: string;
  findings: BaselineEntry[];
}

/** How the findings of a run compare with a baseline. */
export interface BaselineComparison {
  /** The baseline file, as reports show it. */
  file: string;
  /** Findings the baseline already has: reported as such, and they do not fail the run. */
  unchanged: Set<Finding>;
  /** Baseline entries that no finding matches any more: fixed since the baseline was written. */
  fixed: BaselineEntry[];
}

const BASELINE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'findings'],
  properties: {
    version: { const: BASELINE_VERSION },
    tool: { type: 'string' },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['fingerprint', 'ruleId'],
        properties: {
          fingerprint: { type: 'string', minLength: 1 },
          ruleId: { type: 'string' },
          file: { type: 'string' },
          line: { type: 'integer', minimum: 1 },
          message: { type: 'string' },
        },
      },
    },
  },
} as const;

let validator: Validator<Baseline> | undefined;

/**
 * The baseline of a run: every finding that is not suppressed. Suppressed findings stay out, so that
 * when a suppression expires its finding comes back instead of hiding in the baseline.
 */
export function createBaseline(findings: Finding[], tool = 'portcullis'): Baseline {
  return {
    version: BASELINE_VERSION,
    tool,
    findings: findings
      .filter((f) => !f.suppressed)
      .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.location.file, line: f.location.line, message: f.message })),
  };
}

/** The baseline as its file holds it: stable key order, one entry per finding, in report order. */
export function baselineJson(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Reads a baseline file; a file that cannot be read or is not a baseline is an error diagnostic. */
export function readBaseline(path: string, shown: string, diagnostics: Diagnostic[]): Baseline | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code ? `cannot read: ${err.code}` : `not valid JSON: ${err.message}`;
    diagnostics.push({ file: shown, severity: 'error', code: 'invalid-baseline', message: why });
    return undefined;
  }
  validator ??= compileSchema<Baseline>(BASELINE_SCHEMA);
  const result = validator(doc);
  if (!result.ok) {
    for (const p of result.problems) {
      diagnostics.push({ file: shown, severity: 'error', code: 'invalid-baseline', message: `${p.path}: ${p.message}` });
    }
    return undefined;
  }
  return result.value;
}

/**
 * Matches findings against a baseline by fingerprint. A fingerprint that the baseline holds n times
 * matches at most n findings (two identical rules in one chain are two findings), in report order.
 * Suppressed findings use up their entry too, so a suppressed finding is not counted as fixed.
 */
export function compareWithBaseline(findings: Finding[], baseline: Baseline, file: string): BaselineComparison {
  const remaining = new Map<string, number>();
  for (const e of baseline.findings) remaining.set(e.fingerprint, (remaining.get(e.fingerprint) ?? 0) + 1);
  const unchanged = new Set<Finding>();
  for (const f of findings) {
    const left = remaining.get(f.fingerprint) ?? 0;
    if (left === 0) continue;
    remaining.set(f.fingerprint, left - 1);
    unchanged.add(f);
  }
  const fixed: BaselineEntry[] = [];
  for (const e of baseline.findings) {
    const left = remaining.get(e.fingerprint) ?? 0;
    if (left === 0) continue;
    remaining.set(e.fingerprint, left - 1);
    fixed.push(e);
  }
  return { file, unchanged, fixed };
}

/** Whether a finding counts: not suppressed, and not already in the baseline. */
export function isReported(f: Finding, baseline?: BaselineComparison): boolean {
  return !f.suppressed && !baseline?.unchanged.has(f);
}
