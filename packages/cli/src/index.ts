import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import {
  SEVERITIES,
  SEVERITY_RANK,
  activateRules,
  baselineJson,
  compareWithBaseline,
  createBaseline,
  displayPath,
  findConfig,
  isReported,
  loadConfig,
  loadBuiltinRules,
  modelJson,
  phaseTimer,
  readBaseline,
  scanAsync,
  sortDiagnostics,
  type BaselineComparison,
  type ScanResult,
  type Severity,
} from '@portcullis/engine/core';
import { TOOL, exposureJsonParts, exposureText, formatReport, formatReportParts, REPORT_FORMATS, type ReportFormat } from '@portcullis/report';
import { changedSince, isWithin, scannableChanges } from './changed.js';
import { explainRule, listRules } from './explain.js';
import { STARTER_CONFIG } from './init.js';

/** Where `portcullis report` writes, relative to the working folder. */
export const REPORT_FILE = 'portcullis-report.html';

/** What a run ends with: 0 nothing at or above --fail-on, 1 findings at or above it, 2 the run cannot be trusted. */
export const EXIT = { ok: 0, findings: 1, untrusted: 2 } as const;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  cwd: string;
  /** The environment the CLI reads its settings from (`PORTCULLIS_DOCS_URL`). */
  env?: Record<string, string | undefined>;
}

const defaultIo = (): Io => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'],
  cwd: process.cwd(),
  env: process.env,
});

interface ScanFlags {
  format: string;
  output?: string;
  config?: string;
  inventory?: string;
  failOn: Severity | 'none';
  as?: string;
  strict?: boolean;
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  layout?: 'pr' | 'audit';
}

function isUntrusted(result: ScanResult, strict: boolean): boolean {
  if (result.diagnostics.some((d) => d.severity === 'error')) return true;
  return strict && result.diagnostics.some((d) => /unrecogni[sz]ed|unsupported/.test(d.code));
}

function exitCodeFor(result: ScanResult, failOn: Severity | 'none', strict: boolean, baseline?: BaselineComparison): number {
  if (isUntrusted(result, strict)) return EXIT.untrusted;
  if (failOn === 'none') return EXIT.ok;
  const limit = SEVERITY_RANK[failOn];
  return result.findings.some((f) => isReported(f, baseline) && SEVERITY_RANK[f.severity] <= limit) ? EXIT.findings : EXIT.ok;
}

function write(io: Io, output: string | undefined, text: string): void {
  if (output) writeFileSync(resolve(io.cwd, output), text);
  else io.stdout(text);
}

