import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  formatPorts,
  protocolName,
  type Device,
  type FilterRule,
  type InterfaceMatch,
  type ParseResult,
  type ProtocolSet,
} from '@portcullis/model';
import { junos } from '../src/junos/index.js';
export { codes, device, findingKeys, pick, scanFiles } from '../../../test-support/views.js';

/** The project's fixtures and the shared corpus (beside the checkout), from this file's place. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../../fixtures/router/junos/', import.meta.url));
export const FIXTURE_DIR = 'fixtures/router/junos';
export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/router/junos/', import.meta.url));

export function parseText(text: string, path = 'test.conf'): ParseResult {
  return junos.parse({ path, text });
}

export function parseLines(lines: string[], path = 'test.conf'): ParseResult {
  return parseText(lines.join('\n') + '\n', path);
}

export function parseFile(dir: string, name: string): ParseResult {
  return junos.parse({ path: name, text: readFileSync(dir + name, 'utf8') });
}

/** Codes that mean "this line was not understood": the line counts as reported. */
export const REPORTING_CODES = new Set(['unrecognised-line', 'invalid-value', 'unbalanced-brace', 'unsupported-command', 'internal-error']);

/** The accounting adds up, and the reported lines are exactly the lines with a reporting diagnostic. */
export function expectAccounted(result: ParseResult, lineCount: number): void {
  const { total, recognised, ignored, reported } = result.lines;
  expect(total).toBe(lineCount);
  expect(recognised + ignored + reported).toBe(total);
  const reportedLines = new Set(result.diagnostics.filter((d) => REPORTING_CODES.has(d.code)).map((d) => d.line));
  expect(reportedLines.size).toBe(reported);
}

/** `tcp`, `tcp,udp`, `all`. */
export function protocolsText(set: ProtocolSet): string {
  if (set.isFull) return 'all';
  const out: string[] = [];
  for (const [lo, hi] of set.ranges()) out.push(lo === hi ? protocolName(lo) : `${lo}-${hi}`);
  return out.join(',');
}

/** A FilterRule in the terms the tests compare. */
export interface RuleView {
  id: string;
  action: string;
  target?: string;
  protocols: string;
  sources: string[];
  destinations: string[];
  sourcePorts: string;
  destinationPorts: string;
  inInterface?: InterfaceMatch;
  outInterface?: InterfaceMatch;
  matchesNew: boolean;
  exact: boolean;
  enabled: boolean;
  symbolic: string[];
  translation?: { addresses?: string[]; ports?: string; text: string };
  text: string;
  line: number;
}

export function view(rule: FilterRule): RuleView {
  const v: RuleView = {
    id: rule.id,
    action: rule.action,
    protocols: protocolsText(rule.protocols),
    sources: rule.sources.toCidrs(),
    destinations: rule.destinations.toCidrs(),
    sourcePorts: formatPorts(rule.sourcePorts),
    destinationPorts: formatPorts(rule.destinationPorts),
    matchesNew: rule.matchesNew,
    exact: rule.exact,
    enabled: rule.enabled,
    symbolic: rule.symbolic,
    text: rule.text,
    line: rule.origin.line,
  };
  if (rule.target !== undefined) v.target = rule.target;
  if (rule.inInterface) v.inInterface = rule.inInterface;
  if (rule.outInterface) v.outInterface = rule.outInterface;
  if (rule.translation) {
    const t: NonNullable<RuleView['translation']> = { text: rule.translation.text };
    if (rule.translation.addresses) t.addresses = rule.translation.addresses.toCidrs();
    if (rule.translation.ports) t.ports = formatPorts(rule.translation.ports);
    v.translation = t;
  }
  return v;
}

/** The rules of one ruleset, viewed. */
export function rules(d: Device, ruleset: string): RuleView[] {
  const rs = d.rulesets[ruleset];
  if (!rs) throw new Error(`no ruleset ${ruleset} (have ${Object.keys(d.rulesets).join(', ')})`);
  return rs.rules.map(view);
}

