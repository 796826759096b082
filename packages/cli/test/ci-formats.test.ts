// End-to-end tests of the CI features of the command line: the report formats, baselines and
// --changed-since. Like cli.test.ts they run the BUILT program (`pnpm build` first) as a subprocess.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repoRoot, 'packages/cli/bin/portcullis.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `portcullis ...args` in `cwd`; `env` adds to (or, with undefined, removes from) the environment. */
function portcullisWith(env: Record<string, string | undefined>, cwd: string, ...args: string[]): Run {
  const full: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, PORTCULLIS_DOCS_URL: undefined, ...env };
  for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: full as NodeJS.ProcessEnv });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const portcullis = (cwd: string, ...args: string[]): Run => portcullisWith({}, cwd, ...args);

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function estate(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-ci-'));
  made.push(dir);
  write(dir, files);
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** An iptables-save filter table whose INPUT chain drops by default; its rules start on line 5. */
function filterTable(...rules: string[]): string {
  return ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
}

const port = (n: number, proto = 'tcp'): string => `-A INPUT -p ${proto} -m ${proto} --dport ${n} -j ACCEPT`;
const SSH = port(22);
const TELNET = port(23);
const RDP = port(3389);

interface JsonReport {
  findings: { ruleId: string; location: { file: string; line: number }; suppressed: boolean; baselineState?: string }[];
  diagnostics: { file: string; line?: number; severity: string; code: string; message: string }[];
  stats: Record<string, number>;
}
const json = (run: Run): JsonReport => JSON.parse(run.stdout) as JsonReport;

const validateReport = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'packages/model/schemas/report.schema.json'), 'utf8')) as object);
const reportSchemaProblems = (report: unknown): string[] =>
  validateReport(report) ? [] : (validateReport.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
const keys = (r: JsonReport): string[] =>
  r.findings.map((f) => `${f.ruleId}@${f.location.file}:${f.location.line}${f.suppressed ? ' suppressed' : ''}${f.baselineState ? ` ${f.baselineState}` : ''}`);

describe('--format', () => {
  const dir = estate({ 'fw.iptables-save': filterTable(SSH, TELNET) });

  const formats: { format: string; check: (stdout: string) => void }[] = [
    { format: 'sarif', check: (out) => expect(JSON.parse(out)).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { name: 'portcullis' } } }] }) },
    { format: 'junit', check: (out) => expect(out).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="portcullis" /) },
    { format: 'markdown', check: (out) => expect(out.split('\n')[0]).toBe('## Portcullis: 2 findings') },
    { format: 'github', check: (out) => expect(out.split('\n').slice(0, 2).map((l) => l.split(' ')[0])).toEqual(['::warning', '::error']) },
  ];
  for (const f of formats) {
    it(`${f.format}: the report, and the exit code of --fail-on`, () => {
      const failing = portcullis(dir, 'scan', 'fw.iptables-save', '--format', f.format);
      expect(failing.status).toBe(1);
      expect(failing.stderr).toBe('');
      f.check(failing.stdout);
      expect(portcullis(dir, 'scan', 'fw.iptables-save', '--format', f.format, '--fail-on', 'none').status).toBe(0);
    });

    it(`${f.format}: --output writes the same report to a file`, () => {
      const out = `report.${f.format}`;
      expect(portcullis(dir, 'scan', 'fw.iptables-save', '--format', f.format, '--output', out).stdout).toBe('');
      expect(readFileSync(join(dir, out), 'utf8')).toBe(portcullis(dir, 'scan', 'fw.iptables-save', '--format', f.format).stdout);
    });
  }

  it('--help lists every format', () => {
    const help = portcullis(dir, 'scan', '--help').stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--format <format> report format (choices: "text", "json", "sarif", "junit", "markdown", "github", "html", default: "text")');
  });

  it('PORTCULLIS_DOCS_URL sets the rules\' helpUri in SARIF and the links in Markdown', () => {
    const env = { PORTCULLIS_DOCS_URL: 'https://example.com/portcullis/blob/v1/docs/rules' };
    const sarif = JSON.parse(portcullisWith(env, dir, 'scan', 'fw.iptables-save', '--format', 'sarif').stdout) as {
      runs: { tool: { driver: { rules: { id: string; helpUri?: string }[] } } }[];
    };
    expect(sarif.runs[0]!.tool.driver.rules.find((r) => r.id === 'no-telnet')!.helpUri).toBe('https://example.com/portcullis/blob/v1/docs/rules/no-telnet.md');
    expect(portcullisWith(env, dir, 'scan', 'fw.iptables-save', '--format', 'markdown').stdout).toContain('(https://example.com/portcullis/blob/v1/docs/rules/no-telnet.md)');
    // Without it, a relative link in Markdown and no helpUri in SARIF (which must be absolute there).
    const plain = portcullis(dir, 'scan', 'fw.iptables-save', '--format', 'sarif').stdout;
    expect(plain).not.toContain('helpUri');
  });
});

