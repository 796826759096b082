export * from './json.js';
export * from './text.js';

import type { ScanResult } from '@portcullis/engine';
import { jsonReport } from './json.js';
import { textReport } from './text.js';

export const REPORT_FORMATS = ['text', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function formatReport(result: ScanResult, format: ReportFormat, options: { color: boolean }): string {
  return format === 'json' ? jsonReport(result) : textReport(result, options);
}
export * from './rule-doc.js';
