import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exposureRowsLazily, type ActiveRule, type ExposureSummary, type Finding, type ScanResult, type Severity } from '@portcullis/engine/core';
import { TOOL } from './json.js';
import { exposureMatrix } from './matrix.js';
import { RISK_WEIGHTS, SEVERITY_ORDER, plural, reportedFindings, ruleById, ruleDocUrl, type ReportOptions } from './shared.js';

export { RISK_WEIGHTS };

export interface HtmlReportOptions extends ReportOptions {
  /** The folder the scan ran in: findings' file paths are relative to it. Default: the process's. */
  cwd?: string;
}

/** Lines of source shown above and below a finding's line(s). */
export const HTML_CONTEXT_LINES = 3;
/** More matrix columns than this are left out (and counted): a wider table reads as noise. */
export const HTML_MATRIX_COLUMNS = 60;


/** Text safe in HTML content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const SEVERITY_COLOUR: Record<Severity, string> = { critical: '#7b1fa2', high: '#c62828', medium: '#ef6c00', low: '#0277bd', info: '#757575' };
const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * The filter: it shows the (hidden by default) form, and hides findings that do not match it. It
 * reads only attributes and sets only `hidden` and `textContent`, so nothing from the inputs is ever
 * parsed as HTML. Without JavaScript the form stays hidden and everything is shown.
 */
