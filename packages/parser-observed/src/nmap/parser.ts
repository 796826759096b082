import { LineLedger, append, splitLines, type InputFile, type Observation, type ParseResult, type ScanCoverage } from '@portcullis/model';
import { ignoreTheRest, result } from '../common.js';
import { convertRun } from './convert.js';
import { readNmapXml } from './reader.js';

/*
 * nmap XML (`nmap -oX`): parse (saxes) → vendor representation (hosts, ports, extraports) →
 * observations. The lines of the elements read are recognised; the rest of the XML is ignored.
 */

export function parseNmapXml(file: InputFile): ParseResult {
  const ledger = new LineLedger(file.path, splitLines(file.text).length);
  const observations: Observation[] = [];
  const scans: ScanCoverage[] = [];
  try {
    const run = readNmapXml(file.text, ledger);
    append(observations, convertRun(run, file.path, ledger, scans));
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the parser failed: ${String(error)}`);
  }
  ignoreTheRest(ledger);
  return { ...result(ledger, observations), scans };
}
