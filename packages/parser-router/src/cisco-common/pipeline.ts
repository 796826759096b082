import {
  append,
  LineLedger,
  splitLines,
  type Device,
  type Diagnostic,
  type InlineSuppression,
  type InputFile,
  type ParseResult,
} from '@portcullis/model';
import { readSections, type ReaderOptions, type Section } from './lines.js';

/** A vendor's reader: it fills a configuration from the file's sections. */
export interface CiscoReader<C extends { suppressions: InlineSuppression[] }> {
  readonly config: C;
  read(sections: Section[]): void;
}

/**
 * The run shared by the Cisco dialects: sections → vendor representation → model, one failing
 * stage a diagnostic (never an exception), and every line accounted for.
 */
export function parseCisco<C extends { suppressions: InlineSuppression[] }>(
  file: InputFile,
  options: ReaderOptions,
  makeReader: (ledger: LineLedger) => CiscoReader<C>,
  convert: (config: C, file: string, ledger: LineLedger) => Device,
): ParseResult {
  const lines = splitLines(file.text);
  const ledger = new LineLedger(file.path, lines.length);
  const reader = makeReader(ledger);
  let config: C | undefined;
  try {
    const { sections, suppressions } = readSections(file.path, lines, ledger, options);
    append(reader.config.suppressions, suppressions);
    reader.read(sections);
    config = reader.config;
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the parser failed: ${String(error)}`);
  }
  const devices: Device[] = [];
  if (config) {
    try {
      devices.push(convert(config, file.path, ledger));
    } catch (error) {
      ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
    }
  }
  const accounting = ledger.account();
  const diagnostics: Diagnostic[] = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const suppressions = (config?.suppressions ?? []).sort((a, b) => a.line - b.line);
  return { devices, diagnostics, lines: accounting, suppressions };
}