/** Writes a report given in pieces, about a megabyte at a time, without ever holding all of it. */
function writeParts(io: Io, output: string | undefined, parts: Iterable<string>): void {
  const fd = output ? openSync(resolve(io.cwd, output), 'w') : undefined;
  try {
    let batch: string[] = [];
    let size = 0;
    const flush = (): void => {
      const text = batch.join('');
      batch = [];
      size = 0;
      if (fd === undefined) return io.stdout(text);
      const bytes = Buffer.from(text);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    };
    for (const part of parts) {
      batch.push(part);
      size += part.length;
      if (size >= 1 << 20) flush();
    }
    if (batch.length > 0) flush();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Runs the command line; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command();
  program
    .name('portcullis')
    .description('Which ports, on which hosts, can be reached from where, and which of those should not be.')
    .version(TOOL.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError();

  program
    .command('scan')
    .description('scan files and folders and report findings')
    .argument('[paths...]', 'files and folders to scan', ['.'])
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('text'))
    .addOption(new Option('--layout <layout>', 'markdown layout: pr (a pull request comment) or audit (a wiki page)').choices(['pr', 'audit']).default('pr'))
    .option('--output <file>', 'write the report to a file instead of standard output')
    .option('--config <file>', 'config file (default: portcullis.yaml here or above)')
    .option('--inventory <file>', 'services inventory (services.yaml)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 on findings at or above this severity').choices([...SEVERITIES, 'none']).default('high'))
    .option('--as <format>', 'force the input format of the given paths')
    .option('--strict', 'unrecognised lines fail the run (exit 2)')
    .option('--baseline <file>', 'report only findings that are not in this baseline; count the ones fixed since')
    .option('--write-baseline <file>', 'write the current findings to this baseline file (the run then passes unless it cannot be trusted)')
    .option('--changed-since <git-ref>', 'scan only files changed relative to this git ref (committed, uncommitted and new files)')
    .action(async (paths: string[], flags: ScanFlags) => {
      code = await scanCommand(paths, flags, io);
    });

  program
    .command('exposure')
    .description('the effective exposure table: what is reachable from where, and which rules allow it')
    .argument('[paths...]', 'files and folders to scan', ['.'])
    .addOption(new Option('--format <format>', 'table format').choices(['text', 'json']).default('text'))
    .option('--output <file>', 'write the table to a file instead of standard output')
    .option('--config <file>', 'config file')
    .option('--inventory <file>', 'services inventory (services.yaml): joins forwards to the hosts they reach')
    .option('--as <format>', 'force the input format of the given paths')
    .action(async (paths: string[], flags: ScanFlags) => {
      const result = await runScan(paths, { ...flags, failOn: 'none' }, io);
      if (flags.format === 'json') writeParts(io, flags.output, exposureJsonParts(result));
      else write(io, flags.output, exposureText(result, { color: io.isTTY && !flags.output }));
      reportErrors(result, io);
      code = isUntrusted(result, false) ? EXIT.untrusted : EXIT.ok;
    });

  program
    .command('report')
    .description('scan and write the HTML audit report (portcullis-report.html); prints its path and opens nothing')
    .argument('[paths...]', 'files and folders to scan', ['.'])
    .option('--output <file>', 'where to write the report', REPORT_FILE)
    .option('--config <file>', 'config file (default: portcullis.yaml here or above)')
    .option('--inventory <file>', 'services inventory (services.yaml)')
    .option('--as <format>', 'force the input format of the given paths')
    .action(async (paths: string[], flags: ScanFlags & { output: string }) => {
      const result = await runScan(paths, { ...flags, failOn: 'none' }, io);
      const file = resolve(io.cwd, flags.output);
      const options = { color: false, docsUrl: io.env?.['PORTCULLIS_DOCS_URL'] || undefined, cwd: io.cwd };
      writeFileSync(file, formatReport(result, 'html', options));
      io.stdout(`${file}\n`);
      reportErrors(result, io);
      code = isUntrusted(result, false) ? EXIT.untrusted : EXIT.ok;
    });

  program
    .command('model')
    .description('the normalised model of the inputs, as JSON')
    .argument('[paths...]', 'files and folders to scan', ['.'])
    .option('--output <file>', 'write the model to a file instead of standard output')
    .option('--as <format>', 'force the input format of the given paths')
    .action(async (paths: string[], flags: ScanFlags) => {
      const result = await runScan(paths, { ...flags, failOn: 'none' }, io);
      write(io, flags.output, `${JSON.stringify(modelJson(result.devices, result.diagnostics), null, 2)}\n`);
      code = isUntrusted(result, false) ? EXIT.untrusted : EXIT.ok;
    });

  program
    .command('rules')
    .description('list the rules')
    .option('--config <file>', 'config file (its rulesDir and settings are shown too)')
    .action(async (flags: { config?: string }) => {
      const result = await runScan([], { format: 'text', failOn: 'none', ...(flags.config ? { config: flags.config } : {}) }, io, true);
      io.stdout(listRules(result.rules));
      reportErrors(result, io);
      code = isUntrusted(result, false) ? EXIT.untrusted : EXIT.ok;
    });

  program
    .command('explain')
    .description('explain one rule: what it flags, why, and how to fix it')
    .argument('<rule-id>', 'rule id')
    .action((id: string) => {
      const diagnostics: ScanResult['diagnostics'] = [];
      const defs = loadBuiltinRules(diagnostics).map((rule) => ({ rule, source: 'builtin' }));
      const rule = activateRules(defs, {}, 'portcullis.yaml', diagnostics).find((r) => r.definition.id === id);
      if (!rule) {
        io.stderr(`portcullis: no rule "${id}"; \`portcullis rules\` lists them\n`);
        code = EXIT.untrusted;
        return;
      }
      io.stdout(explainRule(rule.definition));
    });

  program
    .command('init')
    .description('write a starter portcullis.yaml in the working folder')
    .option('--force', 'overwrite an existing portcullis.yaml')
    .action((flags: { force?: boolean }) => {
      const target = resolve(io.cwd, 'portcullis.yaml');
      if (existsSync(target) && !flags.force) {
        io.stderr('portcullis: portcullis.yaml already exists (use --force to overwrite it)\n');
        code = EXIT.untrusted;
        return;
      }
      writeFileSync(target, STARTER_CONFIG);
      io.stdout('wrote portcullis.yaml\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end "with an error" of code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.untrusted;
    }
    io.stderr(`portcullis: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.untrusted;
  }
  return code;
}

/** `portcullis scan`: scan, compare with a baseline, write the report (and the baseline); returns the exit code. */
async function scanCommand(paths: string[], flags: ScanFlags, io: Io): Promise<number> {
  let scanPaths = paths;
  let noInputs = false;
  let partial = false;
  if (flags.changedSince !== undefined) {
    // A baseline written from some of the files would forget the findings of all the others.
    if (flags.writeBaseline) {
      io.stderr('portcullis: --write-baseline needs a full scan; leave out --changed-since\n');
      return EXIT.untrusted;
    }
    const changed = changedSince(flags.changedSince, io.cwd);
    if (!changed.ok) {
      io.stderr(`portcullis: ${changed.error}\n`);
      return EXIT.untrusted;
    }
    if (settingsChanged(changed.files, flags, io.cwd)) {
      io.stderr('portcullis: the config, the inventory or the rules folder changed, so every file is scanned\n');
    } else {
      scanPaths = scannableChanges(changed.files, paths, io.cwd, flags.as);
      noInputs = scanPaths.length === 0;
      partial = true;
    }
  }
  const result = await runScan(scanPaths, flags, io, noInputs);
  if (partial) {
    // Config ignores for files this scan did not read are not unused.
    const config = result.config.file ? displayPath(result.config.file, io.cwd) : undefined;
    result.diagnostics = result.diagnostics.filter((d) => !(d.code === 'unused-suppression' && d.file === config && d.line === undefined));
  }

  let baseline: BaselineComparison | undefined;
  if (flags.baseline) {
    const file = resolve(io.cwd, flags.baseline);
    const shown = displayPath(file, io.cwd);
    const read = readBaseline(file, shown, result.diagnostics);
    if (read) baseline = compareWithBaseline(result.findings, read, shown);
    // Entries for files this scan did not read are not fixed.
    if (baseline && partial) {
      const scanned = new Set(result.files.map((f) => f.path));
      baseline.fixed = baseline.fixed.filter((e) => e.file !== undefined && scanned.has(e.file));
    }
    sortDiagnostics(result.diagnostics);
  }
  if (flags.writeBaseline) {
    const file = resolve(io.cwd, flags.writeBaseline);
    const shown = displayPath(file, io.cwd);
    const written = createBaseline(result.findings, TOOL.name);
    try {
      writeFileSync(file, baselineJson(written));
    } catch (e) {
      io.stderr(`portcullis: cannot write the baseline ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return EXIT.untrusted;
    }
    io.stderr(`portcullis: wrote ${written.findings.length} finding${written.findings.length === 1 ? '' : 's'} to the baseline ${shown}\n`);
    // The findings just written are accepted: report them as baselined unless another baseline was given.
    baseline ??= compareWithBaseline(result.findings, written, shown);
  }

  const options = { color: io.isTTY && !flags.output, docsUrl: io.env?.['PORTCULLIS_DOCS_URL'] || undefined, baseline, cwd: io.cwd, ...(flags.layout ? { layout: flags.layout } : {}) };
  const timer = phaseTimer();
  writeParts(io, flags.output, formatReportParts(result, flags.format as ReportFormat, options));
  timer('report');
  if (flags.writeBaseline) return isUntrusted(result, Boolean(flags.strict)) ? EXIT.untrusted : EXIT.ok;
  return exitCodeFor(result, flags.failOn, Boolean(flags.strict), baseline);
}

/** Whether a changed file is the config, the inventory or a user rule: then every finding may change. */
function settingsChanged(changed: string[], flags: ScanFlags, cwd: string): boolean {
  const configFile = flags.config ? resolve(cwd, flags.config) : findConfig(cwd);
  const settings = new Set<string>();
  const dirs: string[] = [];
  if (configFile) {
    settings.add(configFile);
    const loaded = loadConfig(configFile, configFile, []).config;
    if (loaded.inventory) settings.add(resolve(dirname(configFile), loaded.inventory));
    if (loaded.rulesDir) dirs.push(resolve(dirname(configFile), loaded.rulesDir));
  }
  if (flags.inventory) settings.add(resolve(cwd, flags.inventory));
  return changed.some((f) => settings.has(f) || dirs.some((d) => isWithin(f, d)));
}

function runScan(paths: string[], flags: ScanFlags, io: Io, noInputs = false): Promise<ScanResult> {
  return scanAsync({
    paths: noInputs ? [] : paths,
    noInputs,
    cwd: io.cwd,
    ...(flags.config ? { config: flags.config } : {}),
    ...(flags.inventory ? { inventory: flags.inventory } : {}),
    ...(flags.as ? { as: flags.as } : {}),
  });
}

/** Commands whose output is not a report still say when the run went wrong. */
function reportErrors(result: ScanResult, io: Io): void {
  for (const d of result.diagnostics) {
    if (d.severity === 'error') io.stderr(`${d.file}${d.line ? `:${d.line}` : ''}: error: ${d.message} (${d.code})\n`);
  }
}
