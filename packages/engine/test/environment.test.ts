import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';

/*
 * Several suites skip themselves when what they need is missing on a developer's machine: the shared
 * corpus beside the checkout, root with iptables/nftables/nmap, Debian's Chromium. In CI nothing may
 * be skipped for that reason, so this test fails there instead of letting a skip hide a suite.
 */
describe.runIf(process.env['CI'])('CI has everything the skippable suites need', () => {
  it('the shared corpus is beside the checkout', () => {
    expect(existsSync(join(repoRoot, '../shared/corpus/netfilter'))).toBe(true);
    expect(existsSync(join(repoRoot, '../shared/corpus/router'))).toBe(true);
    expect(existsSync(join(repoRoot, '../shared/corpus/observed'))).toBe(true);
  });

  it('the kernel and browser tools are installed', () => {
    for (const tool of ['/usr/sbin/iptables-restore', '/usr/sbin/nft', '/usr/bin/nmap', '/usr/bin/chromium']) expect(existsSync(tool), tool).toBe(true);
  });
});
