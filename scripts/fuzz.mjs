#!/usr/bin/env node
// The long fuzz campaign (`pnpm fuzz`, which builds first): every parser in the registry, against the
// BUILT packages, fed the same inputs as the test suite's short campaign (packages/engine/test/fuzz),
// many more of them. Prints the seed, per-parser totals (inputs, crashes, hangs, lost lines) and how
// to replay any failure; exits 1 when anything failed.
//
//   pnpm fuzz                                  100,000 inputs per parser, a random seed
//   pnpm fuzz -- --count 5000 --seed 42        fewer inputs, a fixed seed
//   pnpm fuzz -- --time 60                     at most 60 s per parser (with --count, whichever ends first)
//   pnpm fuzz -- --parsers iptables-save,junos only these
//   pnpm fuzz -- --replay junos:1234 --seed 42 runs one input again and prints what went wrong
//
// Flags may also be given as environment variables: FUZZ_COUNT, FUZZ_TIME, FUZZ_SEED, FUZZ_PARSERS,
// FUZZ_JOBS, FUZZ_SCAN_EVERY, FUZZ_OUT, FUZZ_RETIMES, FUZZ_PROGRESS.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fuzzSrc = join(repoRoot, 'packages/engine/test/fuzz');
const fuzzOut = join(fuzzSrc, 'dist');

/** Compiles the fuzz helpers (not the tests) next to them, so they resolve the built packages. */
function compileHelpers() {
  const files = readdirSync(fuzzSrc).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => join(fuzzSrc, f));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const args = [
    tsc, '--outDir', fuzzOut, '--rootDir', fuzzSrc, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
    '--lib', 'ES2023', '--types', 'node', '--skipLibCheck', '--noCheck', '--declaration', 'false', '--sourceMap', 'false', ...files,
  ];
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`compiling the fuzz helpers failed:\n${r.stdout}${r.stderr}`);
    process.exit(2);
  }
}

const helper = (name) => import(pathToFileURL(join(fuzzOut, `${name}.js`)).href);

function options() {
  const argv = process.argv.slice(2);
  const flag = (name, env) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    return process.env[env];
  };
  const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
  const seedText = flag('seed', 'FUZZ_SEED');
  const count = num(flag('count', 'FUZZ_COUNT'), undefined);
  const time = num(flag('time', 'FUZZ_TIME'), undefined);
  return {
    seed: seedText === undefined ? (Date.now() ^ (process.pid << 8)) | 0 : Number(seedText) | 0,
    // Neither given: 100,000 inputs per parser. Only --time: as many as fit.
    count: count ?? (time === undefined ? 100_000 : Infinity),
    time: time ?? Infinity,
    parsers: flag('parsers', 'FUZZ_PARSERS')?.split(',').filter(Boolean),
    jobs: num(flag('jobs', 'FUZZ_JOBS'), 2),
    scanEvery: num(flag('scan-every', 'FUZZ_SCAN_EVERY'), 20),
    out: flag('out', 'FUZZ_OUT'),
    replay: flag('replay', undefined),
    // A parse past parseMs or a scan past scanMs is a hang; a worker silent for killMs is ended.
    parseMs: num(flag('parse-ms', 'FUZZ_PARSE_MS'), 5_000),
    scanMs: num(flag('scan-ms', 'FUZZ_SCAN_MS'), 15_000),
    killMs: num(flag('kill-ms', 'FUZZ_KILL_MS'), 60_000),
    heapMb: num(flag('heap-mb', 'FUZZ_HEAP_MB'), 3072),
    // An input past a bound is timed this many times more, the fastest run counting (see check.ts).
    retimes: num(flag('retimes', 'FUZZ_RETIMES'), 2),
    // Every this many seconds, a line per running parser: inputs so far and their rate (0: none).
    progressSeconds: num(flag('progress', 'FUZZ_PROGRESS'), 60),
  };
}

