// Nothing lost: every corpus and fixture file a parser claims accounts for each of its lines
// (recognised + ignored + reported = the lines splitLines counts), per file for formats read a
// folder at a time; and `--strict` turns an unrecognised line into exit 2, through the BUILT CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parserFor, scan } from '@portcullis/engine';
import { splitLines } from '@portcullis/model';
import { checkAccounting, describeProblems } from './check.js';
import { repoRoot, seedFiles } from './corpus.js';

const bin = join(repoRoot, 'packages/cli/bin/portcullis.js');
const tmp = mkdtempSync(join(tmpdir(), 'portcullis-lines-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('every line of every corpus and fixture file is accounted for', () => {
  const files = seedFiles();

  it('there are corpus and fixture files for every format', () => {
    expect(files.length).toBeGreaterThan(200);
  });

  for (const f of files) {
    it(`${f.name} (${f.format})`, () => {
      const parser = parserFor(f.format)!;
      const result = parser.parse({ path: f.name, text: f.text });
      const problems = checkAccounting(result, f.text);
      expect(problems, describeProblems(problems)).toEqual([]);
      expect(result.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
    });
  }

  it('folders read at once (Terraform modules) account for each file: the scan of every fixture folder', () => {
    const dirs = [...new Set(files.filter((f) => f.name.startsWith('fixtures/')).map((f) => dirname(f.path)))];
    const result = scan({ paths: dirs, cwd: repoRoot, config: false, now: new Date('2026-01-01T00:00:00Z') });
    const byPath = new Map(files.map((f) => [f.path, f]));
    let checked = 0;
    for (const scanned of result.files) {
      const f = byPath.get(join(repoRoot, scanned.path));
      if (!f) continue;
      const l = scanned.lines;
      expect([l.total, l.recognised + l.ignored + l.reported], scanned.path).toEqual([splitLines(f.text).length, l.total]);
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
    expect(result.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
  });
});

describe('--strict', () => {
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8' });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const clean = '*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n';

  it('a file every line of which is understood: exit 0 with and without --strict', () => {
    writeFileSync(join(tmp, 'clean.iptables-save'), clean);
    expect(run('scan', 'clean.iptables-save', '--fail-on', 'none').status).toBe(0);
    expect(run('scan', 'clean.iptables-save', '--fail-on', 'none', '--strict').status).toBe(0);
  });

  for (const [name, text] of [
    ['one-bad-line.iptables-save', clean.replace('COMMIT', 'this is not iptables\nCOMMIT')],
    ['bad-option.iptables-save', clean.replace('-j ACCEPT', '--frobnicate 3 -j ACCEPT')],
    ['r.nft', 'table inet f {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    tcp dport 22 frobnicate accept\n  }\n}\n'],
    ['edge.cfg', 'version 15.2\nhostname edge\ninterface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\nfrobnicate the router\n'],
  ] as const) {
    it(`${name}: an unrecognised line is exit 0 without --strict and exit 2 with it`, () => {
      writeFileSync(join(tmp, name), text);
      const lax = run('scan', name, '--fail-on', 'none', '--format', 'json');
      expect(lax.status, lax.stderr).toBe(0);
      const diagnostics = (JSON.parse(lax.stdout) as { diagnostics: { code: string }[] }).diagnostics;
      expect(diagnostics.some((d) => /unrecogni[sz]ed|unsupported/.test(d.code))).toBe(true);
      expect(run('scan', name, '--fail-on', 'none', '--strict').status).toBe(2);
    });
  }
});
