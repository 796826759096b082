export * from './github.js';
export * from './html.js';
export * from './json.js';
export * from './junit.js';
export * from './markdown.js';
export * from './sarif.js';
export * from './shared.js';
export * from './text.js';

import type { ScanResult } from '@portcullis/engine/core';
import { githubReport } from './github.js';
import { htmlReport } from './html.js';
import { jsonReport, jsonReportParts } from './json.js';
import { junitReport } from './junit.js';
import { markdownAuditReport, markdownReport } from './markdown.js';
import { sarifReport, sarifReportParts } from './sarif.js';
import type { ReportOptions } from './shared.js';
import { textReport } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'github', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const FORMATTERS: Record<ReportFormat, (result: ScanResult, options: ReportOptions) => string> = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  junit: junitReport,
  markdown: (result, options) => (options.layout === 'audit' ? markdownAuditReport(result, options) : markdownReport(result, options)),
  github: githubReport,
  html: htmlReport,
};

/** `cwd` is where the scan ran: the HTML report reads the findings' source lines relative to it. */
export function formatReport(result: ScanResult, format: ReportFormat, options: ReportOptions & { cwd?: string }): string {
  return FORMATTERS[format](result, options);
}

/** The report in pieces to write one after another: JSON and SARIF a few hundred findings at a time, the others whole. */
export function formatReportParts(result: ScanResult, format: ReportFormat, options: ReportOptions & { cwd?: string }): Iterable<string> {
  if (format === 'json') return jsonReportParts(result, options);
  if (format === 'sarif') return sarifReportParts(result, options);
  return [formatReport(result, format, options)];
}

export * from './rule-doc.js';
export * from './matrix.js';
