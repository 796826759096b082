// The built command line runs from its bundle (`pnpm build` writes packages/cli/dist/bundle/), and
// the bundle keeps the readers lazy: a scan of one iptables file loads the netfilter readers and no
// other reader package. Seen from outside: a module hook in a real `node` process lists what loads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repoRoot, 'packages/cli/bin/portcullis.js');
const bundleUrl = pathToFileURL(join(repoRoot, 'packages/cli/dist/bundle/')).href;

const work = mkdtempSync(join(tmpdir(), 'portcullis-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A module hook that appends each of our own modules' URL, as it loads, to the file PORTCULLIS_LOADED names.
writeFileSync(join(work, 'hooks.mjs'), [
  "import { appendFileSync } from 'node:fs';",
  'export async function load(url, context, next) {',
  `  if (url.startsWith(${JSON.stringify(pathToFileURL(repoRoot).href)})) appendFileSync(process.env.PORTCULLIS_LOADED, url + '\\n');`,
  '  return next(url, context);',
  '}',
].join('\n'));
writeFileSync(join(work, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
let runs = 0;

/** Runs `portcullis ...args` in the repository, and lists the modules of ours it loaded (the bin aside). */
function loadedBy(...args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const list = join(work, `loaded-${++runs}.txt`);
  writeFileSync(list, '');
  const env = { ...process.env, PORTCULLIS_LOADED: list };
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(work, 'register.mjs')).href, bin, ...args], { cwd: repoRoot, encoding: 'utf8', env });
  if (r.error) throw r.error;
  const loaded = readFileSync(list, 'utf8').split('\n').filter((l) => l !== '' && !l.endsWith('/bin/portcullis.js'));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}

describe('the bundled command line', () => {
  it('a one-file iptables scan loads only bundle files, and of the readers only the netfilter ones', () => {
    const run = loadedBy('scan', 'fixtures/netfilter/nat-forwards.iptables-save', '--format', 'json', '--fail-on', 'none');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { stats: { files: number } }).stats.files).toBe(1);
    const outside = run.loaded.filter((url) => !url.startsWith(bundleUrl));
    expect(outside, 'modules loaded from outside dist/bundle (is the bundle missing or older than a tsc build? run pnpm build)').toEqual([]);
    const readers = run.loaded.map((url) => url.slice(bundleUrl.length)).filter((name) => name.startsWith('parser-'));
    expect(readers).toEqual(['parser-netfilter.js']);
  });

  it('a Terraform file is read from the bundle too (tree-sitter finds its WebAssembly beside its own module)', () => {
    const run = loadedBy('scan', 'fixtures/demo/cloud/main.tf', '--format', 'json', '--fail-on', 'none');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0); // a grammar that failed to load would be an error diagnostic: exit 2
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; location: { line: number } }[] };
    expect(report.findings.map((f) => `${f.ruleId}:${f.location.line}`)).toContain('no-public-all-ports:46');
    expect(run.loaded.filter((url) => !url.startsWith(bundleUrl))).toEqual([]);
    expect(run.loaded.map((url) => url.slice(bundleUrl.length)).filter((name) => name.startsWith('parser-'))).toEqual(['parser-cloud.js']);
  });
});
