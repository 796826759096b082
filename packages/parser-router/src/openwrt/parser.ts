import { LineLedger, splitLines, type Device, type InputFile, type ParseResult } from '@portcullis/model';
import { convertFirewall } from './convert.js';
import { readFirewall } from './reader.js';
import type { FirewallConfig } from './syntax.js';
import { readUci } from './uci.js';

/*
 * Reads an OpenWrt firewall configuration in three stages: the uci syntax (sections and options),
 * the vendor representation (zones, rules, redirects with their values checked), then the exposure
 * model. Every line ends up recognised, deliberately ignored, or reported.
 */
export function parseOpenwrt(file: InputFile): ParseResult {
  const lines = splitLines(file.text);
  const ledger = new LineLedger(file.path, lines.length);
  const devices: Device[] = [];
  let config: FirewallConfig | undefined;
  try {
    config = readFirewall(readUci(lines, file.path, ledger), ledger);
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the parser failed: ${String(error)}`);
  }
  if (config) {
    try {
      devices.push(convertFirewall(config, file.path, ledger));
    } catch (error) {
      ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
    }
  }
  const accounting = ledger.account();
  const diagnostics = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const suppressions = (config?.suppressions ?? []).slice().sort((a, b) => a.line - b.line);
  return { devices, diagnostics, lines: accounting, suppressions };
}