const FILTER_SCRIPT = `(function () {
  var form = document.getElementById('filter');
  if (!form) return;
  form.hidden = false;
  var fields = ['severity', 'rule', 'file'];
  var findings = document.querySelectorAll('[data-finding]');
  var groups = document.querySelectorAll('[data-group]');
  var count = document.getElementById('filter-count');
  function apply() {
    var want = {};
    fields.forEach(function (name) { want[name] = form.elements[name].value; });
    var shown = 0;
    findings.forEach(function (el) {
      var match = fields.every(function (name) { return !want[name] || el.getAttribute('data-' + name) === want[name]; });
      el.hidden = !match;
      if (match) shown++;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('[data-finding]:not([hidden])'); });
    count.textContent = shown + ' of ' + findings.length + ' findings shown';
  }
  form.addEventListener('change', apply);
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  apply();
})();`;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem;color:#212121}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right}
.sev{display:inline-block;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.85em;font-weight:600}
${SEVERITY_ORDER.map((s) => `.sev-${s}{background:${SEVERITY_COLOUR[s]}}`).join('\n')}
.matrix td{text-align:center;min-width:2.5rem}.matrix td a{color:#fff;font-weight:600;text-decoration:none;display:block}
.matrix td.open{background:#9e9e9e}
article.finding{border:1px solid #ddd;border-left:6px solid #999;margin:.8rem 0;padding:.5rem .8rem;break-inside:avoid;content-visibility:auto;contain-intrinsic-size:auto 260px}
${SEVERITY_ORDER.map((s) => `article.finding.sev-border-${s}{border-left-color:${SEVERITY_COLOUR[s]}}`).join('\n')}
pre.source{background:#fafafa;border:1px solid #eee;padding:.3rem 0;overflow-x:auto;font-size:12.5px}
pre.source span{display:block;padding:0 .6rem;white-space:pre}pre.source .hit{background:#fff3cd}
pre.source .ln{display:inline;color:#9e9e9e;user-select:none}pre.source .comment{display:inline;color:#2e7d32;padding:0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
ol.path{margin:.2rem 0;padding-left:1.4rem}
form#filter{position:sticky;top:0;background:#fff;padding:.4rem 0;border-bottom:1px solid #ddd}
form#filter label{margin-right:1rem}
.muted{color:#757575}
@media print{form#filter{display:none}a{color:inherit;text-decoration:none}h2{break-after:avoid}}
`;

/** A reported finding with its place in the report and its anchor. */
interface Anchored {
  finding: Finding;
  order: number;
  id: string;
}

/**
 * A self-contained HTML audit report: an executive summary (counts, risk score, most exposed
 * targets, a chart), the exposure matrix, the findings by severity then rule with their source and
 * remediation, the suppressions, and the inventory with parse coverage. No network requests: styles,
 * the chart and the filter script are inline, and a Content-Security-Policy forbids anything else.
 */
export function htmlReport(result: ScanResult, options: Partial<HtmlReportOptions> = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const rules = ruleById(result);
  const shown: Anchored[] = sortFindings(reportedFindings(result, options.baseline)).map((finding, i) => ({ finding, order: i, id: `finding-${i + 1}` }));
  const suppressed = result.findings.filter((f) => f.suppressed);
  const sources = new SourceCache(cwd);

  const body = [
    `<header><h1>Portcullis audit report</h1><p class="muted">${escapeHtml(TOOL.name)} ${escapeHtml(TOOL.version)} · ${plural(result.stats.files, 'file')} · ${plural(result.rules.length, 'rule')}</p></header>`,
    summarySection(result, shown.map((a) => a.finding), suppressed.length),
    matrixSection(result, shown),
    findingsSection(shown, rules, sources, pathSteps(result), options.docsUrl),
    suppressionsSection(suppressed),
    inventorySection(result),
    diagnosticsSection(result),
  ].join('\n');

  const scriptHash = createHash('sha256').update(FILTER_SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Portcullis audit report</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    `<script>${FILTER_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.location.file, b.location.file) ||
      a.location.line - b.location.line ||
      cmp(a.message, b.message),
  );
}

/** Back in report order (worst first) after merging lists. */
function sortAnchored(list: Anchored[]): Anchored[] {
  return [...list].sort((a, b) => a.order - b.order);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function severityBadge(s: Severity): string {
  return `<span class="sev sev-${s}">${s}</span>`;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

function summarySection(result: ScanResult, findings: Finding[], suppressed: number): string {
  const bySeverity = countBy(findings, (f) => f.severity);
  const byRule = [...countBy(findings, (f) => f.ruleId)].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
  const risk = findings.reduce((sum, f) => sum + RISK_WEIGHTS[f.severity], 0);
  const byTarget = [...countBy(findings.filter((f) => f.exposure), (f) => f.exposure!.target)].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).slice(0, 5);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;

  const rows = SEVERITY_ORDER.map((s) => `<tr><td>${severityBadge(s)}</td><td class="num">${bySeverity.get(s) ?? 0}</td></tr>`).join('');
  const weights = SEVERITY_ORDER.map((s) => `${s} × ${RISK_WEIGHTS[s]}`).join(', ');
  const targets = byTarget.length
    ? `<ol>${byTarget.map(([t, n]) => `<li>${escapeHtml(t)} — ${plural(n, 'finding')}</li>`).join('')}</ol>`
    : '<p>No findings about a reachable target.</p>';
  const chart = barChart([
    ...SEVERITY_ORDER.map((s) => ({ label: s, value: bySeverity.get(s) ?? 0, colour: SEVERITY_COLOUR[s] })),
    ...byRule.slice(0, 12).map(([id, n]) => ({ label: id, value: n, colour: '#546e7a' })),
  ]);
  return `<section id="summary"><h2>Executive summary</h2>
<p><strong>${findings.length ? plural(findings.length, 'finding') : 'No findings'}</strong>${suppressed ? ` · ${suppressed} suppressed` : ''} · ${plural(result.stats.exposures, 'exposure')} · ${plural(result.stats.forwards, 'forward')}${errors ? ` · <strong>${plural(errors, 'error')}: the scan is incomplete</strong>` : ''}</p>
<table><thead><tr><th>Severity</th><th>Findings</th></tr></thead><tbody>${rows}</tbody></table>
<p><strong>Risk score: ${risk}</strong> <span class="muted">(the sum over the reported findings of ${weights})</span></p>
<h3>Most exposed targets</h3>${targets}
<h3>Findings by severity and by rule</h3>${chart}</section>`;
}

/** A horizontal bar chart as inline SVG: one bar per entry, labels escaped. */
function barChart(bars: { label: string; value: number; colour: string }[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 20;
  const labelWidth = 220;
  const barWidth = 400;
  const height = bars.length * rowHeight + 4;
  const items = bars.map((b, i) => {
    const y = i * rowHeight + 2;
    const w = Math.round((b.value / max) * barWidth);
    return `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(b.label)}</text><rect x="${labelWidth}" y="${y + 2}" width="${w}" height="${rowHeight - 6}" fill="${b.colour}"></rect><text x="${labelWidth + w + 4}" y="${y + 14}">${b.value}</text>`;
  });
  return `<svg role="img" aria-label="Findings by severity and by rule" xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 60}" height="${height}" font-size="12" font-family="sans-serif">${items.join('')}</svg>`;
}

function matrixSection(result: ScanResult, findings: Anchored[]): string {
  const intro = '<p>Targets (rows) and ports (columns) reachable from anywhere on the internet. A cell is coloured by the worst finding about it and links to it; grey cells are reachable without a finding.</p>';
  const ids = new Map(findings.map((a) => [a.finding, a.id]));
  const matrix = exposureMatrix(result, sortAnchored(findings).map((a) => a.finding));
  if (!matrix.targets.length) return `<section id="matrix"><h2>Exposure matrix</h2>${intro}<p>Nothing is reachable from the internet.</p></section>`;
  const shownColumns = matrix.columns.slice(0, HTML_MATRIX_COLUMNS);
  const head = `<tr><th scope="col">Target</th>${shownColumns.map((c) => `<th scope="col">${escapeHtml(c.key)}</th>`).join('')}</tr>`;
  const body = matrix.targets.map((target) => {
    const tds = shownColumns.map((c) => {
      const hit = matrix.cell(target, c);
      if (hit === undefined) return '<td></td>';
      if (hit === 'open') return `<td class="open" title="reachable, no finding">·</td>`;
      const s = hit.severity;
      return `<td class="sev-${s}" title="${escapeHtml(`${s}: ${hit.message}`)}"><a href="#${ids.get(hit) ?? ''}">${s[0]!.toUpperCase()}</a></td>`;
    });
    return `<tr><th scope="row">${escapeHtml(target)}</th>${tds.join('')}</tr>`;
  });
  const more = matrix.columns.length > shownColumns.length ? `<p class="muted">${matrix.columns.length - shownColumns.length} more port columns are left out; the exposures table of <code>portcullis exposures</code> has them all.</p>` : '';
  return `<section id="matrix"><h2>Exposure matrix</h2>${intro}<table class="matrix"><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table>${more}</section>`;
}

/** The scanned files' lines, read once each; a file that cannot be read shows no source. */
class SourceCache {
  private readonly files = new Map<string, string[] | undefined>();
  constructor(private readonly cwd: string) {}

  lines(file: string): string[] | undefined {
    if (!this.files.has(file)) {
      let lines: string[] | undefined;
      try {
        lines = readFileSync(resolve(this.cwd, file), 'utf8').split(/\r\n|\r|\n/);
      } catch {
        lines = undefined;
      }
      this.files.set(file, lines);
    }
    return this.files.get(file);
  }
}

const COMMENT = /^(\s*)([#!;].*|\/\/.*)$/;

/** The finding's line(s) with context; comments are set apart, the finding's lines marked. */
function sourceBlock(f: Finding, sources: SourceCache): string {
  const lines = sources.lines(f.location.file);
  if (!lines) return '<p class="muted">The source file could not be read.</p>';
  const first = f.location.line;
  const last = Math.max(first, f.location.endLine ?? first);
  const from = Math.max(1, first - HTML_CONTEXT_LINES);
  const to = Math.min(lines.length, last + HTML_CONTEXT_LINES);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const text = lines[n - 1] ?? '';
    const comment = COMMENT.exec(text);
    const code = comment ? `${escapeHtml(comment[1]!)}<span class="comment">${escapeHtml(comment[2]!)}</span>` : escapeHtml(text);
    out.push(`<span${n >= first && n <= last ? ' class="hit"' : ''}><span class="ln">${String(n).padStart(width)}  </span>${code}</span>`);
  }
  return `<pre class="source">${out.join('')}</pre>`;
}

/** The forward → firewall rule → service steps of the exposures, by each step's `file:line`. */
function pathSteps(result: ScanResult): Map<string, ExposureSummary['path']> {
  const out = new Map<string, ExposureSummary['path']>();
  for (const row of exposureRowsLazily(result.exposures).map((r) => r.summary)) {
    for (const step of row.path) {
      const key = `${step.file}:${step.line}`;
      if (!out.has(key)) out.set(key, row.path);
    }
  }
  return out;
}

function findingsSection(findings: Anchored[], rules: Map<string, ActiveRule>, sources: SourceCache, paths: Map<string, ExposureSummary['path']>, docsUrl: string | undefined): string {
  const options = (values: string[]): string => values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  const distinct = (key: (f: Finding) => string): string[] => [...new Set(findings.map((a) => key(a.finding)))].sort(cmp);
  const form = `<form id="filter" hidden>
<label>Severity <select name="severity"><option value="">all</option>${options(SEVERITY_ORDER.filter((s) => findings.some((a) => a.finding.severity === s)))}</select></label>
<label>Rule <select name="rule"><option value="">all</option>${options(distinct((f) => f.ruleId))}</select></label>
<label>File <select name="file"><option value="">all</option>${options(distinct((f) => f.location.file))}</select></label>
<button type="reset">Show all</button> <span id="filter-count" class="muted"></span>
</form>`;
  if (!findings.length) return `<section id="findings"><h2>Findings</h2><p>No findings.</p></section>`;

  const out: string[] = [];
  for (const s of SEVERITY_ORDER) {
    const ofSeverity = findings.filter((a) => a.finding.severity === s);
    if (!ofSeverity.length) continue;
    out.push(`<section data-group><h3>${severityBadge(s)} ${plural(ofSeverity.length, 'finding')}</h3>`);
    for (const ruleId of [...new Set(ofSeverity.map((a) => a.finding.ruleId))]) {
      const rule = rules.get(ruleId);
      const ofRule = ofSeverity.filter((a) => a.finding.ruleId === ruleId);
      out.push(`<section data-group><h4><code>${escapeHtml(ruleId)}</code>${rule ? ` — ${escapeHtml(rule.definition.title)}` : ''}</h4>`);
      out.push(ruleBlock(rule, docsUrl));
      for (const a of ofRule) out.push(findingBlock(a, sources, paths));
      out.push('</section>');
    }
    out.push('</section>');
  }
  return `<section id="findings"><h2>Findings</h2>${form}\n${out.join('\n')}</section>`;
}

function ruleBlock(rule: ActiveRule | undefined, docsUrl: string | undefined): string {
  if (!rule) return '';
  const d = rule.definition;
  const url = ruleDocUrl(rule, docsUrl);
  const refs = [...(url ? [url] : []), ...(d.references ?? [])];
  const links = refs.map((r) => (/^https?:\/\//i.test(r) || !/^[a-z][a-z0-9+.-]*:/i.test(r) ? `<li><a href="${escapeHtml(r)}">${escapeHtml(r)}</a></li>` : `<li>${escapeHtml(r)}</li>`));
  return `<dl class="meta"><dt>Why</dt><dd>${escapeHtml(d.rationale.trim())}</dd><dt>How to fix</dt><dd>${escapeHtml(d.remediation.trim())}</dd>${links.length ? `<dt>References</dt><dd><ul>${links.join('')}</ul></dd>` : ''}</dl>`;
}

function findingBlock({ finding: f, id }: Anchored, sources: SourceCache, paths: Map<string, ExposureSummary['path']>): string {
  const where = `${f.location.file}:${f.location.line}`;
  const exposure = f.exposure
    ? `<dt>Reachable</dt><dd>${escapeHtml(`${f.exposure.target}, ${f.exposure.protocol} ${f.exposure.ports} from ${f.exposure.from.length > 8 ? `${f.exposure.from.slice(0, 8).join(', ')}, … (${f.exposure.fromBlocks ?? f.exposure.from.length} blocks)` : f.exposure.from.join(', ') || 'nowhere'}`)}</dd>`
    : '';
  const path = paths.get(where);
  const steps = path && path.length ? `<dt>Path</dt><dd><ol class="path">${path.map((p) => `<li><code>${escapeHtml(`${p.file}:${p.line}`)}</code> ${escapeHtml(p.summary)}</li>`).join('')}</ol></dd>` : '';
  return `<article class="finding sev-border-${f.severity}" id="${id}" data-finding data-severity="${f.severity}" data-rule="${escapeHtml(f.ruleId)}" data-file="${escapeHtml(f.location.file)}">
<p>${severityBadge(f.severity)} <strong>${escapeHtml(f.message)}</strong></p>
<dl class="meta"><dt>Where</dt><dd><code>${escapeHtml(where)}</code>${f.location.resource ? ` (${escapeHtml(f.location.resource)})` : ''}</dd>${exposure}${steps}<dt>Fingerprint</dt><dd><code>${escapeHtml(f.fingerprint)}</code></dd></dl>
${sourceBlock(f, sources)}
</article>`;
}

function suppressionsSection(suppressed: Finding[]): string {
  if (!suppressed.length) return '<section id="suppressions"><h2>Suppressions</h2><p>No finding is suppressed.</p></section>';
  const rows = sortFindings(suppressed).map(
    (f) =>
      `<tr><td>${severityBadge(f.severity)}</td><td><code>${escapeHtml(f.ruleId)}</code></td><td><code>${escapeHtml(`${f.location.file}:${f.location.line}`)}</code></td><td>${escapeHtml(f.message)}</td><td>${f.suppression?.kind === 'external' ? 'config' : 'in source'}</td><td>${escapeHtml(f.suppression?.reason ?? '')}</td><td>${escapeHtml(f.suppression?.until ?? '')}</td></tr>`,
  );
  return `<section id="suppressions"><h2>Suppressions</h2><table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th><th>Kind</th><th>Reason</th><th>Until</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}

function inventorySection(result: ScanResult): string {
  const rows = result.files.map((file) => {
    const l = file.lines;
    const coverage = l.total ? `${((100 * (l.recognised + l.ignored)) / l.total).toFixed(1)}%` : '—';
    return `<tr><td><code>${escapeHtml(file.path)}</code></td><td>${escapeHtml(file.format)}</td><td class="num">${l.total}</td><td class="num">${l.recognised}</td><td class="num">${l.ignored}</td><td class="num">${l.reported}</td><td class="num">${coverage}</td></tr>`;
  });
  const rules = result.rules.map((r) => `<tr><td><code>${escapeHtml(r.definition.id)}</code></td><td>${severityBadge(r.severity)}</td><td>${escapeHtml(r.definition.title)}</td><td>${escapeHtml(r.source)}</td></tr>`);
  return `<section id="inventory"><h2>Inventory</h2>
<p>${plural(result.files.length, 'file')}, ${plural(result.devices.length, 'device')}, ${plural(result.stats.forwards, 'forward')}, ${plural(result.services.length, 'service')}, ${plural(result.rules.length, 'rule')}.</p>
<h3>Parse coverage</h3><p class="muted">Coverage is the share of lines recognised or deliberately ignored; unrecognised lines are reported as diagnostics.</p>
<table><thead><tr><th>File</th><th>Format</th><th>Lines</th><th>Recognised</th><th>Ignored</th><th>Unrecognised</th><th>Coverage</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>
<h3>Rules</h3><table><thead><tr><th>Rule</th><th>Severity</th><th>Title</th><th>Source</th></tr></thead><tbody>${rules.join('\n')}</tbody></table></section>`;
}

function diagnosticsSection(result: ScanResult): string {
  const diagnostics = result.diagnostics.filter((d) => d.severity !== 'info');
  if (!diagnostics.length) return '';
  const rows = diagnostics.map((d) => `<tr><td><code>${escapeHtml(d.file)}</code></td><td class="num">${d.line ?? ''}</td><td>${escapeHtml(d.severity)}</td><td><code>${escapeHtml(d.code)}</code></td><td>${escapeHtml(d.message)}</td></tr>`);
  return `<section id="diagnostics"><h2>Diagnostics</h2><table><thead><tr><th>File</th><th>Line</th><th>Severity</th><th>Code</th><th>Message</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}
