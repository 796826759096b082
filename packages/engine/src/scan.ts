import { closeSync, openSync, readSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  append,
  type AddressSet,
  type Device,
  type Diagnostic,
  type FormatInfo,
  type FormatParser,
  type InlineSuppression,
  type InputFile,
  type LineAccounting,
  type ParseResult,
  type Service,
} from '@portcullis/model';
import type { Exposure } from './analysis.js';
import { assessDevices, phaseTimer, sortDiagnostics, sortFindings } from './assess.js';
import type { BlockedForward } from './compose.js';
import type { ObservedState } from './observed.js';
import { findConfig, loadConfig, loadInventory, type LoadedConfig } from './config.js';
import type { Finding } from './evaluate.js';
import { detectFormat, formatInfo, formatNames, loadParsers, parserFor } from './registry.js';
import { activateRules, loadBuiltinRules, loadRuleFolder, type ActiveRule } from './rules.js';
import { applySuppressions } from './suppress.js';

export interface ScanOptions {
  paths: string[];
  /** The folder paths in reports are relative to (default: process.cwd()). */
  cwd?: string;
  /** Config file; `false` for none; default: found from cwd upwards. */
  config?: string | false;
  inventory?: string;
  /** Force the input format of the given paths. */
  as?: string;
  /** The clock suppressions expire by. */
  now?: Date;
  /** Load config and rules only (for `portcullis rules`). */
  noInputs?: boolean;
}

export interface ScannedFile {
  path: string;
  format: string;
  lines: LineAccounting;
}

export interface ScanResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
  devices: Device[];
  exposures: Exposure[];
  services: Service[];
  /** Forwards that the receiving device's own firewall drops. */
  blocked: BlockedForward[];
  /** Scanned ports and listening sockets from the inputs. */
  observed: ObservedState;
  files: ScannedFile[];
  rules: ActiveRule[];
  config: LoadedConfig;
  stats: { files: number; rules: number; forwards: number; exposures: number };
}

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.terraform']);
/**
 * Files larger than this are reported (`file-too-large`), not read. The readers keep a file's text,
 * its lines and their tokens in memory at once, 30 to 60 times the file's size for the heaviest
 * (a 10 MB line of Junos took 620 MB), so 32 MiB keeps a scan under about 2 GB; real configurations
 * and scan reports are far smaller (see docs/robustness.md). A format whose reader needs only a few
 * times the file's size raises it for itself (`FormatParser.maxBytes`).
 */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** The 1-based line of the first character decoding replaced (U+FFFD), counting lines as splitLines does. */
