import {
  LineLedger,
  parseSuppression,
  splitLines,
  type Device,
  type InlineSuppression,
  type InputFile,
  type ParseResult,
} from '@portcullis/model';
import { convertConfig } from './convert.js';
import { readConfig } from './reader.js';
import { readStatements, type StatementList } from './statements.js';

/*
 * Reads a Junos configuration (`set` commands, the hierarchical `{ }` form, or both) in three
 * stages: statements (one list of `set` paths whatever the syntax), the vendor representation
 * (zones, policies, NAT, filters, …), then the exposure model. Every line ends up recognised,
 * ignored (comments, blank lines, sections unrelated to what gets in) or reported.
 */
export function parseJunos(file: InputFile): ParseResult {
  const lines = splitLines(file.text);
  const ledger = new LineLedger(file.path, lines.length);
  const devices: Device[] = [];
  const suppressions: InlineSuppression[] = [];
  let list: StatementList | undefined;
  try {
    list = readStatements(file.text);
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the parser failed: ${String(error)}`);
  }
  if (list) {
    for (const p of list.problems) {
      if (p.report) ledger.report(p.line, p.severity, p.code, p.message, p.column);
      else ledger.note(p.line, p.severity, p.code, p.message);
    }
    const config = readConfig(list, ledger);
    for (const comment of list.comments) {
      const s = parseSuppression(comment.text, file.path, comment.endLine);
      if (s) suppressions.push(s);
      for (let line = comment.line; line <= comment.endLine; line++) ledger.ignore(line);
    }
    try {
      devices.push(convertConfig(config, file.path, ledger));
    } catch (error) {
      ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
    }
  }
  lines.forEach((text, i) => {
    if (text.trim() === '') ledger.ignore(i + 1);
  });
  const accounting = ledger.account();
  const diagnostics = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { devices, diagnostics, lines: accounting, suppressions: suppressions.sort((a, b) => a.line - b.line) };
}
