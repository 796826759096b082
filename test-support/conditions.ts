import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/*
 * Suites that need something a developer's machine may lack (the shared corpus beside the checkout,
 * root with Debian's iptables, nftables and nmap, Debian's Chromium) are skipped there, and the
 * skipped suite's title says what was missing. In CI nothing may be skipped for that reason:
 * packages/engine/test/environment.test.ts fails there instead.
 */

/** The shared corpus of real configurations, beside the checkout as in CI. */
export const SHARED_CORPUS = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
export const hasSharedCorpus = existsSync(SHARED_CORPUS);
export const NO_CORPUS = 'the shared corpus is not beside the checkout (../shared/corpus)';

type Suite = (title: string, body: () => void) => void;

/** `describe` when `ok`; otherwise a skipped suite whose title says why. */
export function describeIf(ok: boolean, why: string): Suite {
  return ok ? (title, body) => describe(title, body) : (title, body) => describe.skip(`${title} (skipped: ${why})`, body);
}

/** `it` when `ok`; otherwise a skipped test whose title says why. */
export function itIf(ok: boolean, why: string): Suite {
  return ok ? (title, body) => it(title, body) : (title, body) => it.skip(`${title} (skipped: ${why})`, body);
}