// ---------------------------------------------------------------- worker: one parser's campaign
async function workerMain() {
  const { format, seed, from, count, deadline, scanEvery, bounds, progress, failuresDir } = workerData;
  const { chunkInputs, CHUNK } = await helper('campaign');
  const { checkParse, ScanBench } = await helper('check');
  const { parserNamed } = await helper('corpus');
  const { campaignMutate } = await helper('mutate');
  const mutate = campaignMutate(format);
  const parser = parserNamed(format);
  const bench = new ScanBench();
  const stats = { inputs: 0, scans: 0, maxParseMs: 0, retimed: 0, maxFirstMs: 0 };
  const progressView = new Int32Array(progress);
  let lastPost = Date.now();
  const end = from + count;
  try {
    for (let i = from; i < end && Date.now() < deadline; ) {
      const chunk = Math.floor(i / CHUNK);
      const inputs = chunkInputs(format, seed, chunk, mutate);
      for (let k = i - chunk * CHUNK; k < CHUNK && i < end && Date.now() < deadline; k++, i++) {
        const input = inputs[k];
        Atomics.store(progressView, 0, i);
        const outcome = checkParse(parser, input.name, input.text, bounds);
        let problems = outcome.problems;
        if (i % scanEvery === 0) {
          problems = problems.concat(bench.check(format, input.name, input.text, bounds));
          stats.scans++;
        }
        stats.inputs++;
        stats.maxParseMs = Math.max(stats.maxParseMs, outcome.ms);
        if (outcome.firstMs !== undefined) {
          stats.retimed++;
          stats.maxFirstMs = Math.max(stats.maxFirstMs, outcome.firstMs);
        }
        if (problems.length > 0) {
          const file = join(failuresDir, `${format}-${i}-${input.name}`);
          writeFileSync(file, input.text);
          parentPort.postMessage({
            type: 'failure', index: i, origin: input.origin, file,
            kinds: problems.map((p) => ({ kind: p.kind, lines: p.lines ?? 0 })),
            problems: problems.map((p) => `${p.kind}: ${p.message.slice(0, 500)}`),
          });
        }
        if (Date.now() - lastPost > 2000) {
          parentPort.postMessage({ type: 'stats', stats, done: false, next: i + 1 });
          lastPost = Date.now();
        }
      }
    }
  } finally {
    bench.dispose();
  }
  parentPort.postMessage({ type: 'stats', stats, done: true });
}

// ---------------------------------------------------------------- main
/** Runs one parser's campaign in a worker; a worker stuck on one input is ended and a new one goes on after it. */
function runParser(format, o, failuresDir, report) {
  return new Promise((resolve) => {
    const total = { inputs: 0, scans: 0, crashes: 0, hangs: 0, lostLines: 0, badDiagnostics: 0, maxParseMs: 0, retimed: 0, maxFirstMs: 0 };
    report.running[format] = total;
    const deadline = Date.now() + o.time * 1000;
    const count = (problems) => {
      for (const p of problems) {
        if (p.kind === 'crash') total.crashes++;
        else if (p.kind === 'hang') total.hangs++;
        else if (p.kind === 'lost') total.lostLines += p.lines;
        else total.badDiagnostics++;
      }
    };
    const start = (from, n) => {
      const progress = new SharedArrayBuffer(4);
      const view = new Int32Array(progress);
      Atomics.store(view, 0, from);
      const worker = new Worker(fileURLToPath(import.meta.url), {
        // A worker that runs out of memory ends with an error (counted, replayable), not the whole campaign.
        resourceLimits: { maxOldGenerationSizeMb: o.heapMb },
        workerData: {
          format, seed: o.seed, from, count: n, deadline: Number.isFinite(deadline) ? deadline : 8.64e15, scanEvery: o.scanEvery,
          bounds: { parseMs: o.parseMs, scanMs: o.scanMs, retimes: o.retimes }, progress, failuresDir,
        },
      });
      const base = { inputs: total.inputs, scans: total.scans, retimed: total.retimed };
      let lastIndex = from;
      let lastChange = Date.now();
      let finished = false;
      const finish = (next) => {
        clearInterval(watchdog);
        finished = true;
        next();
      };
      const watchdog = setInterval(() => {
        const now = Atomics.load(view, 0);
        if (now !== lastIndex) {
          lastIndex = now;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > o.killMs) {
          // One input held the parser past every bound: a hang. Record it, go on after it.
          finish(() => void worker.terminate());
          total.inputs = base.inputs + (now - from) + 1;
          count([{ kind: 'hang' }]);
          report.failures.push({ format, index: now, origin: '(worker ended)', problems: [`hang: no result after ${o.killMs} ms`] });
          process.stdout.write(`  ${format}: input ${now} hangs (> ${o.killMs} ms); replay: node scripts/fuzz.mjs --seed ${o.seed} --replay ${format}:${now}\n`);
          const remaining = from + n - now - 1;
          if (remaining > 0 && Date.now() < deadline) start(now + 1, remaining);
          else resolve(total);
        }
      }, 1000);
      worker.on('message', (m) => {
        if (finished) return;
        if (m.type === 'failure') {
          count(m.kinds);
          report.failures.push({ format, index: m.index, origin: m.origin, file: m.file, problems: m.problems });
          process.stdout.write(`  ${format}: input ${m.index} (${m.origin}) saved to ${m.file}\n    ${m.problems.join('\n    ')}\n    replay: node scripts/fuzz.mjs --seed ${o.seed} --replay ${format}:${m.index}\n`);
          return;
        }
        total.inputs = base.inputs + m.stats.inputs;
        total.scans = base.scans + m.stats.scans;
        total.maxParseMs = Math.max(total.maxParseMs, m.stats.maxParseMs);
        total.retimed = base.retimed + m.stats.retimed;
        total.maxFirstMs = Math.max(total.maxFirstMs, m.stats.maxFirstMs);
        if (m.done) finish(() => resolve(total));
      });
      worker.on('error', (e) => {
        if (finished) return;
        const at = Atomics.load(view, 0);
        finish(() => undefined);
        total.inputs = base.inputs + (at - from) + 1;
        count([{ kind: 'crash' }]);
        report.failures.push({ format, index: at, origin: '(worker died)', problems: [`crash: ${e.stack ?? e}`] });
        process.stdout.write(`  ${format}: the worker died at input ${at}: ${e.stack ?? e}\n    replay: node scripts/fuzz.mjs --seed ${o.seed} --replay ${format}:${at}\n`);
        const remaining = from + n - at - 1;
        if (remaining > 0 && Date.now() < deadline) start(at + 1, remaining);
        else resolve(total);
      });
    };
    start(0, o.count);
  });
}

