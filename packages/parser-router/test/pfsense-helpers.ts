import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  formatPorts,
  protocolName,
  type Device,
  type FilterRule,
  type ParseResult,
  type PortForward,
  type ProtocolSet,
} from '@portcullis/model';
import { opnsense, pfsense } from '../src/pfsense/index.js';
export { codes, device, findingKeys, pick, scanFiles } from '../../../test-support/views.js';

/** The repository root, the project's fixtures and the shared corpus (beside the checkout). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const PFSENSE_FIXTURES = 'fixtures/router/pfsense/';
export const OPNSENSE_FIXTURES = 'fixtures/router/opnsense/';
export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/router/', import.meta.url));

const PARSERS = { pfsense, opnsense } as const;
export type Vendor = keyof typeof PARSERS;

export function parseText(text: string, vendor: Vendor = 'pfsense', path = 'config.xml'): ParseResult {
  return PARSERS[vendor].parse({ path, text });
}

/** Parses a file of the repository (path relative to its root), as the CLI would name it. */
export function parseFixture(path: string): ParseResult {
  const vendor: Vendor = path.includes('/opnsense/') ? 'opnsense' : 'pfsense';
  return PARSERS[vendor].parse({ path, text: readFileSync(repoRoot + path, 'utf8') });
}

/** A pfSense config.xml around the given sections (interfaces `wan` 203.0.113.2/24 and `lan` 192.168.1.1/24 unless given). */
export function pfsenseXml(body: string, options: { interfaces?: string; system?: string } = {}): string {
  const interfaces =
    options.interfaces ??
    `<wan><enable></enable><if>igb0</if><ipaddr>203.0.113.2</ipaddr><subnet>24</subnet></wan>
\t\t<lan><enable></enable><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`;
  return `<?xml version="1.0"?>
<pfsense>
\t<system><hostname>fw</hostname>${options.system ?? ''}</system>
\t<interfaces>
\t\t${interfaces}
\t</interfaces>
${body}
</pfsense>
`;
}

/** Codes that mean "this line was not (fully) understood": the line counts as reported. */
export const REPORTING_CODES = new Set(['parse-error', 'unrecognised-element', 'invalid-value', 'unsupported-nat', 'internal-error']);

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
  return [...set.ranges()].map(([lo, hi]) => (lo === hi ? protocolName(lo) : `${lo}-${hi}`)).join(',');
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
  inInterface?: string;
  outInterface?: string;
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
    exact: rule.exact,
    enabled: rule.enabled,
    symbolic: rule.symbolic,
    line: rule.origin.line,
  };
  if (rule.target !== undefined) v.target = rule.target;
  if (rule.inInterface) v.inInterface = `${rule.inInterface.negated ? '!' : ''}${rule.inInterface.names.join(',')}`;
  if (rule.outInterface) v.outInterface = `${rule.outInterface.negated ? '!' : ''}${rule.outInterface.names.join(',')}`;
  if (rule.translation) {
    const ports = rule.translation.ports ? ` ports ${formatPorts(rule.translation.ports)}` : '';
    v.translation = `${rule.translation.addresses?.toCidrs().join(',') ?? 'self'}${ports}`;
  }
  if (rule.description !== undefined) v.description = rule.description;
  return v;
}

/** The rules of one ruleset, viewed. */
export function rules(d: Device, ruleset: string): RuleView[] {
  const rs = d.rulesets[ruleset];
  if (!rs) throw new Error(`no ruleset ${ruleset} (have ${Object.keys(d.rulesets).join(', ')})`);
  return rs.rules.map(view);
}

/** `203.0.113.2/32:22` → `192.168.1.10/32:22`, for comparing forwards. */
export function forwardView(f: PortForward): string {
  const to = f.internalAddresses === undefined ? 'self' : f.internalAddresses.isEmpty ? 'nowhere' : f.internalAddresses.toCidrs().join(',');
  const internal = `${to}:${f.internalPorts ? formatPorts(f.internalPorts) : 'same'}`;
  const via = f.inInterface ? ` via ${f.inInterface.names.join(',')}` : '';
  return `${protocolsText(f.protocols)} ${f.externalAddresses.toCidrs().join(',')}:${formatPorts(f.externalPorts)} -> ${internal}${via}${f.enabled ? '' : ' (disabled)'} @${f.origin.line}`;
}