function lineOfReplacement(text: string): number {
  const at = text.indexOf('\uFFFD');
  let line = 1;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/** Finds the files under the given paths: sorted, each once, without following a link into a loop. */
export function discoverFiles(paths: string[], cwd: string, diagnostics: Diagnostic[]): string[] {
  const out = new Set<string>();
  const seenDirs = new Set<string>();
  const show = (p: string): string => displayPath(p, cwd);
  const walk = (abs: string, explicit: boolean): void => {
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      diagnostics.push({ file: show(abs), severity: explicit ? 'error' : 'warning', code: 'unreadable-path', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    if (st.isDirectory()) {
      let real: string;
      try {
        real = realpathSync(abs);
      } catch {
        real = abs;
      }
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      let names: string[];
      try {
        names = readdirSync(abs).sort();
      } catch (e) {
        diagnostics.push({ file: show(abs), severity: 'warning', code: 'unreadable-path', message: `cannot list folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        return;
      }
      for (const n of names) {
        if (SKIPPED_DIRS.has(n)) continue;
        walk(join(abs, n), false);
      }
    } else if (st.isFile()) {
      out.add(abs);
    }
  };
  for (const p of paths) walk(resolve(cwd, p), true);
  return [...out].sort();
}

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? abs : rel;
  return shown.split(sep).join('/');
}

function readHead(abs: string, bytes: number): Buffer {
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A file's format: the forced one, or what its name and first 64 KiB look like (never a binary file's). */
function formatOf(abs: string, shown: string, forced: FormatInfo | undefined): Detected {
  const head = readHead(abs, 64 * 1024);
  const binary = head.includes(0);
  return { format: forced ?? (binary ? undefined : detectFormat({ path: shown, text: head.toString('utf8') })), binary };
}

/**
 * `scan`, after loading the readers of the formats it will meet (and only those): what the command
 * line runs, so that a scan of one iptables file starts without the readers of twenty other formats.
 */
export async function scanAsync(options: ScanOptions): Promise<ScanResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const formats = new Set<string>();
  const seen = new Map<string, Detected>();
  if (options.as) formats.add(options.as);
  else if (!options.noInputs) {
    for (const abs of discoverFiles(options.paths.length ? options.paths : ['.'], cwd, [])) {
      try {
        const detected = formatOf(abs, displayPath(abs, cwd), undefined);
        seen.set(abs, detected);
        if (detected.format) formats.add(detected.format.format);
      } catch {
        // The scan itself reports what cannot be read.
      }
    }
  }
  await loadParsers(formats);
  // The scan would look at each file's head again: it is given what was seen here.
  const own = { ...options };
  detectedBefore.set(own, seen);
  return scan(own);
}

type Detected = { format: FormatInfo | undefined; binary: boolean };

/** What scanAsync detected, by file, for the scan it starts (by its own copy of the options). */
const detectedBefore = new WeakMap<ScanOptions, Map<string, Detected>>();

/** Scans files and folders: parse, analyse, evaluate the rules, apply suppressions. Never throws on input. */
export function scan(options: ScanOptions): ScanResult {
  const timer = phaseTimer();
  const cwd = resolve(options.cwd ?? process.cwd());
  const diagnostics: Diagnostic[] = [];
  const now = options.now ?? new Date();

  const configFile = options.config === false ? undefined : options.config ? resolve(cwd, options.config) : findConfig(cwd);
  const config = loadConfig(configFile, configFile ? displayPath(configFile, cwd) : undefined, diagnostics);
  const configDir = configFile ? resolve(configFile, '..') : cwd;

  // Rules: the built-in ones, then the user's own.
  const ruleDiagnostics: Diagnostic[] = [];
  const defs = loadBuiltinRules(ruleDiagnostics).map((rule) => ({ rule, source: 'builtin' }));
  if (config.config.rulesDir) {
    const dir = resolve(configDir, config.config.rulesDir);
    for (const { rule, file } of loadRuleFolder(dir, ruleDiagnostics, displayPath(dir, cwd))) {
      if (defs.some((d) => d.rule.id === rule.id)) {
        ruleDiagnostics.push({ file, severity: 'error', code: 'invalid-rule', message: `rule id "${rule.id}" is already taken by a built-in rule` });
      } else defs.push({ rule, source: file });
    }
  }
  append(diagnostics, ruleDiagnostics);
  const rules = activateRules(defs, config.config.rules ?? {}, configFile ? displayPath(configFile, cwd) : 'portcullis.yaml', diagnostics);

  // Inventory.
  const inventoryPath = options.inventory ? resolve(cwd, options.inventory) : config.config.inventory ? resolve(configDir, config.config.inventory) : undefined;
  const inventory = inventoryPath ? loadInventory(inventoryPath, displayPath(inventoryPath, cwd), diagnostics) : { services: [], hosts: new Map<string, AddressSet>() };
  const services = [...inventory.services];
  const skip = new Set([configFile, inventoryPath].filter((p): p is string => !!p));

  // Inputs.
  const forced = options.as ? formatInfo(options.as) : undefined;
  if (options.as && !forced) {
    diagnostics.push({ file: '.', severity: 'error', code: 'unknown-format', message: `--as ${options.as}: no such input format` });
  }
  const devices: Device[] = [];
  const files: ScannedFile[] = [];
  const inline: InlineSuppression[] = [];
  const inputs = options.noInputs ? [] : discoverFiles(options.paths.length ? options.paths : ['.'], cwd, diagnostics);
  const named = new Set(options.paths.map((p) => resolve(cwd, p)));
  const observed: ObservedState = { observations: [], scans: [] };
  const record = (format: string, result: ParseResult, shown: string[]): void => {
    // Appended one by one: a file may bring more diagnostics or sockets than a spread can pass.
    append(devices, result.devices);
    append(observed.observations, result.observations ?? []);
    append(observed.scans, result.scans ?? []);
    append(diagnostics, result.diagnostics);
    append(inline, result.suppressions);
    if (result.files) for (const f of result.files) files.push({ path: f.path, format, lines: f.lines });
    else files.push({ path: shown[0]!, format, lines: result.lines });
  };
  // Formats read a folder at a time (Terraform modules) wait until every file has been detected.
  const folders = new Map<string, { parser: FormatParser; files: InputFile[] }>();
  for (const abs of inputs) {
    if (skip.has(abs)) continue;
    const shown = displayPath(abs, cwd);
    try {
      const size = statSync(abs).size;
      const { format, binary } = (!forced && detectedBefore.get(options)?.get(abs)) || formatOf(abs, shown, forced);
      if (!format) {
        // Files found in a folder that are no configuration are normal; a file named on its own is not.
        if (named.has(abs)) {
          diagnostics.push({ file: shown, severity: 'warning', code: 'unknown-format', message: `not a format Portcullis reads${binary ? ' (binary content)' : ''}; \`--as FORMAT\` forces one (formats: ${formatNames().join(', ')})` });
        }
        continue;
      }
      const parser = parserFor(format.format);
      if (!parser) {
        diagnostics.push({ file: shown, severity: 'error', code: 'internal-error', message: `the ${format.format} reader is not loaded (call loadParsers() before scan(), or use scanAsync())` });
        continue;
      }
      const limit = parser.maxBytes ?? MAX_FILE_BYTES;
      if (size > limit) {
        diagnostics.push({ file: shown, severity: 'error', code: 'file-too-large', message: `${size} bytes is more than the ${limit} bytes Portcullis reads from one ${parser.format} file` });
        continue;
      }
      // Read straight into a string: a Buffer of the file would stay in memory (outside the heap)
      // until a full collection, beside the text. Only a text with U+FFFD in it may have had bad bytes.
      const file: InputFile = { path: shown, text: readFileSync(abs, 'utf8') };
      if (file.text.includes('\uFFFD') && !isUtf8(readFileSync(abs))) {
        // Read all the same, each bad sequence as U+FFFD: say so, since a rule may have been changed by it.
        diagnostics.push({ file: shown, line: lineOfReplacement(file.text), severity: 'warning', code: 'invalid-utf8', message: 'not valid UTF-8: bytes that are not were read as U+FFFD (this is the first line with one)' });
      }
      if (parser.parseFolder) {
        const key = `${parser.format}|${dirname(abs)}`;
        const group = folders.get(key) ?? { parser, files: [] };
        group.files.push(file);
        folders.set(key, group);
        continue;
      }
      record(parser.format, parser.parse(file), [shown]);
    } catch (e) {
      diagnostics.push({ file: shown, severity: 'error', code: 'internal-error', message: `could not be scanned: ${(e as Error).message}` });
    }
  }
  for (const { parser, files: group } of folders.values()) {
    try {
      record(parser.format, parser.parseFolder!(group), group.map((f) => f.path));
    } catch (e) {
      diagnostics.push({ file: group[0]!.path, severity: 'error', code: 'internal-error', message: `could not be scanned: ${(e as Error).message}` });
    }
  }

  timer('read and parse');

  const assessment = assessDevices(devices, {
    rules,
    services,
    hosts: inventory.hosts,
    observed,
    trusted: config.trusted,
    timer,
  });
  const { findings, exposures, blocked } = assessment;
  append(diagnostics, assessment.diagnostics);
  applySuppressions(findings, inline, config.config.ignores ?? [], configFile ? displayPath(configFile, cwd) : undefined, now, diagnostics);
  sortFindings(findings);
  sortDiagnostics(diagnostics);
  timer('suppressions and sorting');

  return {
    findings,
    diagnostics,
    devices,
    exposures,
    services: assessment.services,
    blocked,
    observed,
    files,
    rules,
    config,
    stats: {
      files: files.length,
      rules: assessment.ruleCount,
      forwards: devices.reduce((n, d) => n + d.forwards.length, 0),
      exposures: exposures.length,
    },
  };
}