async function replay(o) {
  const [format, indexText] = o.replay.split(':');
  const index = Number(indexText);
  const { chunkInputs, CHUNK } = await helper('campaign');
  const { checkParse, ScanBench, describeProblems } = await helper('check');
  const { parserNamed } = await helper('corpus');
  const { campaignMutate } = await helper('mutate');
  const input = chunkInputs(format, o.seed, Math.floor(index / CHUNK), campaignMutate(format))[index % CHUNK];
  const file = join(tmpdir(), `portcullis-replay-${format}-${index}-${input.name}`);
  writeFileSync(file, input.text);
  console.log(`seed ${o.seed}, ${format} input ${index}: ${input.origin}\n${input.text.length} characters, written to ${file}`);
  const bounds = { parseMs: o.parseMs, scanMs: o.scanMs, retimes: o.retimes };
  const outcome = checkParse(parserNamed(format), input.name, input.text, bounds);
  const bench = new ScanBench();
  const problems = [...outcome.problems, ...bench.check(format, input.name, input.text, bounds)];
  bench.dispose();
  const first = outcome.firstMs === undefined ? '' : ` (fastest of ${o.retimes + 1}; the first took ${Math.round(outcome.firstMs)} ms)`;
  console.log(`parse: ${Math.round(outcome.ms)} ms${first}; ${problems.length === 0 ? 'no problem' : describeProblems(problems)}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

async function main() {
  const o = options();
  compileHelpers();
  if (o.replay) return replay(o);
  const { formats } = await helper('campaign');
  const all = formats();
  const unknown = (o.parsers ?? []).filter((p) => !all.includes(p));
  if (unknown.length > 0) {
    console.error(`no such parser: ${unknown.join(', ')} (parsers: ${all.join(', ')})`);
    process.exit(2);
  }
  const chosen = o.parsers ?? all;
  const failuresDir = join(tmpdir(), `portcullis-fuzz-${o.seed >>> 0}`);
  mkdirSync(failuresDir, { recursive: true });
  console.log(`portcullis fuzz: seed ${o.seed} (replay with --seed ${o.seed}); ${chosen.length} parsers; ` +
    `${Number.isFinite(o.count) ? `${o.count} inputs` : 'no input limit'}${Number.isFinite(o.time) ? `, ${o.time} s` : ''} per parser; ` +
    `a scan every ${o.scanEvery} inputs; hang bounds: parse ${o.parseMs} ms, scan ${o.scanMs} ms (an input past one timed ${o.retimes} more times, the fastest counting); ` +
    `failing inputs go to ${failuresDir}`);
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' });
  const report = {
    seed: o.seed, argv: process.argv.slice(2), commit: git.stdout.trim() || undefined, modifiedFiles: dirty.stdout.trim().split('\n').filter(Boolean),
    node: process.version, cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`, loadavgAtStart: loadavg(),
    started: new Date().toISOString(), results: {}, running: {}, failures: [],
  };
  console.log(`commit ${report.commit ?? '?'}${report.modifiedFiles.length > 0 ? ` with ${report.modifiedFiles.length} modified files` : ''}; node ${process.version}; ${report.cpus}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const began = Date.now();
  const starts = {};
  const ticker = o.progressSeconds > 0 ? setInterval(() => {
    for (const [f, t] of Object.entries(report.running)) {
      const s = (Date.now() - starts[f]) / 1000;
      console.log(`  [${new Date().toISOString().slice(11, 19)}] ${f}: ${t.inputs} inputs in ${Math.round(s)} s (${Math.round(t.inputs / s)}/s); crashes ${t.crashes}, hangs ${t.hangs}, lost lines ${t.lostLines}, bad diagnostic lines ${t.badDiagnostics}; load ${loadavg()[0].toFixed(1)}`);
    }
  }, o.progressSeconds * 1000) : undefined;
  const queue = [...chosen];
  const runOne = async () => {
    for (let format = queue.shift(); format !== undefined; format = queue.shift()) {
      const t0 = Date.now();
      starts[format] = t0;
      const r = await runParser(format, o, failuresDir, report);
      delete report.running[format];
      r.seconds = Math.round((Date.now() - t0) / 100) / 10;
      r.finished = new Date().toISOString();
      report.results[format] = r;
      console.log(`${format}: ${r.inputs} inputs (${r.scans} scanned) in ${r.seconds} s (${Math.round(r.inputs / r.seconds)}/s); crashes ${r.crashes}, hangs ${r.hangs}, lost lines ${r.lostLines}, bad diagnostic lines ${r.badDiagnostics}; ` +
        `slowest parse ${Math.round(r.maxParseMs)} ms; timed again ${r.retimed}${r.retimed > 0 ? ` (slowest first run ${Math.round(r.maxFirstMs)} ms)` : ''}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, runOne));
  if (ticker) clearInterval(ticker);
  delete report.running;
  report.seconds = Math.round((Date.now() - began) / 1000);
  report.loadavgAtEnd = loadavg();
  const rows = chosen.map((f) => [f, report.results[f]]);
  const table = [
    '| parser | inputs | scanned | crashes | hangs | lost lines | bad diagnostic lines | slowest parse (ms) | timed again | seconds | inputs/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(([f, r]) => `| ${f} | ${r.inputs} | ${r.scans} | ${r.crashes} | ${r.hangs} | ${r.lostLines} | ${r.badDiagnostics} | ${Math.round(r.maxParseMs)} | ${r.retimed} | ${Math.round(r.seconds)} | ${Math.round(r.inputs / r.seconds)} |`),
  ];
  const sum = (k) => rows.reduce((a, [, r]) => a + r[k], 0);
  table.push(`| **all** | ${sum('inputs')} | ${sum('scans')} | ${sum('crashes')} | ${sum('hangs')} | ${sum('lostLines')} | ${sum('badDiagnostics')} | | ${sum('retimed')} | ${report.seconds} | |`);
  console.log(`\nseed ${o.seed}, ${report.seconds} s\n${table.join('\n')}`);
  if (o.out) {
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, `${JSON.stringify(report, null, 2)}\n`);
  }
  const failed = sum('crashes') + sum('hangs') + sum('lostLines') + sum('badDiagnostics');
  process.exitCode = failed > 0 ? 1 : 0;
}

if (isMainThread) await main();
else await workerMain();
