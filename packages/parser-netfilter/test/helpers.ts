import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  formatPorts,
  protocolName,
  type FilterRule,
  type InterfaceMatch,
  type ParseResult,
  type ProtocolSet,
} from '@portcullis/model';
import { iptablesSave } from '../src/index.js';
import { device } from '../../../test-support/views.js';
export { codes, device, pick } from '../../../test-support/views.js';

/** The project's own fixtures and the shared corpus (beside the checkout), from this file's place. */
export const FIXTURES = fileURLToPath(new URL('../../../fixtures/netfilter/', import.meta.url));
export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/netfilter/', import.meta.url));

export function parseText(text: string, path = 'test.iptables-save'): ParseResult {
  return iptablesSave.parse({ path, text });
}

export function parseFile(dir: string, name: string): ParseResult {
  return iptablesSave.parse({ path: name, text: readFileSync(dir + name, 'utf8') });
}

/** The rule on a given line of the file. */
export function ruleAt(result: ParseResult, line: number): FilterRule {
  for (const ruleset of Object.values(device(result).rulesets)) {
    for (const rule of ruleset.rules) if (rule.origin.line === line) return rule;
  }
  throw new Error(`no rule on line ${line}`);
}

/** `tcp`, `tcp,udp`, `all`, `0-5,7-255` (ranges of numbers). */
export function protocolsText(set: ProtocolSet): string {
  if (set.isFull) return 'all';
  return [...set.ranges()].map(([lo, hi]) => (lo === hi ? protocolName(lo) : `${lo}-${hi}`)).join(',');
}

/** A FilterRule in the terms the tests compare: names, CIDR lists and port texts. */
export interface RuleView {
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
  symbolic: string[];
  translation?: { addresses?: string[]; ports?: string; text: string };
  description?: string;
  id: string;
  text: string;
}

export function view(rule: FilterRule): RuleView {
  const v: RuleView = {
    id: rule.id,
    text: rule.text,
    action: rule.action,
    protocols: protocolsText(rule.protocols),
    sources: rule.sources.toCidrs(),
    destinations: rule.destinations.toCidrs(),
    sourcePorts: formatPorts(rule.sourcePorts),
    destinationPorts: formatPorts(rule.destinationPorts),
    matchesNew: rule.matchesNew,
    exact: rule.exact,
    symbolic: rule.symbolic,
  };
  if (rule.target !== undefined) v.target = rule.target;
  if (rule.inInterface) v.inInterface = rule.inInterface;
  if (rule.outInterface) v.outInterface = rule.outInterface;
  if (rule.description !== undefined) v.description = rule.description;
  if (rule.translation) {
    const t: NonNullable<RuleView['translation']> = { text: rule.translation.text };
    if (rule.translation.addresses) t.addresses = rule.translation.addresses.toCidrs();
    if (rule.translation.ports) t.ports = formatPorts(rule.translation.ports);
    v.translation = t;
  }
  return v;
}

/** Codes that mean "this line was not (fully) understood": the line counts as reported. */
export const REPORTING_CODES = new Set(['unrecognised-line', 'invalid-value', 'duplicate-option', 'internal-error']);

/**
 * The line accounting adds up, and the reported lines are exactly the lines that carry a
 * reporting diagnostic (every reported line says why).
 */
export function expectAccounted(result: ParseResult, lineCount: number): void {
  const { total, recognised, ignored, reported } = result.lines;
  expect(total).toBe(lineCount);
  expect(recognised + ignored + reported).toBe(total);
  const reportedLines = new Set(result.diagnostics.filter((d) => REPORTING_CODES.has(d.code)).map((d) => d.line));
  expect(reportedLines.size).toBe(reported);
  for (const line of reportedLines) expect(line).toBeGreaterThanOrEqual(1);
}
