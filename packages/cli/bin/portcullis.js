#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';

/**
 * The bundle `pnpm build` writes (bundle.mjs): a few files start much faster than dist/'s hundred
 * modules. Undefined when it is missing, or when tsc has rebuilt one of its packages since (a
 * `tsc -b` without the bundling step), and dist/ is up to date where the bundle is not.
 */
function currentBundle() {
  const sources = new URL('../dist/bundle/sources.json', import.meta.url);
  try {
    const made = statSync(sources).mtimeMs;
    const { builds } = JSON.parse(readFileSync(sources, 'utf8'));
    const stale = builds.some((b) => (statSync(new URL(b, sources), { throwIfNoEntry: false })?.mtimeMs ?? 0) > made);
    return stale ? undefined : new URL('portcullis.js', sources).href;
  } catch {
    return undefined;
  }
}

const { main } = await import(currentBundle() ?? '../dist/index.js');

// A reader that stops early (`portcullis scan … | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
