import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Diagnostic } from '@portcullis/model';
import type { ActiveRule, Finding, ScanResult, Severity } from '@portcullis/engine/core';
import { TOOL } from './json.js';
import { jsonInPieces, placeholder } from './pieces.js';
import { ruleMarkdown } from './rule-doc.js';
import { SECURITY_SEVERITY, SEVERITY_ORDER, isAbsoluteUri, ruleById, ruleDocUrl, type ReportOptions } from './shared.js';

/** The key of our fingerprint in `partialFingerprints`; the version changes if its recipe does. */
export const FINGERPRINT_KEY = 'portcullisFingerprint/v1';

/** Relative paths in results are relative to the scanned repository's root, GitHub's `%SRCROOT%`. */
export const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, Sarif.Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: every active rule in `tool.driver.rules` (with its
 * docs page as help), one result per finding with one physical location and a fingerprint that does
 * not depend on line numbers. Suppressed findings stay in, with their `suppressions`; with a
 * baseline, each result says whether it is `new` or `unchanged`. Diagnostics become the
 * invocation's notifications.
 */
export function sarifReport(result: ScanResult, options: Partial<ReportOptions> = {}): string {
  return [...sarifReportParts(result, options)].join('');
}

/** The SARIF log in pieces, a few hundred results at a time (see jsonInPieces). */
export function* sarifReportParts(result: ScanResult, options: Partial<ReportOptions> = {}): Generator<string> {
  const rules = ruleById(result);
  const descriptors: Sarif.ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  const describe = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = descriptors.length;
      index.set(id, i);
      descriptors.push(ruleDescriptor(id, rules.get(id), options.docsUrl));
    }
    return i;
  };
  for (const r of result.rules) describe(r.definition.id);
  // The rules come before the results in the log: every one a result names is described first.
  for (const f of result.findings) describe(f.ruleId);

  const marker = placeholder();
  const run: Sarif.Run = {
    tool: { driver: { name: TOOL.name, version: TOOL.version, semanticVersion: TOOL.version, rules: descriptors } },
    invocations: [
      {
        executionSuccessful: !result.diagnostics.some((d) => d.severity === 'error'),
        toolExecutionNotifications: result.diagnostics.map(notification),
      },
    ],
    columnKind: 'utf16CodeUnits',
    results: marker as unknown as Sarif.Result[],
  };
  if (options.baseline) {
    run.properties = {
      baseline: {
        file: options.baseline.file,
        unchanged: result.findings.filter((f) => options.baseline!.unchanged.has(f)).length,
        fixed: options.baseline.fixed.length,
      },
    };
  }
  const log: Sarif.Log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
  // Two findings with one fingerprint (the same rule written twice in one chain) stay two alerts:
  // the occurrence number keeps them apart, and it does not change when unrelated lines move.
  const occurrences = new Map<string, number>();
  yield* jsonInPieces(log, marker, 4, result.findings, (f): Sarif.Result => {
    const n = (occurrences.get(f.fingerprint) ?? 0) + 1;
    occurrences.set(f.fingerprint, n);
    return sarifResult(f, describe(f.ruleId), n, options);
  });
}

/** PascalCase of the id: SARIF's friendly `name`, which should differ from the id. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** The highest severity a rule can report: what GitHub files the rule's alerts under. */
function topSeverity(rule: ActiveRule): Severity {
  if (rule.severityOverride) return rule.severity;
  const all = [rule.severity, ...(rule.definition.severityBy ?? []).map((s) => s.severity)];
  return SEVERITY_ORDER.find((s) => all.includes(s)) ?? rule.severity;
}

function ruleDescriptor(id: string, rule: ActiveRule | undefined, docsUrl: string | undefined): Sarif.ReportingDescriptor {
  if (!rule) return { id, name: ruleName(id), shortDescription: { text: id }, properties: { tags: ['security'] } };
  const d = rule.definition;
  const top = topSeverity(rule);
  const doc = ruleDocUrl(rule, docsUrl);
  const descriptor: Sarif.ReportingDescriptor = {
    id,
    name: ruleName(id),
    shortDescription: { text: d.title },
    fullDescription: { text: oneLine(d.description) },
    help: {
      text: [oneLine(d.description), `Why: ${oneLine(d.rationale)}`, `How to fix: ${oneLine(d.remediation)}`, ...(doc ? [`Docs: ${doc}`] : [])].join('\n\n'),
      // The rule's docs page as `pnpm run docs` generates it, without the "generated" comment.
      markdown: ruleMarkdown(d).replace(/^<!--.*?-->\n/, ''),
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [...new Set(['security', ...d.tags])],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[top],
    },
  };
  // SARIF wants an absolute URI here (GitHub rejects others); a relative docs path goes in the help text only.
  if (doc && isAbsoluteUri(doc)) descriptor.helpUri = doc;
  return descriptor;
}

const oneLine = (text: string): string => text.trim().replace(/\s*\n\s*/g, ' ');

/** A path as a SARIF URI: relative ones percent-encoded per segment under %SRCROOT%, absolute ones as file: URLs. */
export function artifactLocation(file: string): Sarif.ArtifactLocation {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function physicalLocation(file: string, line: number | undefined, column?: number, endLine?: number): Sarif.Location {
  const physical: Sarif.PhysicalLocation = { artifactLocation: artifactLocation(file) };
  if (line !== undefined && line >= 1) {
    const region: Sarif.Region = { startLine: line };
    if (column !== undefined && column >= 1) region.startColumn = column;
    if (endLine !== undefined && endLine > line) region.endLine = endLine;
    physical.region = region;
  }
  return { physicalLocation: physical };
}

function sarifResult(f: Finding, ruleIndex: number, occurrence: number, options: Partial<ReportOptions>): Sarif.Result {
  const location = physicalLocation(f.location.file, f.location.line, f.location.column, f.location.endLine);
  if (f.location.resource) location.logicalLocations = [{ fullyQualifiedName: f.location.resource, kind: 'resource' }];
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: `${f.fingerprint}:${occurrence}` },
    properties: { severity: f.severity, ...(f.exposure ? { exposure: f.exposure } : {}) },
  };
  if (f.suppressed && f.suppression) {
    const s: Sarif.Suppression = { kind: f.suppression.kind, status: 'accepted' };
    if (f.suppression.reason) s.justification = f.suppression.reason;
    if (f.suppression.until) s.properties = { until: f.suppression.until };
    out.suppressions = [s];
  }
  if (options.baseline) out.baselineState = options.baseline.unchanged.has(f) ? 'unchanged' : 'new';
  return out;
}

const NOTIFICATION_LEVEL: Record<Diagnostic['severity'], Sarif.Notification.level> = { error: 'error', warning: 'warning', info: 'note' };

function notification(d: Diagnostic): Sarif.Notification {
  const n: Sarif.Notification = { level: NOTIFICATION_LEVEL[d.severity], message: { text: d.message }, descriptor: { id: d.code } };
  // `.` stands for the run itself (a bad option), not a file.
  if (d.file && d.file !== '.') n.locations = [physicalLocation(d.file, d.line, d.column)];
  return n;
}
