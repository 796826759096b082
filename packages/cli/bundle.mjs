// Bundles the built command line (dist/index.js and everything it imports) into dist/bundle/, which
// bin/portcullis.js loads: Node 20 has no compile cache, and loading one file instead of about a
// hundred ES modules is half of a small scan's start-up (docs/performance.md). Run by `pnpm build`
// after tsc.
//
// The readers stay separate chunks, loaded by the engine's dynamic imports only when a file of their
// format turns up. Modules that find files next to themselves (the rules folder, the JSON Schemas,
// tree-sitter's WebAssembly, packages they require at run time) keep seeing their own file's URL:
// each `import.meta.url` becomes that file's location relative to the chunk.
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = `${here}/dist/bundle`;
// Written beside it and then moved into place, so that a command started meanwhile finds either
// the old bundle or the new one (or none, and uses dist/), never half of one.
const staging = `${outdir}.${process.pid}`;

/** Every chunk is written to the bundle folder itself, so one relative path per source file serves them all. */
const ownLocation = {
  name: 'own-location',
  setup(b) {
    b.onLoad({ filter: /\.(c|m)?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const from = relative(outdir, args.path).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(from)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

// The reader packages, which the engine imports dynamically, are named entries: their chunks keep
// their names (parser-cloud.js), and the command line's own chunk holds none of them.
const readers = readdirSync(`${here}/..`).filter((name) => name.startsWith('parser-'));
const entryPoints = { portcullis: `${here}/dist/index.js` };
for (const name of readers) entryPoints[name] = `${here}/../${name}/dist/index.js`;

const result = await build({
  entryPoints,
  absWorkingDir: here,
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ES module builds first: jsonc-parser's CommonJS one is UMD, whose requires esbuild cannot follow.
  mainFields: ['module', 'main'],
  chunkNames: '[name]-[hash]',
  // Bundled CommonJS packages (commander, ipaddr.js, saxes) require Node's own modules.
  banner: { js: "import { createRequire as __portcullisRequire } from 'node:module'; const require = __portcullisRequire(import.meta.url);" },
  // Less text for V8 to read at each start (about a tenth of a small scan's CPU time); names are
  // kept for stack traces, and `node --enable-source-maps` maps positions back to the TypeScript.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  sourcesContent: false,
  plugins: [ownLocation],
  metafile: true,
  logLevel: 'warning',
});

// Written last: bin/portcullis.js uses the bundle only when this exists and no bundled package's tsc
// build (its dist/.tsbuildinfo) is newer, so a `tsc -b` without this step falls back to dist/.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*\/packages\/[^/]+)\/dist\//.exec(resolve(here, input).split(sep).join('/'));
  if (m) packages.add(m[1]);
}
const builds = [...packages].map((p) => relative(outdir, `${p}/dist/.tsbuildinfo`).split(sep).join('/')).sort();
writeFileSync(`${staging}/sources.json`, `${JSON.stringify({ builds }, null, 2)}\n`);
rmSync(outdir, { recursive: true, force: true });
renameSync(staging, outdir);
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.log(`bundled the command line into ${relative(process.cwd(), outdir) || '.'} (${outputs.length} files)`);
