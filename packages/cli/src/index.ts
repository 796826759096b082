import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import {
  SEVERITIES,
  SEVERITY_RANK,
  activateRules,
  loadRuleFolder,
  modelJson,
  scan,
  type ScanResult,
  type Severity,
} from '@portcullis/engine';
import { rulesDir } from '@portcullis/rules';
import { TOOL, exposureJson, exposureText, formatReport, REPORT_FORMATS, type ReportFormat } from '@portcullis/report';
import { explainRule, listRules } from './explain.js';
import { STARTER_CONFIG } from './init.js';

/** What a run ends with: 0 nothing at or above --fail-on, 1 findings at or above it, 2 the run cannot be trusted. */
export const EXIT = { ok: 0, findings: 1, untrusted: 2 } as const;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  cwd: string;
}

const defaultIo = (): Io => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'],
  cwd: process.cwd(),
});

interface ScanFlags {
  format: string;
  output?: string;
  config?: string;
  inventory?: string;
  failOn: Severity | 'none';
  as?: string;
  strict?: boolean;
}

function isUntrusted(result: ScanResult, strict: boolean): boolean {
  if (result.diagnostics.some((d) => d.severity === 'error')) return true;
  return strict && result.diagnostics.some((d) => /unrecogni[sz]ed|unsupported/.test(d.code));
}

function exitCodeFor(result: ScanResult, failOn: Severity | 'none', strict: boolean): number {
  if (isUntrusted(result, strict)) return EXIT.untrusted;
  if (failOn === 'none') return EXIT.ok;
  const limit = SEVERITY_RANK[failOn];
  return result.findings.some((f) => !f.suppressed && SEVERITY_RANK[f.severity] <= limit) ? EXIT.findings : EXIT.ok;
}

function write(io: Io, output: string | undefined, text: string): void {
  if (output) writeFileSync(resolve(io.cwd, output), text);
  else io.stdout(text);
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
    .option('--output <file>', 'write the report to a file instead of standard output')
    .option('--config <file>', 'config file (default: portcullis.yaml here or above)')
    .option('--inventory <file>', 'services inventory (services.yaml)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 on findings at or above this severity').choices([...SEVERITIES, 'none']).default('high'))
    .option('--as <format>', 'force the input format of the given paths')
    .option('--strict', 'unrecognised lines fail the run (exit 2)')
    .action((paths: string[], flags: ScanFlags) => {
      const result = runScan(paths, flags, io);
      write(io, flags.output, formatReport(result, flags.format as ReportFormat, { color: io.isTTY && !flags.output }));
      code = exitCodeFor(result, flags.failOn, Boolean(flags.strict));
    });

  program
    .command('exposure')
    .description('the effective exposure table: what is reachable from where, and which rules allow it')
    .argument('[paths...]', 'files and folders to scan', ['.'])
    .addOption(new Option('--format <format>', 'table format').choices(['text', 'json']).default('text'))
    .option('--output <file>', 'write the table to a file instead of standard output')
    .option('--config <file>', 'config file')
    .option('--as <format>', 'force the input format of the given paths')
    .action((paths: string[], flags: ScanFlags) => {
      const result = runScan(paths, { ...flags, failOn: 'none' }, io);
      write(io, flags.output, flags.format === 'json' ? exposureJson(result) : exposureText(result, { color: io.isTTY && !flags.output }));
      reportErrors(result, io);
      code = isUntrusted(result, false) ? EXIT.untrusted : EXIT.ok;
    });

  program
    .command('model')
    .description('the normalised model of the inputs, as JSON')
    .argument('[paths...]', 'files and folders to scan', ['.'])
    .option('--output <file>', 'write the model to a file instead of standard output')
    .option('--as <format>', 'force the input format of the given paths')
    .action((paths: string[], flags: ScanFlags) => {
      const result = runScan(paths, { ...flags, failOn: 'none' }, io);
      write(io, flags.output, `${JSON.stringify(modelJson(result.devices, result.diagnostics), null, 2)}\n`);
      code = isUntrusted(result, false) ? EXIT.untrusted : EXIT.ok;
    });

  program
    .command('rules')
    .description('list the rules')
    .option('--config <file>', 'config file (its rulesDir and settings are shown too)')
    .action((flags: { config?: string }) => {
      const result = runScan([], { format: 'text', failOn: 'none', ...(flags.config ? { config: flags.config } : {}) }, io, true);
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
      const defs = loadRuleFolder(rulesDir, diagnostics, 'rules').map(({ rule }) => ({ rule, source: 'builtin' }));
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

function runScan(paths: string[], flags: ScanFlags, io: Io, noInputs = false): ScanResult {
  return scan({
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