describe('baseline', () => {
  it('round trip: write it, add an open port, and only the new one fails the run', () => {
    const dir = estate({ 'fw.iptables-save': filterTable(SSH, TELNET) });

    const written = portcullis(dir, 'scan', 'fw.iptables-save', '--write-baseline', 'portcullis-baseline.json');
    expect(written.status).toBe(0);
    expect(written.stderr).toBe('portcullis: wrote 2 findings to the baseline portcullis-baseline.json\n');
    const baseline = JSON.parse(readFileSync(join(dir, 'portcullis-baseline.json'), 'utf8')) as { version: number; findings: { ruleId: string; line: number }[] };
    expect(baseline.version).toBe(1);
    expect(baseline.findings.map((e) => `${e.ruleId}:${e.line}`)).toEqual(['no-public-ssh:5', 'no-telnet:6']);

    // Nothing new: Telnet is critical, but it is in the baseline.
    expect(portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'portcullis-baseline.json').status).toBe(0);

    // A new open port above the old ones: they move down a line and stay baselined; RDP fails the run.
    write(dir, { 'fw.iptables-save': filterTable(RDP, SSH, TELNET) });
    const after = portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'portcullis-baseline.json', '--format', 'json');
    expect(after.status).toBe(1);
    const r = json(after);
    expect(keys(r)).toEqual(['no-public-rdp@fw.iptables-save:5 new', 'no-public-ssh@fw.iptables-save:6 unchanged', 'no-telnet@fw.iptables-save:7 unchanged']);
    expect(r.stats).toMatchObject({ findings: 1, baselined: 2, fixed: 0 });
    expect(reportSchemaProblems(r)).toEqual([]);

    const text = portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'portcullis-baseline.json');
    expect(text.status).toBe(1);
    expect(text.stdout).toBe(
      [
        'fw.iptables-save',
        '  5:1  high      RDP (3389/tcp) on fw is reachable from anywhere (0.0.0.0/0)  no-public-rdp',
        '',
        'baseline portcullis-baseline.json: 2 findings already in it, not listed; 0 fixed since it was written',
        '✖ 1 finding (1 high); 1 file scanned',
        '',
      ].join('\n'),
    );
    // Only the new finding is an annotation.
    const github = portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'portcullis-baseline.json', '--format', 'github');
    expect(github.stdout.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(1);
  });

  it('counts what was fixed since the baseline', () => {
    const dir = estate({ 'fw.iptables-save': filterTable(SSH, TELNET) });
    expect(portcullis(dir, 'scan', 'fw.iptables-save', '--write-baseline', 'b.json').status).toBe(0);
    write(dir, { 'fw.iptables-save': filterTable(SSH) });
    const run = portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'b.json', '--format', 'json');
    expect(run.status).toBe(0);
    expect(json(run).stats).toMatchObject({ findings: 0, baselined: 1, fixed: 1 });
    expect(portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'b.json').stdout).toBe(
      'baseline b.json: 1 finding already in it, not listed; 1 fixed since it was written\n✔ no findings; 1 file scanned\n',
    );
  });

  it('--write-baseline leaves suppressed findings out, so they come back when the suppression ends', () => {
    const dir = estate({ 'fw.iptables-save': filterTable(SSH, '# portcullis-ignore no-telnet until 2020-01-01 -- lab', TELNET, '# portcullis-ignore no-public-rdp -- jump host', RDP) });
    expect(portcullis(dir, 'scan', 'fw.iptables-save', '--write-baseline', 'b.json').status).toBe(0);
    const baseline = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as { findings: { ruleId: string }[] };
    expect(baseline.findings.map((e) => e.ruleId)).toEqual(['no-public-ssh', 'no-telnet']);
  });

  it('a baseline that cannot be read stops the run', () => {
    const dir = estate({ 'fw.iptables-save': filterTable(SSH), 'bad.json': '{"version": 7, "findings": []}' });
    const missing = portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'nope.json', '--format', 'json');
    expect(missing.status).toBe(2);
    expect(json(missing).diagnostics).toEqual([{ file: 'nope.json', severity: 'error', code: 'invalid-baseline', message: 'cannot read: ENOENT' }]);
    const bad = portcullis(dir, 'scan', 'fw.iptables-save', '--baseline', 'bad.json', '--format', 'json');
    expect(bad.status).toBe(2);
    expect(json(bad).diagnostics.map((d) => `${d.file} ${d.code} ${d.message}`)).toEqual(['bad.json invalid-baseline version: must be equal to constant']);
  });
});

