import { LineLedger, splitLines, type Device, type InputFile, type ParseResult } from '@portcullis/model';
import { convertRuleset } from './convert.js';
import { detectNftablesJson, detectNftablesText } from './detect.js';
import { readNftJson } from './json.js';
import type { NftRuleset } from './syntax.js';
import { readNftText } from './text.js';

/** Reads, converts and accounts: the steps both nftables formats share. */
function parseWith(file: InputFile, format: 'nftables' | 'nftables-json'): ParseResult {
  const ledger = new LineLedger(file.path, splitLines(file.text).length);
  let ruleset: NftRuleset = { tables: [] };
  let suppressions: ParseResult['suppressions'] = [];
  try {
    if (format === 'nftables') ({ ruleset, suppressions } = readNftText(file.text, ledger));
    else ruleset = readNftJson(file.text, ledger);
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the parser failed: ${String(error)}`);
  }
  const devices: Device[] = [];
  try {
    devices.push(convertRuleset(ruleset, { file: file.path, format }, ledger));
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
  }
  const lines = ledger.account();
  const diagnostics = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { devices, diagnostics, lines, suppressions };
}

export function parseNftablesText(file: InputFile): ParseResult {
  return parseWith(file, 'nftables');
}

export function parseNftablesJson(file: InputFile): ParseResult {
  return parseWith(file, 'nftables-json');
}

export { detectNftablesJson, detectNftablesText };
