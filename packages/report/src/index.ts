export * from './github.js';
export * from './json.js';
export * from './junit.js';
export * from './markdown.js';
export * from './sarif.js';
export * from './shared.js';
export * from './text.js';

import type { ScanResult } from '@portcullis/engine';
import { githubReport } from './github.js';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import { markdownReport } from './markdown.js';
import { sarifReport } from './sarif.js';
import type { ReportOptions } from './shared.js';
import { textReport } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const FORMATTERS: Record<ReportFormat, (result: ScanResult, options: ReportOptions) => string> = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  junit: junitReport,
  markdown: markdownReport,
  github: githubReport,
};

export function formatReport(result: ScanResult, format: ReportFormat, options: ReportOptions): string {
  return FORMATTERS[format](result, options);
}
export * from './rule-doc.js';