describe('--changed-since', () => {
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (cwd: string, ...args: string[]): string => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: gitEnv });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  /** A repository whose main branch has three firewalls; a branch then changes some files. */
  function repository(): string {
    const dir = estate({
      'edge/a.iptables-save': filterTable(SSH),
      'edge/b.iptables-save': filterTable(TELNET),
      'core/c.iptables-save': filterTable(RDP),
      'README.md': '# firewalls\n',
      '.gitignore': 'ignored/\n',
    });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'firewalls');
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, { 'edge/a.iptables-save': filterTable(SSH, port(21)) });
    git(dir, 'commit', '-q', '-am', 'FTP on a');
    write(dir, {
      'core/c.iptables-save': filterTable(RDP, port(5900)), // changed, not committed
      'edge/new.iptables-save': filterTable(port(3306)), // new, not committed
      'ignored/x.iptables-save': filterTable(port(6379)), // ignored by .gitignore
      'README.md': '# firewalls, changed\n', // changed, but no configuration
    });
    return dir;
  }

  const scanned = (r: JsonReport): string[] => [...new Set(r.findings.map((f) => f.location.file))].sort();

  it('scans committed, uncommitted and new files, and nothing else', () => {
    const dir = repository();
    const run = portcullis(dir, 'scan', '--changed-since', 'main', '--format', 'json', '--fail-on', 'none');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const r = json(run);
    expect(r.stats['files']).toBe(3);
    expect(scanned(r)).toEqual(['core/c.iptables-save', 'edge/a.iptables-save', 'edge/new.iptables-save']);
    expect(r.diagnostics).toEqual([]);
  });

  it('only under the paths given, from a subfolder too', () => {
    const dir = repository();
    expect(scanned(json(portcullis(dir, 'scan', 'edge', '--changed-since', 'main', '--format', 'json')))).toEqual(['edge/a.iptables-save', 'edge/new.iptables-save']);
    expect(scanned(json(portcullis(join(dir, 'edge'), 'scan', '--changed-since', 'main', '--format', 'json')))).toEqual(['a.iptables-save', 'new.iptables-save']);
  });

  it('nothing changed: nothing scanned, and the run passes', () => {
    const dir = repository();
    const run = portcullis(dir, 'scan', '--changed-since', 'HEAD', 'core', '--format', 'json');
    // HEAD...HEAD is empty, but core/c.iptables-save has changes not yet committed.
    expect(scanned(json(run))).toEqual(['core/c.iptables-save']);
    git(dir, 'stash', '-q', '--include-untracked');
    const clean = portcullis(dir, 'scan', '--changed-since', 'HEAD');
    expect(clean.status).toBe(0);
    expect(clean.stdout).toBe('✔ no findings; 0 files scanned\n');
  });

  it('a changed config scans everything', () => {
    const dir = repository();
    write(dir, { 'portcullis.yaml': 'rules:\n  no-public-ssh: off\n' });
    const run = portcullis(dir, 'scan', '--changed-since', 'main', '--format', 'json', '--fail-on', 'none');
    expect(run.stderr).toBe('portcullis: the config, the inventory or the rules folder changed, so every file is scanned\n');
    // Everything, git-ignored files included: a scan without --changed-since does not ask git.
    expect(json(run).stats['files']).toBe(5);
  });

  it('config ignores for files that were not scanned are not reported as unused', () => {
    const dir = repository();
    write(dir, { 'portcullis.yaml': 'ignores:\n  - rule: no-telnet\n    file: edge/b.iptables-save\n    reason: lab\n' });
    git(dir, 'add', 'portcullis.yaml');
    git(dir, 'commit', '-q', '-m', 'config');
    const run = portcullis(dir, 'scan', '--changed-since', 'HEAD', '--format', 'json', '--fail-on', 'none');
    expect(json(run).diagnostics).toEqual([]);
  });

  it('with a baseline: only the scanned files\' entries can be fixed', () => {
    const dir = repository();
    git(dir, 'stash', '-q', '--include-untracked');
    git(dir, 'checkout', '-q', 'main');
    expect(portcullis(dir, 'scan', '--write-baseline', 'b.json').status).toBe(0);
    git(dir, 'checkout', '-q', 'feature');
    // Close SSH on a (in the baseline); b and c are not scanned, so their entries are not "fixed".
    write(dir, { 'edge/a.iptables-save': filterTable(port(21)) });
    const run = portcullis(dir, 'scan', '--changed-since', 'main', '--baseline', 'b.json', '--format', 'json');
    expect(keys(json(run))).toEqual(['no-plaintext-protocol@edge/a.iptables-save:5 new']);
    expect(json(run).stats).toMatchObject({ files: 1, findings: 1, baselined: 0, fixed: 1 });
  });

  it('a changed file of a Terraform module brings in the whole module', () => {
    const fixture = join(repoRoot, 'fixtures/cloud/aws-variables-locals-tfvars');
    const module = (tfvars: string): Record<string, string> => ({
      'infra/main.tf': readFileSync(join(fixture, 'main.tf'), 'utf8'),
      'infra/variables.tf': readFileSync(join(fixture, 'variables.tf'), 'utf8'),
      'infra/terraform.tfvars': tfvars,
    });
    const dir = estate(module('admin_cidr = "10.0.0.0/8"\ndb_port    = 5432\n'));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'module');
    write(dir, { 'infra/terraform.tfvars': 'admin_cidr = "0.0.0.0/0"\ndb_port    = 5432\n' });
    const r = json(portcullis(dir, 'scan', '--changed-since', 'main', '--format', 'json', '--fail-on', 'none'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(keys(r).map((k) => k.split('@')[0])).toEqual(expect.arrayContaining(['no-public-ssh', 'no-public-rdp']));
    expect(scanned(r)).toEqual(['infra/main.tf']);
  });

  it('--write-baseline needs a full scan', () => {
    const dir = repository();
    const run = portcullis(dir, 'scan', '--changed-since', 'main', '--write-baseline', 'b.json');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('portcullis: --write-baseline needs a full scan; leave out --changed-since\n');
    expect(existsSync(join(dir, 'b.json'))).toBe(false);
  });

  const failures: { name: string; ref: string; inRepo: boolean; stderr: RegExp }[] = [
    { name: 'an unknown ref', ref: 'no-such-branch', inRepo: true, stderr: /^portcullis: --changed-since no-such-branch: git knows no such commit/ },
    { name: 'a ref that looks like an option', ref: '--output=x', inRepo: true, stderr: /^portcullis: --changed-since "--output=x": not a git ref/ },
    { name: 'a folder that is no git work tree', ref: 'main', inRepo: false, stderr: /^portcullis: --changed-since needs a git work tree: / },
  ];
  for (const f of failures) {
    it(`${f.name}: exit 2`, () => {
      const dir = f.inRepo ? repository() : estate({ 'fw.iptables-save': filterTable(SSH) });
      const run = portcullis(dir, 'scan', `--changed-since=${f.ref}`);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(f.stderr);
    });
  }

  it('does not scan what git ignores', () => {
    const dir = repository();
    expect(existsSync(join(dir, 'ignored/x.iptables-save'))).toBe(true);
    expect(scanned(json(portcullis(dir, 'scan', '--changed-since', 'main', '--format', 'json')))).not.toContain('ignored/x.iptables-save');
  });
});
