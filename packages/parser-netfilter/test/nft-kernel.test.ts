import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import { describeIf } from '../../../test-support/conditions.js';
import { CORPUS, comparable, NFT_FIXTURES, repoRoot, scanText } from './nft-helpers.js';

/**
 * The kernel as a referee for the nftables reader: every text ruleset (corpus and fixtures) that
 * Debian's `nft -c -f` accepts is loaded into a throwaway network namespace, listed back by the
 * kernel as JSON (`nft -j list ruleset`), and Portcullis must find the same problems in the kernel's
 * JSON as in the text. A dummy `eth0` exists in the namespace for netdev chains bound to it. The JSON
 * is indented before scanning: nft prints it on one line, and findings are placed by line. Needs
 * root, `unshare` and the `nftables` package; CI has them (.ci/run), elsewhere the test is skipped.
 */
const nftAvailable = spawnSync('unshare', ['-n', 'nft', 'list', 'ruleset'], { encoding: 'utf8' }).status === 0;
if (!nftAvailable && process.env['CI']) throw new Error('CI must run the nftables kernel check: install the nftables package and run as root');

const fixtureDir = join(repoRoot, NFT_FIXTURES);
const texts = [
  ...readdirSync(CORPUS).filter((n) => n.endsWith('.nft')).map((n) => join(CORPUS, n)),
  ...readdirSync(join(fixtureDir, 'semantics')).filter((n) => n.endsWith('.nft')).map((n) => join(fixtureDir, 'semantics', n)),
  ...readdirSync(fixtureDir).filter((n) => n.endsWith('.nft')).map((n) => join(fixtureDir, n)),
].sort();

const accepted = (file: string): boolean => spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' }).status === 0;

function kernelJson(file: string): string {
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link add eth0 type dummy 2>/dev/null; nft -f "$1" && nft -j list ruleset', 'sh', file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the kernel did not load ${file}: ${run.stderr}`);
  return `${JSON.stringify(JSON.parse(run.stdout), null, 2)}\n`;
}

describeIf(nftAvailable, "needs root, unshare and nft from Debian's nftables package")("nftables: findings for the kernel's JSON listing equal those for the text", () => {
  if (!nftAvailable) return;
  const checked = texts.filter(accepted);

  it('nft accepts every text file but the one written for unrecognised lines', () => {
    expect(texts.filter((f) => !checked.includes(f)).map((f) => basename(f))).toEqual(['unrecognised.nft']);
  });

  for (const file of checked) {
    it(basename(file), () => {
      const name = basename(file);
      const text = scanText(name, readFileSync(file, 'utf8'));
      const kernel = scanText(`${name}.json`, kernelJson(file));
      expect(kernel.files[0]?.format).toBe('nftables-json');
      expect(kernel.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(comparable(kernel)).toEqual(comparable(text));
      expect(kernel.exposures.length).toBe(text.exposures.length);
    });
  }
});
