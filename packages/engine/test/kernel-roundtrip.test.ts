import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import { describeIf } from '../../../test-support/conditions.js';
import { scan, type ScanResult } from '@portcullis/engine';
import { repoRoot } from './helpers.js';

/**
 * The kernel as a referee for the parser: every corpus dump that Debian's iptables-restore accepts
 * inside a throwaway network namespace is saved back by iptables-save, and Portcullis must find the
 * same problems in the kernel's version as in the original (only line numbers may differ). Needs
 * root, `unshare` and `iptables`; CI installs them (.ci/run), elsewhere the test says it is skipped.
 */
const corpus = join(repoRoot, '../shared/corpus/netfilter');
const kernelAvailable = (): boolean => spawnSync('unshare', ['-n', 'iptables-save'], { encoding: 'utf8' }).status === 0;
const available = kernelAvailable();
if (!available && process.env['CI']) throw new Error('CI must run the kernel check: install iptables and run as root');

function roundTrip(file: string): string | undefined {
  const restore = file.endsWith('.ip6tables-save') ? 'ip6tables' : 'iptables';
  const run = spawnSync('unshare', ['-n', 'sh', '-c', `${restore}-restore < "$1" && ${restore}-save`, 'sh', file], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout : undefined;
}

/** What a finding says, without where it is: the kernel's dump has other line numbers. */
function comparable(result: ScanResult): string[] {
  return result.findings
    .map((f) => `${f.ruleId} ${f.severity} ${f.exposure?.target ?? ''} ${f.exposure?.protocol ?? ''} ${f.exposure?.ports ?? ''} ${(f.exposure?.from ?? []).join(',')} | ${f.message}`)
    .sort();
}

function scanText(name: string, text: string): ScanResult {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-kernel-'));
  try {
    writeFileSync(join(dir, name), text);
    return scan({ paths: [name], cwd: dir, config: false, as: 'iptables-save' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const files = readdirSync(corpus).filter((n) => n.endsWith('tables-save')).sort();

describeIf(available, "needs root, unshare and iptables-restore/iptables-save from Debian's iptables package")('findings survive the kernel round trip (iptables-restore | iptables-save)', () => {
  const accepted = files.filter((f) => roundTrip(join(corpus, f)) !== undefined);

  it('the kernel refuses only the dumps with obsolete or broken syntax', () => {
    // Old "-s ! x" negation, and a forum post whose lines were wrapped mid-token.
    expect(files.filter((f) => !accepted.includes(f))).toEqual([
      'fwbuilder-edge-cases.iptables-save',
      'openwrt-forum-wrapped.iptables-save',
      'ugent.iptables-save',
    ]);
  });

  it('the comparison has something to compare', () => {
    const total = accepted.reduce((n, f) => n + scanText(f, readFileSync(join(corpus, f), 'utf8')).findings.length, 0);
    expect(total).toBeGreaterThan(10);
  });

  for (const f of accepted) {
    it(f, () => {
      const saved = roundTrip(join(corpus, f))!;
      const original = scanText(basename(f), readFileSync(join(corpus, f), 'utf8'));
      const kernel = scanText(basename(f), saved);
      expect(kernel.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(comparable(kernel)).toEqual(comparable(original));
      expect(kernel.exposures.length).toBe(original.exposures.length);
    });
  }
});
