import type { ActiveRule, Finding, ScanResult } from '@portcullis/engine/core';
import { exposureMatrix } from './matrix.js';
import { RISK_WEIGHTS, SEVERITY_ORDER, baselinedFindings, plural, reportedFindings, ruleById, ruleDocUrl, type ReportOptions } from './shared.js';

/** More findings than this are listed in the tables but not given their own details block. */
export const MARKDOWN_DETAILS_LIMIT = 200;

/** Text safe inside HTML (`<summary>`) and inline Markdown: no tags, no emphasis, no table breaks. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1');
}

/** Inline code that survives backticks in its text. */
function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  const fence = clean.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${clean}${fence === '``' ? ' ' : ''}${fence}`;
}

function ruleLink(id: string, rule: ActiveRule | undefined, docsUrl: string | undefined): string {
  const url = ruleDocUrl(rule, docsUrl);
  return url ? `[${code(id)}](${url})` : code(id);
}

/**
 * A Markdown report for `$GITHUB_STEP_SUMMARY` or a pull request comment: a table of findings by
 * severity, then the findings grouped by file, each with its details collapsed and a link to its
 * rule's docs page, then the diagnostics. Suppressed and baselined findings are counted, not listed.
 */
export function markdownReport(result: ScanResult, options: Partial<ReportOptions> = {}): string {
  const rules = ruleById(result);
  const shown = reportedFindings(result, options.baseline);
  const suppressed = result.findings.filter((f) => f.suppressed).length;
  const baselined = baselinedFindings(result, options.baseline).length;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const out: string[] = [];

  out.push(`## Portcullis: ${shown.length ? plural(shown.length, 'finding') : 'no findings'}`, '');
  const facts = [`${plural(result.stats.files, 'file')} scanned`];
  if (suppressed) facts.push(`${suppressed} suppressed`);
  if (options.baseline) facts.push(`${baselined} already in the baseline`, `${options.baseline.fixed.length} fixed since the baseline`);
  if (errors.length) facts.push(`**${plural(errors.length, 'error')}: the scan is incomplete**`);
  out.push(facts.join(' · '), '');

  out.push('| Severity | Findings |', '|:--|--:|');
  for (const s of SEVERITY_ORDER) out.push(`| ${s} | ${shown.filter((f) => f.severity === s).length} |`);
  out.push('');

  const byFile = new Map<string, Finding[]>();
  for (const f of shown) byFile.set(f.location.file, [...(byFile.get(f.location.file) ?? []), f]);
  let detailed = 0;
  for (const [file, findings] of byFile) {
    out.push(`### ${code(file)}`, '');
    out.push('| Line | Severity | Rule | Message |', '|--:|:--|:--|:--|');
    for (const f of findings) out.push(`| ${f.location.line} | ${f.severity} | ${ruleLink(f.ruleId, rules.get(f.ruleId), options.docsUrl)} | ${escapeMarkdown(f.message)} |`);
    out.push('');
    for (const f of findings) {
      if (detailed++ >= MARKDOWN_DETAILS_LIMIT) continue;
      out.push(...details(f, rules.get(f.ruleId), options.docsUrl));
    }
  }
  if (detailed > MARKDOWN_DETAILS_LIMIT) {
    out.push(`_Details are shown for the first ${MARKDOWN_DETAILS_LIMIT} findings; the JSON or SARIF report has all ${detailed}._`, '');
  }

  const diagnostics = result.diagnostics.filter((d) => d.severity !== 'info');
  if (diagnostics.length) {
    out.push('<details>', `<summary>${plural(diagnostics.length, 'diagnostic')} (${plural(errors.length, 'error')})</summary>`, '');
    out.push('| File | Line | Severity | Code | Message |', '|:--|--:|:--|:--|:--|');
    for (const d of diagnostics) out.push(`| ${code(d.file)} | ${d.line ?? ''} | ${d.severity} | ${code(d.code)} | ${escapeMarkdown(d.message)} |`);
    out.push('', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}

function details(f: Finding, rule: ActiveRule | undefined, docsUrl: string | undefined): string[] {
  const url = ruleDocUrl(rule, docsUrl);
  // GitHub renders Markdown inside <details> only after a blank line; the summary itself is HTML.
  const title = `${f.severity} · line ${f.location.line} · ${escapeMarkdown(f.ruleId)} · ${escapeMarkdown(f.message)}`;
  const lines = ['<details>', `<summary>${title}</summary>`, ''];
  lines.push(`- **Rule:** ${ruleLink(f.ruleId, rule, docsUrl)}${rule ? ` — ${escapeMarkdown(rule.definition.title)}` : ''}`);
  lines.push(`- **Where:** ${code(`${f.location.file}:${f.location.line}`)}${f.location.resource ? ` (${code(f.location.resource)})` : ''}`);
  if (f.exposure) {
    const from = f.exposure.from.length > 8 ? `${f.exposure.from.slice(0, 8).join(', ')}, … (${f.exposure.fromBlocks ?? f.exposure.from.length} blocks)` : f.exposure.from.join(', ');
    lines.push(`- **Reachable:** ${escapeMarkdown(f.exposure.target)}, ${escapeMarkdown(f.exposure.protocol)} ${escapeMarkdown(f.exposure.ports)} from ${code(from || 'nowhere')}`);
  }
  // Rule texts are the project's own Markdown (as on the docs pages): only their line breaks go.
  if (rule) lines.push(`- **How to fix:** ${rule.definition.remediation.trim().replace(/\s*\n\s*/g, ' ')}`);
  if (url) lines.push(`- **Docs:** ${url}`);
  lines.push(`- **Fingerprint:** ${code(f.fingerprint)}`, '', '</details>', '');
  return lines;
}

/**
 * The audit layout (`--format markdown --layout audit`), for a wiki page or a ticket: the summary and
 * risk score, the exposure matrix as a table, the findings by severity then rule with what to do
 * about them, suppressions, and what the report is based on (parse coverage per file).
 */
export function markdownAuditReport(result: ScanResult, options: Partial<ReportOptions> = {}): string {
  const rules = ruleById(result);
  const shown = sortedBySeverity(reportedFindings(result, options.baseline));
  const suppressed = result.findings.filter((f) => f.suppressed);
  const out: string[] = [];
  out.push('# Portcullis audit report', '');
  out.push(`${plural(result.stats.files, 'file')} · ${plural(result.stats.rules, 'rule')} in them · ${plural(result.stats.forwards, 'forward')} · ${plural(result.stats.exposures, 'exposure')}`, '');

  out.push('## Summary', '', '| Severity | Findings |', '|:--|--:|');
  for (const s of SEVERITY_ORDER) out.push(`| ${s} | ${shown.filter((f) => f.severity === s).length} |`);
  const score = shown.reduce((n, f) => n + RISK_WEIGHTS[f.severity], 0);
  out.push('', `**Risk score: ${score}** (critical × 10, high × 4, medium × 2, low × 1, info × 0)`, '');

  const matrix = exposureMatrix(result, shown);
  out.push('## Exposure matrix', '');
  if (!matrix.targets.length) out.push('Nothing is reachable from the internet.', '');
  else {
    const columns = matrix.columns.slice(0, MARKDOWN_MATRIX_COLUMNS);
    out.push('Targets and ports reachable from anywhere; a cell shows the worst finding about it (C, H, M, L, I), `·` when reachable without one.', '');
    out.push(`| Target | ${columns.map((c) => code(c.key)).join(' | ')} |`, `|:--|${columns.map(() => ':-:').join('|')}|`);
    for (const t of matrix.targets) {
      const cells = columns.map((c) => {
        const hit = matrix.cell(t, c);
        return hit === undefined ? '' : hit === 'open' ? '·' : `**${hit.severity[0]!.toUpperCase()}**`;
      });
      out.push(`| ${escapeMarkdown(t)} | ${cells.join(' | ')} |`);
    }
    if (matrix.columns.length > columns.length) out.push('', `${matrix.columns.length - columns.length} more port columns are left out.`);
    out.push('');
  }

  out.push('## Findings', '');
  if (!shown.length) out.push('No findings.', '');
  for (const severity of SEVERITY_ORDER) {
    const ofSeverity = shown.filter((f) => f.severity === severity);
    if (!ofSeverity.length) continue;
    out.push(`### ${severity} (${ofSeverity.length})`, '');
    const byRule = new Map<string, Finding[]>();
    for (const f of ofSeverity) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [ruleId, findings] of byRule) {
      const rule = rules.get(ruleId);
      out.push(`#### ${ruleLink(ruleId, rule, options.docsUrl)}${rule ? `: ${escapeMarkdown(rule.definition.title)}` : ''}`, '');
      for (const f of findings) out.push(`- ${code(`${f.location.file}:${f.location.line}`)}${f.location.resource ? ` (${code(f.location.resource)})` : ''}: ${escapeMarkdown(f.message)}`);
      if (rule) out.push('', `**How to fix:** ${escapeMarkdown(rule.definition.remediation.trim())}`);
      out.push('');
    }
  }

  if (suppressed.length) {
    out.push('## Suppressed', '', '| Where | Rule | Reason | Until |', '|:--|:--|:--|:--|');
    for (const f of suppressed) {
      out.push(`| ${code(`${f.location.file}:${f.location.line}`)} | ${code(f.ruleId)} | ${escapeMarkdown(f.suppression?.reason ?? '(no reason)')} | ${escapeMarkdown(f.suppression?.until ?? '')} |`);
    }
    out.push('');
  }

  out.push('## What this report is based on', '', '| File | Format | Lines | Recognised | Ignored | Not understood |', '|:--|:--|--:|--:|--:|--:|');
  for (const file of result.files) {
    const l = file.lines;
    out.push(`| ${code(file.path)} | ${escapeMarkdown(file.format)} | ${l.total} | ${l.recognised} | ${l.ignored} | ${l.reported} |`);
  }
  const problems = result.diagnostics.filter((d) => d.severity !== 'info');
  if (problems.length) out.push('', `${plural(problems.length, 'diagnostic')} (errors and warnings) are listed in the JSON report.`);
  out.push('');
  return `${out.join('\n')}\n`;
}

/** More matrix columns than this are left out of the Markdown table. */
export const MARKDOWN_MATRIX_COLUMNS = 30;

function sortedBySeverity(findings: Finding[]): Finding[] {
  const rank = new Map(SEVERITY_ORDER.map((s, i) => [s, i]));
  return [...findings].sort((a, b) => rank.get(a.severity)! - rank.get(b.severity)! || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}
