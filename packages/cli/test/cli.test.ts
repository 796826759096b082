// End-to-end tests of the command line: they run the BUILT program (`pnpm build` first) as a user
// would, on real files, and check what a user or a CI pipeline sees: exit code, stdout, stderr, files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Runs `portcullis ...args` in `cwd`, with stdout and stderr as pipes (not a terminal). */
function portcullis(cwd: string, ...args: string[]): Run {
  const env = { ...process.env };
  delete env['NO_COLOR'];
  delete env['FORCE_COLOR'];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  location: { file: string; line: number };
  suppressed: boolean;
  suppression?: { kind: string; reason?: string; until?: string };
}
interface JsonReport {
  tool: { name: string; version: string };
  findings: JsonFinding[];
  diagnostics: { file: string; line?: number; severity: string; code: string; message: string }[];
  stats: Record<string, number>;
}

function report(run: Run): JsonReport {
  return JSON.parse(run.stdout) as JsonReport;
}

/** `rule@file:line severity`, with ` (suppressed)` when it is: compact enough to list literally. */
function findingKeys(r: JsonReport): string[] {
  return r.findings.map((f) => `${f.ruleId}@${f.location.file}:${f.location.line} ${f.severity}${f.suppressed ? ' (suppressed)' : ''}`);
}

/** The rows of a text report under one file heading, split into [line:col, severity, message, id]. */
function textRows(stdout: string, file: string): string[][] {
  const lines = stdout.split('\n');
  const start = lines.indexOf(file);
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    rows.push(line.trim().split(/ {2,}/));
  }
  return rows;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder holding the given files (path relative to it -> text). */
function estate(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** An iptables-save filter table whose INPUT chain drops by default; its rules start on line 5. */
function filterTable(...rules: string[]): string {
  return ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
}

const SSH = '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT';
const TELNET = '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT';
const RDP = '-A INPUT -p tcp -m tcp --dport 3389 -j ACCEPT';

/** Inputs shared by the tests that only read: findings of one known severity each. */
const inputs = estate({
  'ssh.iptables-save': filterTable(SSH), // no-public-ssh@5 medium
  'rdp.iptables-save': filterTable(RDP), // no-public-rdp@5 high
  'telnet.iptables-save': filterTable(SSH, TELNET), // no-public-ssh@5 medium, no-telnet@6 critical
  'garbage.iptables-save': filterTable('this is not iptables', SSH), // unrecognised-line@5, no-public-ssh@6 medium
  // Only a rule, no `*filter` table line: too little for format detection to claim it.
  'rules-only.dump': `${TELNET}\n`,
  // A hand-kept file with a long comment header: format detection reads only the first 200 lines.
  'edge-router.conf': `${Array.from({ length: 210 }, (_, i) => `# change log entry ${i + 1}`).join('\n')}\n${filterTable(TELNET)}`,
});

const demoArgs = ['fixtures/demo', '--config', 'fixtures/demo/portcullis.yaml'];

function compile(schemaFile: string): (value: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'packages/model/schemas', schemaFile), 'utf8')) as object);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}
const reportSchemaProblems = compile('report.schema.json');
const exposureSchemaProblems = compile('exposure.schema.json');

