import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeIf } from '../../../test-support/conditions.js';
import { repoRoot } from './helpers.js';

/*
 * Several suites skip themselves when what they need is missing on a developer's machine: the shared
 * corpus beside the checkout, root with iptables/nftables/nmap, Debian's Chromium. In CI nothing may
 * be skipped for that reason, so this test fails there instead of letting a skip hide a suite.
 * `.ci/run` sets PORTCULLIS_CI=1 (a CI service's own CI variable counts too).
 */
const inCi = process.env['PORTCULLIS_CI'] === '1' || Boolean(process.env['CI']);

describeIf(inCi, 'runs only in CI (.ci/run sets PORTCULLIS_CI=1): a developer may work without the shared corpus, root or Chromium')('CI has everything the skippable suites need', () => {
  it('the shared corpus is beside the checkout', () => {
    expect(existsSync(join(repoRoot, '../shared/corpus/netfilter'))).toBe(true);
    expect(existsSync(join(repoRoot, '../shared/corpus/router'))).toBe(true);
    expect(existsSync(join(repoRoot, '../shared/corpus/observed'))).toBe(true);
  });

  it('the kernel and browser tools are installed', () => {
    for (const tool of ['/usr/sbin/iptables-restore', '/usr/sbin/nft', '/usr/bin/nmap', '/usr/bin/chromium']) expect(existsSync(tool), tool).toBe(true);
  });
});
