import { LineLedger, splitLines, type Device, type InputFile, type ParseResult } from '@portcullis/model';
import { convertRouterOs } from './convert.js';
import { readRouterOs } from './reader.js';
import type { RouterOsConfig } from './syntax.js';

/*
 * Reads a RouterOS export (`/export`, sectioned or one-line style) in three stages: commands (the
 * physical lines joined where they continue), the vendor representation (firewall entries,
 * address and interface lists), then the exposure model.
 */
export function parseMikrotik(file: InputFile): ParseResult {
  const lines = splitLines(file.text);
  const ledger = new LineLedger(file.path, lines.length);
  const devices: Device[] = [];
  let config: RouterOsConfig | undefined;
  try {
    config = readRouterOs(lines, file.path, ledger);
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the parser failed: ${String(error)}`);
  }
  if (config) {
    try {
      devices.push(convertRouterOs(config, file.path, ledger));
    } catch (error) {
      ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
    }
  }
  const accounting = ledger.account();
  const diagnostics = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const suppressions = (config?.suppressions ?? []).slice().sort((a, b) => a.line - b.line);
  return { devices, diagnostics, lines: accounting, suppressions };
}
