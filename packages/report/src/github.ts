import type { Diagnostic } from '@portcullis/model';
import type { ScanResult, Severity } from '@portcullis/engine/core';
import { TOOL } from './json.js';
import { baselinedFindings, plural, reportedFindings, ruleById, type ReportOptions } from './shared.js';

type Command = 'error' | 'warning' | 'notice';

const COMMAND: Record<Severity, Command> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice', info: 'notice' };
const DIAGNOSTIC_COMMAND: Record<Diagnostic['severity'], Command | undefined> = { error: 'error', warning: 'warning', info: undefined };

/** A command's message, escaped as the Actions runner reads it (`%`, CR and LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command property's value: also `:` and `,`, which would end the value early. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: Command, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/**
 * GitHub Actions workflow commands: one annotation per reported finding (`::error` for critical and
 * high, `::warning` for medium, `::notice` for low and info) and per error or warning diagnostic, so
 * they show on the lines of the pull request's diff. Suppressed and baselined findings are left out.
 * A plain summary line ends the output.
 */
export function githubReport(result: ScanResult, options: Partial<ReportOptions> = {}): string {
  const rules = ruleById(result);
  const lines: string[] = [];
  for (const f of reportedFindings(result, options.baseline)) {
    const title = `${f.ruleId} (${f.severity})${rules.get(f.ruleId) ? `: ${rules.get(f.ruleId)!.definition.title}` : ''}`;
    lines.push(
      command(
        COMMAND[f.severity],
        { file: f.location.file, line: f.location.line, endLine: f.location.endLine, col: f.location.column, title },
        f.message,
      ),
    );
  }
  for (const d of result.diagnostics) {
    const kind = DIAGNOSTIC_COMMAND[d.severity];
    if (!kind) continue;
    const file = d.file === '.' ? undefined : d.file;
    lines.push(command(kind, { file, line: file && d.line ? d.line : undefined, col: file && d.line ? d.column : undefined, title: `${TOOL.name}: ${d.code}` }, d.message));
  }
  const shown = reportedFindings(result, options.baseline).length;
  const extra = [
    `${plural(result.stats.files, 'file')} scanned`,
    ...(result.findings.some((f) => f.suppressed) ? [`${result.findings.filter((f) => f.suppressed).length} suppressed`] : []),
    ...(options.baseline ? [`${baselinedFindings(result, options.baseline).length} in the baseline`, `${options.baseline.fixed.length} fixed since the baseline`] : []),
  ];
  lines.push(`${TOOL.name}: ${shown ? plural(shown, 'finding') : 'no findings'}; ${extra.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
