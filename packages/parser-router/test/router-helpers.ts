import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatPorts,
  protocolName,
  splitLines,
  type Device,
  type FilterRule,
  type FormatParser,
  type InterfaceMatch,
  type ParseResult,
  type PortForward,
  type ProtocolSet,
} from '@portcullis/model';
import { detectFormat } from '@portcullis/engine';
import { readFileSync } from 'node:fs';
export { device, findingKeys, pick, scanFiles } from '../../../test-support/views.js';

/*
 * Test helpers shared by the OpenWrt and RouterOS suites: reading a format's files, viewing its
 * model in a few literal fields, scanning through the engine.
 */

/** The repository root (the shared corpus lies beside the checkout). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Reading helpers for one format: its parser, fixture folder and default file name. */
export function formatKit(parser: FormatParser, fixtureDir: string, corpusDir: string, defaultPath: string) {
  const parseText = (text: string, path = defaultPath): ParseResult => parser.parse({ path, text });
  return {
    FIXTURE_DIR: fixtureDir,
    CORPUS: fileURLToPath(new URL(`../../../../shared/corpus/${corpusDir}/`, import.meta.url)),
    parseText,
    /** A file from its lines (a trailing newline added), so cases can be written as arrays. */
    parseLines: (lines: string[], path = defaultPath): ParseResult => parseText(`${lines.join('\n')}\n`, path),
    parseFixture: (name: string): ParseResult => parser.parse({ path: `${fixtureDir}/${name}`, text: readFileSync(`${repoRoot}${fixtureDir}/${name}`, 'utf8') }),
  };
}

/** `code@line` of every diagnostic, in line order. */
export function codes(result: ParseResult): string[] {
  return result.diagnostics.map((d) => `${d.code}@${d.line ?? 0}`);
}

/** The accounting adds up, and every reported line carries a warning or an error. */
export function expectAccounted(result: ParseResult, lineCount: number): void {
  const { total, recognised, ignored, reported } = result.lines;
  expect(total).toBe(lineCount);
  expect(recognised + ignored + reported).toBe(total);
  const flagged = new Set(result.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.line));
  expect(reported).toBeLessThanOrEqual(flagged.size);
}

export function lineCount(text: string): number {
  return splitLines(text).length;
}

/** `tcp`, `tcp,udp`, `all`. */
export function protocolsText(set: ProtocolSet): string {
  if (set.isFull) return 'all';
  return [...set.ranges()].map(([lo, hi]) => (lo === hi ? protocolName(lo) : `${lo}-${hi}`)).join(',');
}

/** A FilterRule in the terms the tests compare. */
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
  enabled: boolean;
  symbolic: string[];
  translation?: string;
  line: number;
}

export function view(rule: FilterRule): RuleView {
  const v: RuleView = {
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
  if (rule.inInterface) v.inInterface = rule.inInterface;
  if (rule.outInterface) v.outInterface = rule.outInterface;
  if (rule.translation) v.translation = rule.translation.text;
  return v;
}

/** The rules of one ruleset, viewed. */
export function rules(d: Device, ruleset: string): RuleView[] {
  const rs = d.rulesets[ruleset];
  if (!rs) throw new Error(`no ruleset ${ruleset} (have ${Object.keys(d.rulesets).join(', ')})`);
  return rs.rules.map(view);
}

/** A port forward in the terms the tests compare. */
export function forwardView(f: PortForward): { line: number; protocols: string; external: string; internal: string; via: string[]; enabled: boolean } {
  const inside = f.internalAddresses?.toCidrs().join(',') ?? 'router';
  return {
    line: f.origin.line,
    protocols: protocolsText(f.protocols),
    external: `${f.externalAddresses.toCidrs().join(',')}:${formatPorts(f.externalPorts)}`,
    internal: `${inside}:${f.internalPorts ? formatPorts(f.internalPorts) : 'same'}`,
    via: f.inInterface?.names ?? [],
    enabled: f.enabled,
  };
}

/** Every file under a folder. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * A format's detector over every fixture in the repository and every shared corpus file: it claims
 * its own files (those whose path `isOwn` says are its) and nothing else, and the registry agrees.
 */
export function detectsItsOwnFilesOnly(format: string, label: string, detect: (path: string, text: string) => number, isOwn: (path: string) => boolean): void {
  describe(`detect ${format} across the repository fixtures and the shared corpus`, () => {
    const corpusRoot = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
    const files = [...walk(`${repoRoot}fixtures`), ...(existsSync(corpusRoot) ? walk(corpusRoot) : [])];

    it(`claims the ${label} and only them`, () => {
      const claimed = files.filter((f) => detect(f, readFileSync(f, 'utf8')) >= 0.5);
      expect(claimed.filter((f) => !isOwn(f))).toEqual([]);
      const mine = files.filter(isOwn);
      expect(mine.length).toBeGreaterThan(10);
      expect(mine.filter((f) => !claimed.includes(f))).toEqual([]);
    });

    it(`the registry picks ${format} for each of them`, () => {
      for (const f of files.filter(isOwn)) expect(detectFormat({ path: f, text: readFileSync(f, 'utf8') })?.format, f).toBe(format);
    });
  });
}
