import { LineLedger, splitLines, type Device, type Diagnostic, type InputFile, type ParseResult } from '@portcullis/model';
import { convertConfig } from './convert.js';
import { readConfig } from './reader.js';

/*
 * pfSense and OPNsense config.xml: parse (saxes) → vendor representation → model. One reader for
 * both formats; the root element says which vendor wrote the file. The lines of the elements read are
 * recognised; every other line of the (large) configuration is deliberately ignored.
 */

export function parseConfigXml(file: InputFile): ParseResult {
  const ledger = new LineLedger(file.path, splitLines(file.text).length);
  const devices: Device[] = [];
  let suppressions: ParseResult['suppressions'] = [];
  try {
    const config = readConfig(file.text, file.path, ledger);
    if (config) {
      suppressions = config.suppressions;
      try {
        devices.push(convertConfig(config, file.path, ledger));
      } catch (error) {
        ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
      }
    }
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the parser failed: ${String(error)}`);
  }
  for (let line = 1; line <= ledger.lineCount; line++) ledger.ignore(line);
  const lines = ledger.account();
  const diagnostics: Diagnostic[] = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { devices, diagnostics, lines, suppressions: suppressions.sort((a, b) => a.line - b.line) };
}
