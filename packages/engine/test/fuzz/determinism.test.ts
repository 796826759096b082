// Determinism: the same inputs, copied in a different order (file creation order, folder names),
// to another path, scanned under other locales (LANG/LC_ALL) and time zones, give byte-identical
// JSON and SARIF reports from the BUILT CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './corpus.js';

const bin = join(repoRoot, 'packages/cli/bin/portcullis.js');
const tmp = mkdtempSync(join(tmpdir(), 'portcullis-determinism-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An estate of many formats: the demo, a cross-layer estate and the router fixtures. */
const SOURCES = ['fixtures/demo', 'fixtures/cross-layer-cisco', 'fixtures/router', 'fixtures/observed', 'fixtures/netfilter/nftables'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)).map((f) => join(n, f)) : [n]));
}

/** Copies the estate under `dest`, creating the files in the given order. */
function copy(dest: string, order: 'sorted' | 'reversed'): void {
  for (const source of SOURCES) {
    const list = files(join(repoRoot, source)).sort();
    if (order === 'reversed') list.reverse();
    for (const f of list) {
      mkdirSync(join(dest, source, f, '..'), { recursive: true });
      cpSync(join(repoRoot, source, f), join(dest, source, f));
    }
  }
}

function report(cwd: string, format: 'json' | 'sarif', env: Record<string, string>, paths: string[]): string {
  const r = spawnSync(
    process.execPath,
    [bin, 'scan', ...paths, '--config', 'fixtures/demo/portcullis.yaml', '--format', format, '--fail-on', 'none'],
    { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.error) throw r.error;
  // Exit 2: some fixtures are broken on purpose (truncated XML); the report is written all the same.
  expect(r.status, r.stderr).toBe(2);
  return r.stdout;
}

describe('the same estate gives byte-identical reports', () => {
  const a = join(tmp, 'a');
  const b = join(tmp, 'elsewhere', 'deeper', 'b');
  copy(a, 'sorted');
  copy(b, 'reversed');
  const forward = SOURCES;
  const backward = [...SOURCES].reverse();
  const C = { LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
  const OTHER = { LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', LC_COLLATE: 'de_DE.UTF-8', TZ: 'Pacific/Chatham' };

  for (const format of ['json', 'sarif'] as const) {
    it(`${format}: another path, another file creation order, paths named in another order, another locale and time zone`, () => {
      const base = report(a, format, C, forward);
      expect(base.length).toBeGreaterThan(1000);
      expect(report(b, format, C, forward)).toBe(base);
      expect(report(a, format, C, backward)).toBe(base);
      expect(report(b, format, OTHER, backward)).toBe(base);
      // The reports name files relative to where the scan runs, never the absolute path.
      expect(base).not.toContain(tmp);
    });
  }

  it('the estate is what the reports are about: files of several formats were scanned', () => {
    const json = JSON.parse(report(a, 'json', C, forward)) as { stats: { files: number }; findings: unknown[] };
    expect(json.stats.files).toBeGreaterThan(30);
    expect(json.findings.length).toBeGreaterThan(10);
    expect(relative(a, b)).not.toBe('');
  });
});