describe('exit codes', () => {
  const cases: { name: string; args: string[]; status: number; stderr?: string }[] = [
    { name: 'a critical finding with --fail-on none', args: ['scan', 'telnet.iptables-save', '--fail-on', 'none'], status: 0 },
    { name: 'a critical finding with the default --fail-on high', args: ['scan', 'telnet.iptables-save'], status: 1 },
    { name: 'a high finding with the default --fail-on high', args: ['scan', 'rdp.iptables-save'], status: 1 },
    { name: 'only a medium finding with the default --fail-on high', args: ['scan', 'ssh.iptables-save'], status: 0 },
    { name: 'a medium finding with --fail-on medium', args: ['scan', 'ssh.iptables-save', '--fail-on', 'medium'], status: 1 },
    { name: 'a high finding with --fail-on critical', args: ['scan', 'rdp.iptables-save', '--fail-on', 'critical'], status: 0 },
    { name: 'a medium finding with --fail-on info', args: ['scan', 'ssh.iptables-save', '--fail-on', 'info'], status: 1 },
    { name: 'an unknown option', args: ['scan', '--bogus', 'ssh.iptables-save'], status: 2, stderr: "error: unknown option '--bogus'" },
    { name: 'a bad --format', args: ['scan', '--format', 'xml', 'ssh.iptables-save'], status: 2, stderr: "error: option '--format <format>' argument 'xml' is invalid" },
    { name: 'a bad --fail-on', args: ['scan', '--fail-on', 'severe', 'ssh.iptables-save'], status: 2, stderr: "error: option '--fail-on <severity>' argument 'severe' is invalid" },
    { name: 'an unknown command', args: ['frobnicate'], status: 2, stderr: "error: unknown command 'frobnicate'" },
    { name: 'a path that does not exist', args: ['scan', 'missing.iptables-save', '--fail-on', 'none'], status: 2 },
    { name: 'an unknown --as format', args: ['scan', 'ssh.iptables-save', '--as', 'nope'], status: 2 },
    { name: '--version', args: ['--version'], status: 0 },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.status}`, () => {
      const run = portcullis(inputs, ...c.args);
      expect(run.status, run.stdout + run.stderr).toBe(c.status);
      if (c.stderr) expect(run.stderr).toContain(c.stderr);
    });
  }

  it('--version prints the version', () => {
    expect(portcullis(inputs, '--version').stdout).toBe('0.1.0\n');
  });

  it('a path that does not exist is an error naming it', () => {
    const r = report(portcullis(inputs, 'scan', 'missing.iptables-save', '--format', 'json'));
    expect(r.diagnostics.map((d) => `${d.file} ${d.severity} ${d.code}`)).toEqual(['missing.iptables-save error unreadable-path']);
  });
});

describe('invalid portcullis.yaml or inventory: exit 2 and an error naming the file and key', () => {
  const configs: { name: string; config: string; message: string }[] = [
    { name: 'an unknown key', config: 'rulez: {}\n', message: '(top level): unknown key "rulez"' },
    {
      name: 'a bad severity',
      config: 'rules:\n  no-public-ssh: severe\n',
      message: 'rules.no-public-ssh: must be one of: "off", "on", "critical", "high", "medium", "low", "info"',
    },
    { name: 'an unknown rule id', config: 'rules:\n  no-such-rule: high\n', message: 'rules.no-such-rule: no rule has this id (see `portcullis rules`)' },
    {
      name: 'an option the rule does not have',
      config: 'rules:\n  no-public-ssh:\n    options:\n      ports: "2222"\n',
      message: 'rules.no-public-ssh.options: (top level): unknown key "ports"',
    },
    { name: 'a trusted source that is not an address', config: 'trustedSources: [office]\n', message: 'trustedSources.0: "office" is not an address or CIDR' },
    { name: 'an ignore without a reason', config: 'ignores:\n  - rule: no-telnet\n', message: 'ignores.0: missing required key "reason"' },
    {
      name: 'an ignore with a bad date',
      config: 'ignores:\n  - rule: no-telnet\n    reason: lab\n    until: soon\n',
      message: 'ignores.0.until: must match pattern "^\\d{4}-\\d{2}-\\d{2}$"',
    },
    { name: 'not YAML', config: 'rules: [\n', message: 'not valid YAML: unexpected end of the stream within a flow collection' },
  ];
  for (const c of configs) {
    it(`portcullis.yaml with ${c.name}`, () => {
      const dir = estate({ 'portcullis.yaml': c.config, 'ssh.iptables-save': filterTable(SSH) });
      const run = portcullis(dir, 'scan', 'ssh.iptables-save', '--fail-on', 'none');
      expect(run.status).toBe(2);
      expect(textRows(run.stdout, 'portcullis.yaml')).toContainEqual([expect.any(String), 'error', c.message, 'invalid-config']);
    });
  }

  it('--config naming a file that does not exist', () => {
    const run = portcullis(inputs, 'scan', 'ssh.iptables-save', '--config', 'nope.yaml');
    expect(run.status).toBe(2);
    expect(textRows(run.stdout, 'nope.yaml')).toContainEqual([expect.any(String), 'error', expect.stringMatching(/^cannot read: ENOENT/), 'invalid-config']);
  });

  const inventories: { name: string; inventory: string; messages: string[] }[] = [
    {
      name: 'a missing port and an unknown key',
      inventory: 'services:\n  - name: web\n    host: 10.0.0.5\n    prot: 80\n',
      messages: ['services.0: missing required key "port"', 'services.0: unknown key "prot"'],
    },
    { name: 'a port that is not a number', inventory: 'services:\n  - name: web\n    host: 10.0.0.5\n    port: http\n', messages: ['services.0.port: must be integer'] },
    { name: 'a bad status', inventory: 'services:\n  - name: web\n    host: 10.0.0.5\n    port: 80\n    status: retired\n', messages: ['services.0.status: must be one of: "active", "decommissioned"'] },
  ];
  for (const c of inventories) {
    it(`an inventory with ${c.name}`, () => {
      const dir = estate({ 'services.yaml': c.inventory, 'ssh.iptables-save': filterTable(SSH) });
      const run = portcullis(dir, 'scan', 'ssh.iptables-save', '--inventory', 'services.yaml', '--fail-on', 'none');
      expect(run.status).toBe(2);
      const rows = textRows(run.stdout, 'services.yaml');
      for (const m of c.messages) expect(rows).toContainEqual([expect.any(String), 'error', m, 'invalid-inventory']);
    });
  }
});

describe('--strict', () => {
  const cases: { args: string[]; status: number }[] = [
    { args: ['scan', 'garbage.iptables-save'], status: 0 },
    { args: ['scan', 'garbage.iptables-save', '--fail-on', 'medium'], status: 1 },
    { args: ['scan', 'garbage.iptables-save', '--strict'], status: 2 },
    { args: ['scan', 'garbage.iptables-save', '--strict', '--fail-on', 'none'], status: 2 },
    { args: ['scan', 'ssh.iptables-save', '--strict'], status: 0 },
    { args: ['scan', 'telnet.iptables-save', '--strict'], status: 1 },
  ];
  for (const c of cases) {
    it(`${c.args.join(' ')}: ${c.status}`, () => {
      expect(portcullis(inputs, ...c.args).status).toBe(c.status);
    });
  }

  it('the unrecognised line is reported with its position, and the rest of the file is still scanned', () => {
    const run = portcullis(inputs, 'scan', 'garbage.iptables-save');
    expect(textRows(run.stdout, 'garbage.iptables-save')).toEqual([
      ['5:1', 'warning', "not an iptables-save line: 'this is not iptables'", 'unrecognised-line'],
      ['6:1', 'medium', 'SSH (22/tcp) on garbage is reachable from anywhere (0.0.0.0/0)', 'no-public-ssh'],
    ]);
  });
});

describe('--as', () => {
  it('a named file that format detection does not claim is reported, not read, without --as', () => {
    const r = report(portcullis(inputs, 'scan', 'rules-only.dump', '--format', 'json'));
    expect(r.stats['files']).toBe(0);
    expect(r.diagnostics.map((d) => `${d.file} ${d.severity} ${d.code}`)).toEqual(['rules-only.dump warning unknown-format']);
  });

  for (const as of ['iptables-save', 'iptables']) {
    it(`--as ${as} reads it`, () => {
      const r = report(portcullis(inputs, 'scan', 'rules-only.dump', '--as', as, '--format', 'json'));
      expect(r.stats['files']).toBe(1);
      expect(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual(['rules-only.dump:1 unrecognised-line']);
    });
  }

  it('--as iptables-save reads a .conf file past a long comment header, and its findings count', () => {
    const run = portcullis(inputs, 'scan', 'edge-router.conf', '--as', 'iptables-save', '--format', 'json');
    expect(run.status).toBe(1);
    expect(findingKeys(report(run))).toEqual(['no-telnet@edge-router.conf:215 critical']);
  });

  it('--as with a format that does not exist says so', () => {
    const r = report(portcullis(inputs, 'scan', 'ssh.iptables-save', '--as', 'nope', '--format', 'json'));
    expect(r.diagnostics).toContainEqual({ file: '.', severity: 'error', code: 'unknown-format', message: '--as nope: no such input format' });
  });
});

describe('scan --format json', () => {
  const sorting = estate({
    'b.iptables-save': filterTable('-A INPUT -p tcp -m multiport --dports 22,23,3389 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 5900 -j ACCEPT'),
    'a.iptables-save': filterTable('-A INPUT -p tcp -m tcp --dport 21 -j ACCEPT'),
    'sub/c.iptables-save': filterTable('-A INPUT -p tcp -m tcp --dport 21 -j ACCEPT'),
  });

  const blocklist = estate({
    'edge.iptables-save': filterTable(
      ...Array.from({ length: 400 }, (_, i) => `-A INPUT -s ${20 + (i % 180)}.${(i * 37) % 256}.${(i * 11) % 256}.0/24 -j DROP`),
      '-A INPUT -p udp -m udp --dport 50000 -j ACCEPT',
    ),
  });

  const schemaCases: { name: string; cwd: string; args: string[] }[] = [
    { name: 'the demo', cwd: repoRoot, args: ['scan', ...demoArgs] },
    { name: 'diagnostics with and without a line', cwd: inputs, args: ['scan', 'garbage.iptables-save', 'missing.iptables-save', 'rules-only.dump', '--as', 'iptables-save'] },
    { name: 'several files', cwd: sorting, args: ['scan', '.'] },
    // Everyone but 400 networks reaches a UDP port: more source blocks than a finding lists (fromBlocks).
    { name: 'a long blocklist', cwd: blocklist, args: ['scan', '.'] },
  ];
  for (const c of schemaCases) {
    it(`is valid against report.schema.json: ${c.name}`, () => {
      const run = portcullis(c.cwd, ...c.args, '--format', 'json');
      expect(run.stderr).toBe('');
      expect(reportSchemaProblems(JSON.parse(run.stdout))).toEqual([]);
    });
  }

  it('lists the first 256 source blocks of a finding and says how many there are', () => {
    const r = JSON.parse(portcullis(blocklist, 'scan', '.', '--format', 'json').stdout) as { findings: { exposure?: { from: string[]; fromBlocks?: number } }[] };
    const cut = r.findings.filter((f) => f.exposure?.fromBlocks !== undefined);
    expect(cut).toHaveLength(1);
    expect(cut[0]!.exposure!.from).toHaveLength(256);
    expect(cut[0]!.exposure!.fromBlocks).toBeGreaterThan(256);
  });

  it('names the tool', () => {
    expect(report(portcullis(inputs, 'scan', 'ssh.iptables-save', '--format', 'json')).tool).toEqual({ name: 'portcullis', version: '0.1.0' });
  });

  it('gives paths relative to the working folder, with /, sorted by file, line and rule', () => {
    const r = report(portcullis(sorting, 'scan', 'b.iptables-save', 'sub', 'a.iptables-save', '--format', 'json'));
    expect(findingKeys(r)).toEqual([
      'no-plaintext-protocol@a.iptables-save:5 medium',
      'no-public-rdp@b.iptables-save:5 high',
      'no-public-ssh@b.iptables-save:5 medium',
      'no-telnet@b.iptables-save:5 critical',
      'no-public-vnc@b.iptables-save:6 high',
      'no-plaintext-protocol@sub/c.iptables-save:5 medium',
    ]);
  });

  it('is byte-identical across runs and across the order of the paths', () => {
    const orders = [
      ['a.iptables-save', 'b.iptables-save', 'sub'],
      ['sub', 'b.iptables-save', 'a.iptables-save'],
      ['b.iptables-save', 'sub/c.iptables-save', 'a.iptables-save'],
      ['.'],
    ];
    const outputs = orders.map((paths) => portcullis(sorting, 'scan', ...paths, '--format', 'json').stdout);
    outputs.push(portcullis(sorting, 'scan', ...orders[0]!, '--format', 'json').stdout);
    expect((JSON.parse(outputs[0]!) as JsonReport).findings).toHaveLength(6);
    for (const o of outputs) expect(o).toBe(outputs[0]);
  });

  it('the demo, from the repository root', () => {
    const run = portcullis(repoRoot, 'scan', ...demoArgs, '--format', 'json', '--fail-on', 'none');
    expect(run.status).toBe(0);
    const r = report(run);
    expect(findingKeys(r)).toEqual([
      'no-public-rdp@fixtures/demo/branch-router.cfg:25 high',
      'no-forward-to-decommissioned@fixtures/demo/branch-router.cfg:27 high',
      'no-shadowed-rule@fixtures/demo/branch-router.cfg:44 medium',
      'no-public-ssh@fixtures/demo/cloud/main.tf:25 medium',
      'no-public-all-ports@fixtures/demo/cloud/main.tf:46 critical',
      'no-public-admin-service@fixtures/demo/cloud/main.tf:72 high',
      'no-public-database@fixtures/demo/cloud/main.tf:86 high (suppressed)',
      'no-public-database@fixtures/demo/db-server.ip6tables-save:12 high',
      'no-forward-to-decommissioned@fixtures/demo/office-gateway.iptables-save:9 high',
      'no-public-rdp@fixtures/demo/office-gateway.iptables-save:10 high',
      'no-unknown-forward-target@fixtures/demo/office-gateway.iptables-save:12 medium',
      'no-public-ssh@fixtures/demo/office-gateway.iptables-save:26 medium',
      'no-telnet@fixtures/demo/office-gateway.iptables-save:27 critical',
    ]);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.code}`)).toEqual(['fixtures/demo/cloud/main.tf:37 info security-group-reference']);
    expect(r.stats).toEqual({ files: 6, rules: 58, forwards: 7, exposures: 23, findings: 12, suppressed: 1 });
  });
});

