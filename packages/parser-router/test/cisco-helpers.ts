import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  formatPorts,
  protocolName,
  splitLines,
  type FilterRule,
  type ParseResult,
  type PortForward,
  type ProtocolSet,
} from '@portcullis/model';
import { ciscoAsa } from '../src/cisco-asa/index.js';
import { ciscoIos } from '../src/cisco-ios/index.js';
import { device } from '../../../test-support/views.js';
export { codes, device, findingKeys, pick, scanFiles } from '../../../test-support/views.js';

/** The repository root, the project's fixtures and the shared corpus (beside the checkout). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const IOS_FIXTURES = 'fixtures/router/cisco-ios/';
export const ASA_FIXTURES = 'fixtures/router/cisco-asa/';
export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/router/', import.meta.url));

const PARSERS = { ios: ciscoIos, asa: ciscoAsa } as const;

export function parseText(vendor: keyof typeof PARSERS, text: string, path = `test.${vendor}.cfg`): ParseResult {
  return PARSERS[vendor].parse({ path, text });
}

/** Parses a file of the repository (path relative to its root), as the CLI would name it. */
export function parseFixture(vendor: keyof typeof PARSERS, path: string): ParseResult {
  return PARSERS[vendor].parse({ path, text: readFileSync(repoRoot + path, 'utf8') });
}

export function lineCount(path: string): number {
  return splitLines(readFileSync(path.startsWith('/') ? path : repoRoot + path, 'utf8')).length;
}

/** The rules that come from a given line (an ACL entry naming a service group is several rules). */
export function rulesAt(result: ParseResult, line: number, ruleset?: string): FilterRule[] {
  const out: FilterRule[] = [];
  for (const rs of Object.values(device(result).rulesets)) {
    if (ruleset !== undefined && rs.name !== ruleset) continue;
    for (const rule of rs.rules) if (rule.origin.line === line) out.push(rule);
  }
  return out;
}

/** `tcp`, `tcp,udp`, `all`, `gre,esp`. */
export function protocolsText(set: ProtocolSet): string {
  if (set.isFull) return 'all';
  return [...set.ranges()].map(([lo, hi]) => (lo === hi ? protocolName(lo) : `${lo}-${hi}`)).join(',');
}

/** A FilterRule in the terms the tests compare: names, CIDR lists and port texts. */
export interface RuleView {
  id: string;
  action: string;
  target?: string;
  protocols: string;
  sources: string[];
  destinations: string[];
  sourcePorts: string;
  destinationPorts: string;
  inInterface?: string[];
  matchesNew: boolean;
  exact: boolean;
  enabled: boolean;
  symbolic: string[];
  translation?: string;
  description?: string;
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
    line: rule.origin.line,
  };
  if (rule.target !== undefined) v.target = rule.target;
  if (rule.inInterface) v.inInterface = rule.inInterface.names;
  if (rule.translation) v.translation = rule.translation.text;
  if (rule.description !== undefined) v.description = rule.description;
  return v;
}

export interface ForwardView {
  line: number;
  protocols: string;
  external: string;
  internal: string;
  via?: string[];
  enabled: boolean;
}

/** `203.0.113.10/32:8080` → `192.168.1.10/32:80`, for comparing forwards. */
export function forwardView(f: PortForward): ForwardView {
  const v: ForwardView = {
    line: f.origin.line,
    protocols: protocolsText(f.protocols),
    external: `${f.externalAddresses.toCidrs().join(',')}:${formatPorts(f.externalPorts)}`,
    internal: `${f.internalAddresses?.toCidrs().join(',') ?? 'self'}:${f.internalPorts ? formatPorts(f.internalPorts) : 'same'}`,
    enabled: f.enabled,
  };
  if (f.inInterface) v.via = f.inInterface.names;
  return v;
}

/** Codes that mean "this line was not (fully) understood": the line counts as reported. */
export const REPORTING_CODES = new Set(['unrecognised-line', 'invalid-value', 'unsupported-option', 'unsupported-nat', 'internal-error']);

/**
 * The line accounting adds up, and the reported lines are exactly the lines that carry a
 * reporting diagnostic (every reported line says why).
 */
export function expectAccounted(result: ParseResult, lines: number): void {
  const { total, recognised, ignored, reported } = result.lines;
  expect(total).toBe(lines);
  expect(recognised + ignored + reported).toBe(total);
  const reportedLines = new Set(result.diagnostics.filter((d) => REPORTING_CODES.has(d.code)).map((d) => d.line));
  expect(reportedLines.size).toBe(reported);
}