describe('scan text output', () => {
  it('groups findings by file: line:col, severity, message, rule id, then a summary line', () => {
    const run = portcullis(repoRoot, 'scan', ...demoArgs);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        'fixtures/demo/branch-router.cfg',
        '  25:1  high      RDP (3389/tcp) on 192.168.20.30 (via branch-router) is reachable from anywhere (0.0.0.0/0) through the forward of port 3389  no-public-rdp',
        '  27:1  high      The forward tcp 8000 -> 192.168.20.40:80 on branch-router points at camera-recorder-ui (192.168.20.40:80/tcp), decommissioned since 2026-06-01 (owner: facilities)  no-forward-to-decommissioned',
        '  44:1  medium    This allow rule in acl:INTERNET_IN on branch-router is never reached: every packet it matches is taken first by line 43 (deny), so its allow never applies  no-shadowed-rule',
        '',
        'fixtures/demo/cloud/main.tf',
        '  25:3  medium    SSH (22/tcp) on aws_security_group.bastion is reachable from anywhere (0.0.0.0/0)  no-public-ssh',
        '  46:1  critical  All ports of every protocol of aws_security_group.db are reachable from anywhere (0.0.0.0/0)  no-public-all-ports',
        '  72:3  high      Management or file-sharing port 5985-5986/tcp (several services) on azurerm_network_security_group.reports is reachable from anywhere (every public IPv4 and IPv6 address)  no-public-admin-service',
        '',
        'fixtures/demo/db-server.ip6tables-save',
        '  12:1  high      Database or cache port 5432/tcp (PostgreSQL) on db-server is reachable from anywhere (::/0)  no-public-database',
        '',
        'fixtures/demo/office-gateway.iptables-save',
        '  9:1   high      The forward tcp 8443 -> 192.168.1.100:443 on office-gateway points at legacy-webmail (192.168.1.100:443/tcp), decommissioned since 2026-01-15 (owner: it-ops)  no-forward-to-decommissioned',
        '  10:1  high      RDP (3389/tcp) on 192.168.1.101 (via office-gateway) is reachable from anywhere (0.0.0.0/0) through the forward of port 13389  no-public-rdp',
        '  12:1  medium    The forward tcp 8080 -> 192.168.1.50:80 on office-gateway points at 192.168.1.50:80/tcp, which no service in the inventory claims  no-unknown-forward-target',
        '  26:1  medium    SSH (22/tcp) on office-gateway is reachable from anywhere (0.0.0.0/0)  no-public-ssh',
        '  27:1  critical  Telnet (23/tcp) on office-gateway is open to new connections from anywhere (0.0.0.0/0)  no-telnet',
        '',
        '✖ 12 findings (2 critical, 6 high, 4 medium); 6 files scanned, 1 suppressed',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe('');
  });

  it('has no ANSI escape codes when stdout is not a terminal', () => {
    const run = portcullis(inputs, 'scan', 'telnet.iptables-save', 'garbage.iptables-save');
    expect(run.stdout).toContain('no-telnet');
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('says so when there is nothing to report', () => {
    const dir = estate({ 'quiet.iptables-save': filterTable('-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT') });
    const run = portcullis(dir, 'scan', 'quiet.iptables-save');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('✔ no findings; 1 file scanned\n');
  });
});

describe('--output', () => {
  const formats: { format: string; start: string }[] = [
    { format: 'json', start: '{\n  "tool"' },
    { format: 'text', start: 'telnet.iptables-save\n' },
  ];
  for (const c of formats) {
    it(`writes the ${c.format} report to the file and nothing to stdout`, () => {
      const dir = estate({ 'telnet.iptables-save': filterTable(SSH, TELNET) });
      const run = portcullis(dir, 'scan', 'telnet.iptables-save', '--format', c.format, '--output', 'report.txt');
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      const written = readFileSync(join(dir, 'report.txt'), 'utf8');
      expect(written.startsWith(c.start)).toBe(true);
      expect(written).toBe(portcullis(dir, 'scan', 'telnet.iptables-save', '--format', c.format).stdout);
    });
  }
});

describe('exposure', () => {
  const file = 'fixtures/netfilter/semantics/dnat-forward-allowed.iptables-save';

  it('--format json: the effective exposure table, valid against exposure.schema.json', () => {
    const run = portcullis(repoRoot, 'exposure', file, '--format', 'json');
    expect(run.status).toBe(0);
    const table: unknown = JSON.parse(run.stdout);
    expect(exposureSchemaProblems(table)).toEqual([]);
    expect(table).toEqual({
      exposures: [
        {
          target: { host: 'dnat-forward-allowed', address: '192.168.1.100' },
          protocol: 'tcp',
          ports: [[443, 443]],
          from: ['0.0.0.0/0'],
          anywhere: true,
          path: [
            { file, line: 6, summary: 'DNAT tcp 8443 -> 192.168.1.100:443' },
            { file, line: 14, summary: 'FORWARD allow tcp 443' },
          ],
        },
      ],
    });
  });

  it('text: one line per exposure and its path', () => {
    const run = portcullis(repoRoot, 'exposure', file);
    expect(run.stdout).toBe(
      [
        '192.168.1.100 (via dnat-forward-allowed)  tcp 443  from anywhere (0.0.0.0/0)',
        `    ${file}:6  DNAT tcp 8443 -> 192.168.1.100:443`,
        `    ${file}:14  FORWARD allow tcp 443`,
        '',
        '1 exposure',
        '',
      ].join('\n'),
    );
  });

  it('a forward that FORWARD drops exposes nothing', () => {
    const run = portcullis(repoRoot, 'exposure', 'fixtures/netfilter/semantics/dnat-forward-dropped.iptables-save', '--format', 'json');
    expect(JSON.parse(run.stdout)).toEqual({ exposures: [] });
  });
});

describe('model, rules, explain', () => {
  it('model prints the devices with their rulesets and rules as JSON', () => {
    const run = portcullis(repoRoot, 'model', 'fixtures/netfilter/semantics/dnat-forward-allowed.iptables-save');
    expect(run.status).toBe(0);
    const model = JSON.parse(run.stdout) as { devices: { name: string; rulesets: { name: string; rules: { text: string }[] }[] }[]; diagnostics: unknown[] };
    expect(model.devices.map((d) => d.name)).toEqual(['dnat-forward-allowed']);
    expect(model.devices[0]!.rulesets.map((r) => `${r.name}: ${r.rules.length}`)).toEqual([
      'nat/PREROUTING: 1',
      'nat/INPUT: 0',
      'nat/OUTPUT: 0',
      'nat/POSTROUTING: 1',
      'filter/INPUT: 0',
      'filter/FORWARD: 2',
      'filter/OUTPUT: 0',
    ]);
    expect(model.devices[0]!.rulesets.find((r) => r.name === 'filter/FORWARD')!.rules.map((r) => r.text)).toEqual([
      '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A FORWARD -d 192.168.1.100/32 -p tcp -m tcp --dport 443 -j ACCEPT',
    ]);
    expect(model.diagnostics).toEqual([]);
  });

  it('rules lists every rule in rules/*.yaml', () => {
    const ids = readdirSync(join(repoRoot, 'rules'))
      .filter((n) => n.endsWith('.yaml'))
      .map((n) => n.replace(/\.yaml$/, ''));
    const run = portcullis(inputs, 'rules');
    expect(run.status).toBe(0);
    const listed = run.stdout.split('\n').filter((l) => /^[a-z][a-z0-9-]* +(critical|high|medium|low|info) /.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(listed).toEqual(ids);
    expect(run.stdout).toContain(`\n${ids.length} rules enabled;`);
    expect(run.stdout).toMatch(/^no-public-rdp +high +Remote Desktop is reachable from anywhere$/m);
  });

  it('explain prints a rule\'s title and how to fix it', () => {
    const run = portcullis(inputs, 'explain', 'no-public-rdp');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('no-public-rdp — Remote Desktop is reachable from anywhere');
    expect(run.stdout).toContain(
      'How to fix\n  Reach Remote Desktop through a VPN or an RD Gateway, or limit the rule to the addresses that need it. Remove port forwards to 3389 from the internet.\n',
    );
  });

  it('explain of a rule that does not exist exits 2', () => {
    const run = portcullis(inputs, 'explain', 'nope');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('portcullis: no rule "nope"; `portcullis rules` lists them\n');
  });
});

describe('init', () => {
  it('writes portcullis.yaml, refuses to overwrite it without --force, and writes a valid config', () => {
    const dir = estate({ 'telnet.iptables-save': filterTable(SSH, TELNET) });
    const config = join(dir, 'portcullis.yaml');

    const first = portcullis(dir, 'init');
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('wrote portcullis.yaml\n');
    expect(readFileSync(config, 'utf8')).toMatch(/^# Portcullis configuration/);

    writeFileSync(config, 'rules:\n  no-telnet: off\n');
    const again = portcullis(dir, 'init');
    expect(again.status).toBe(2);
    expect(again.stderr).toBe('portcullis: portcullis.yaml already exists (use --force to overwrite it)\n');
    expect(readFileSync(config, 'utf8')).toBe('rules:\n  no-telnet: off\n');

    expect(portcullis(dir, 'init', '--force').status).toBe(0);
    expect(readFileSync(config, 'utf8')).toMatch(/^# Portcullis configuration/);

    // The scan finds the written config by itself and accepts it: findings decide the exit code.
    const scanned = portcullis(dir, 'scan', '--format', 'json');
    expect(scanned.status).toBe(1);
    const r = report(scanned);
    expect(r.diagnostics).toEqual([]);
    expect(findingKeys(r)).toEqual(['no-public-ssh@telnet.iptables-save:5 medium', 'no-telnet@telnet.iptables-save:6 critical']);
  });

  it('writes into the working folder only', () => {
    const dir = estate({ 'sub/.keep': '' });
    expect(portcullis(join(dir, 'sub'), 'init').status).toBe(0);
    expect(existsSync(join(dir, 'sub', 'portcullis.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'portcullis.yaml'))).toBe(false);
  });
});

describe('portcullis.yaml, end to end', () => {
  const OFFICE_TELNET = '-A INPUT -s 198.51.100.0/24 -p tcp -m tcp --dport 23 -j ACCEPT';

  /** Scans `fw.iptables-save` (the given rules) with the given portcullis.yaml, or none. */
  function scanWith(rules: string[], config: string | undefined, ...args: string[]): { run: Run; findings: string[] } {
    const dir = estate({ 'fw.iptables-save': filterTable(...rules), ...(config === undefined ? {} : { 'portcullis.yaml': config }) });
    const run = portcullis(dir, 'scan', 'fw.iptables-save', '--format', 'json', ...args);
    return { run, findings: findingKeys(report(run)) };
  }

  const cases: { name: string; rules: string[]; config: string | undefined; findings: string[] }[] = [
    {
      name: 'no config',
      rules: [SSH, OFFICE_TELNET, RDP],
      config: undefined,
      findings: ['no-public-ssh@fw.iptables-save:5 medium', 'no-telnet@fw.iptables-save:6 critical', 'no-public-rdp@fw.iptables-save:7 high'],
    },
    {
      name: 'a rule turned off',
      rules: [SSH, OFFICE_TELNET, RDP],
      config: 'rules:\n  no-public-ssh: off\n',
      findings: ['no-telnet@fw.iptables-save:6 critical', 'no-public-rdp@fw.iptables-save:7 high'],
    },
    {
      name: 'a rule turned off in the object form',
      rules: [SSH, OFFICE_TELNET, RDP],
      config: 'rules:\n  no-telnet:\n    enabled: false\n',
      findings: ['no-public-ssh@fw.iptables-save:5 medium', 'no-public-rdp@fw.iptables-save:7 high'],
    },
    {
      name: 'severity overrides, which also override severity by source',
      rules: [SSH, OFFICE_TELNET, RDP],
      config: 'rules:\n  no-telnet: low\n  no-public-ssh: { severity: high }\n',
      findings: ['no-public-ssh@fw.iptables-save:5 high', 'no-telnet@fw.iptables-save:6 low', 'no-public-rdp@fw.iptables-save:7 high'],
    },
    {
      name: 'a trusted source: Telnet from it is high instead of critical',
      rules: [OFFICE_TELNET],
      config: 'trustedSources:\n  - 198.51.100.0/24\n',
      findings: ['no-telnet@fw.iptables-save:5 high'],
    },
    {
      name: 'a trusted source: SSH from it is no finding',
      rules: ['-A INPUT -s 198.51.100.0/24 -p tcp -m tcp --dport 22 -j ACCEPT', OFFICE_TELNET],
      config: 'trustedSources:\n  - 198.51.100.0/24\n',
      findings: ['no-telnet@fw.iptables-save:6 high'],
    },
    {
      name: 'an option of a rule',
      rules: ['-A INPUT -p tcp -m tcp --dport 8000:8050 -j ACCEPT'],
      config: 'rules:\n  no-wide-public-port-range:\n    options:\n      portCountAbove: 50\n',
      findings: ['no-wide-public-port-range@fw.iptables-save:5 medium'],
    },
    {
      name: 'the same range under the default option',
      rules: ['-A INPUT -p tcp -m tcp --dport 8000:8050 -j ACCEPT'],
      config: undefined,
      findings: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { run, findings } = scanWith(c.rules, c.config);
      expect(report(run).diagnostics).toEqual([]);
      expect(findings).toEqual(c.findings);
    });
  }

  // Trusted ranges are taken out of "all public space" too: trusting one office /24 must not make a
  // rule that is open to 0.0.0.0/0 look any less open.
  it('a trusted source does not hide a rule that is open to everyone else', () => {
    const { findings } = scanWith([SSH, OFFICE_TELNET, RDP], 'trustedSources:\n  - 198.51.100.0/24\n');
    expect(findings).toEqual(['no-public-ssh@fw.iptables-save:5 medium', 'no-telnet@fw.iptables-save:6 high', 'no-public-rdp@fw.iptables-save:7 high']);
  });

  it('a severity override decides the exit code', () => {
    expect(scanWith([TELNET], undefined).run.status).toBe(1);
    expect(scanWith([TELNET], 'rules:\n  no-telnet: low\n').run.status).toBe(0);
    expect(scanWith([TELNET], 'rules:\n  no-telnet: low\n', '--fail-on', 'low').run.status).toBe(1);
  });

  describe('ignores', () => {
    const ignoreTelnet = 'ignores:\n  - rule: no-telnet\n    file: "*.iptables-save"\n    reason: lab console, isolated VLAN\n';

    it('a matching ignore suppresses: JSON marks it, text hides it, the exit code ignores it', () => {
      const { run, findings } = scanWith([SSH, TELNET], ignoreTelnet);
      expect(run.status).toBe(0);
      expect(findings).toEqual(['no-public-ssh@fw.iptables-save:5 medium', 'no-telnet@fw.iptables-save:6 critical (suppressed)']);
      const r = report(run);
      expect(r.findings[1]!.suppression).toEqual({ kind: 'external', reason: 'lab console, isolated VLAN' });
      expect(r.diagnostics).toEqual([]);
      expect(r.stats).toMatchObject({ findings: 1, suppressed: 1 });
      expect(reportSchemaProblems(r)).toEqual([]);

      const dir = estate({ 'fw.iptables-save': filterTable(SSH, TELNET), 'portcullis.yaml': ignoreTelnet });
      const text = portcullis(dir, 'scan', 'fw.iptables-save');
      expect(text.status).toBe(0);
      expect(text.stdout).toBe(
        [
          'fw.iptables-save',
          '  5:1  medium    SSH (22/tcp) on fw is reachable from anywhere (0.0.0.0/0)  no-public-ssh',
          '',
          '✖ 1 finding (1 medium); 1 file scanned, 1 suppressed',
          '',
        ].join('\n'),
      );
    });

    it('an ignore for other files does not suppress', () => {
      const { run, findings } = scanWith([SSH, TELNET], 'ignores:\n  - rule: no-telnet\n    file: "lab/**"\n    reason: lab console\n');
      expect(run.status).toBe(1);
      expect(findings).toEqual(['no-public-ssh@fw.iptables-save:5 medium', 'no-telnet@fw.iptables-save:6 critical']);
    });

    it('an expired ignore stops suppressing and says so', () => {
      const { run, findings } = scanWith([SSH, TELNET], `${ignoreTelnet}    until: 2020-01-01\n`);
      expect(run.status).toBe(1);
      expect(findings).toEqual(['no-public-ssh@fw.iptables-save:5 medium', 'no-telnet@fw.iptables-save:6 critical']);
      expect(report(run).diagnostics.map((d) => `${d.file} ${d.severity} ${d.code}`)).toEqual(['portcullis.yaml warning suppression-expired']);
    });

    it('an ignore that matches nothing is a warning', () => {
      const { run } = scanWith([SSH, TELNET], 'ignores:\n  - rule: no-public-rdp\n    reason: no RDP here anyway\n');
      expect(report(run).diagnostics.map((d) => `${d.file} ${d.severity} ${d.code}`)).toEqual(['portcullis.yaml warning unused-suppression']);
    });
  });
});

describe('inline portcullis-ignore comments', () => {
  const firewall = [
    '*filter', // 1
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    '# portcullis-ignore no-telnet -- lab console, isolated VLAN', // 5
    '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT', // 6
    '# portcullis-ignore no-public-ssh until 2020-01-01 -- migration window', // 7
    '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', // 8
    '# portcullis-ignore no-public-rdp', // 9
    '-A INPUT -p tcp -m tcp --dport 3389 -j ACCEPT', // 10
    '# portcullis-ignore no-public-ssh -- names another rule', // 11
    '-A INPUT -p tcp -m tcp --dport 5900 -j ACCEPT', // 12
    'COMMIT',
    '',
  ].join('\n');
  const dir = estate({ 'fw.iptables-save': firewall });

  it('suppress the rule on the next line; an expired one does not; one without a reason warns', () => {
    const run = portcullis(dir, 'scan', 'fw.iptables-save', '--format', 'json');
    const r = report(run);
    expect(findingKeys(r)).toEqual([
      'no-telnet@fw.iptables-save:6 critical (suppressed)',
      'no-public-ssh@fw.iptables-save:8 medium',
      'no-public-rdp@fw.iptables-save:10 high (suppressed)',
      'no-public-vnc@fw.iptables-save:12 high',
    ]);
    expect(r.findings.map((f) => f.suppression)).toEqual([{ kind: 'inSource', reason: 'lab console, isolated VLAN' }, undefined, { kind: 'inSource' }, undefined]);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.code}`)).toEqual([
      'fw.iptables-save:7 warning suppression-expired',
      'fw.iptables-save:9 warning suppression-without-reason',
      'fw.iptables-save:11 warning unused-suppression',
    ]);
    expect(reportSchemaProblems(r)).toEqual([]);
    // The VNC finding is high and not suppressed.
    expect(run.status).toBe(1);
  });

  it('text output hides suppressed findings and counts them', () => {
    const run = portcullis(dir, 'scan', 'fw.iptables-save');
    expect(textRows(run.stdout, 'fw.iptables-save')).toEqual([
      ['7:1', 'warning', 'portcullis-ignore no-public-ssh expired on 2020-01-01; the finding is reported again', 'suppression-expired'],
      ['8:1', 'medium', 'SSH (22/tcp) on fw is reachable from anywhere (0.0.0.0/0)', 'no-public-ssh'],
      ['9:1', 'warning', 'portcullis-ignore no-public-rdp gives no reason (add "-- why this is acceptable")', 'suppression-without-reason'],
      ['11:1', 'warning', 'portcullis-ignore no-public-ssh matches no finding on line 11 or 12', 'unused-suppression'],
      ['12:1', 'high', 'VNC (5900/tcp) on fw is reachable from anywhere (0.0.0.0/0)', 'no-public-vnc'],
    ]);
    expect(run.stdout).toContain('\n✖ 2 findings (1 high, 1 medium); 1 file scanned, 2 suppressed, 3 warnings\n');
  });
});
