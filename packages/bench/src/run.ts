#!/usr/bin/env node
/**
 * `pnpm bench`: runs each case several times in fresh processes and prints wall time, throughput
 * and peak memory next to the time it takes just to read the input (and `jq`, where installed).
 * Results go to packages/bench/results/latest.json for comparison between commits.
 *
 *   BENCH_RUNS=5 pnpm bench            more runs per case (default 3)
 *   BENCH_ONLY=kube pnpm bench         cases whose name matches
 *   BENCH_COUNT=1 pnpm bench           also one run of each case under cachegrind (see count.ts)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countCommand, readCountSummary, type Counts } from './count.js';
import { ciscoIos, describeSecurityGroups, inetChain, junosFilter, kubeProxy, longChain, nftablesSet, terraformTree } from './generators.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const cli = join(root, 'packages/cli/bin/portcullis.js');
const cache = join(root, 'packages/bench/results/inputs');
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const only = process.env['BENCH_ONLY'] ? new RegExp(process.env['BENCH_ONLY']) : undefined;
const counting = Boolean(process.env['BENCH_COUNT']);

interface Case {
  name: string;
  /** Creates the input (once; it is cached) and returns the path to scan. */
  input: () => string;
  /** How the baseline reads it: split into lines, JSON.parse, or (for a small estate) Node starting and doing nothing. */
  kind: 'text' | 'json' | 'folder' | 'startup';
  /** Rules (or groups) in the input, for throughput. */
  units: number;
  unitName: string;
}

function cached(name: string, make: () => string | Map<string, string>): string {
  const path = join(cache, name);
  if (existsSync(path)) return path;
  const made = make();
  if (typeof made === 'string') {
    mkdirSync(cache, { recursive: true });
    writeFileSync(path, made);
  } else {
    for (const [rel, text] of made) {
      mkdirSync(dirname(join(path, rel)), { recursive: true });
      writeFileSync(join(path, rel), text);
    }
  }
  return path;
}

const CASES: Case[] = [
  { name: 'kube-proxy-10k', input: () => cached('kube-proxy-10k.iptables-save', () => kubeProxy(10_000)), kind: 'text', units: 10_000, unitName: 'rules' },
  { name: 'kube-proxy-50k', input: () => cached('kube-proxy-50k.iptables-save', () => kubeProxy(50_000)), kind: 'text', units: 50_000, unitName: 'rules' },
  { name: 'kube-proxy-200k', input: () => cached('kube-proxy-200k.iptables-save', () => kubeProxy(200_000)), kind: 'text', units: 200_000, unitName: 'rules' },
  { name: 'chain-20k-shadowing', input: () => cached('chain-20k.iptables-save', () => longChain(20_000)), kind: 'text', units: 20_000, unitName: 'rules' },
  { name: 'nftables-inet-20k', input: () => cached('inet-20k.nft', () => inetChain(20_000)), kind: 'text', units: 20_000, unitName: 'rules' },
  { name: 'aws-sg-5k', input: () => cached('aws-sg-5k.json', () => describeSecurityGroups(5_000)), kind: 'json', units: 5_000, unitName: 'groups' },
  { name: 'aws-sg-50k', input: () => cached('aws-sg-50k.json', () => describeSecurityGroups(50_000)), kind: 'json', units: 50_000, unitName: 'groups' },
  { name: 'terraform-2000-files', input: () => cached('terraform-2000', () => terraformTree(2_000)), kind: 'folder', units: 6_000, unitName: 'groups' },
  { name: 'startup-one-file', input: () => join(root, 'fixtures/netfilter/nat-forwards.iptables-save'), kind: 'startup', units: 1, unitName: 'files' },
  { name: 'cisco-ios-50k-lines', input: () => cached('cisco-ios-50k.cfg', () => ciscoIos(50_000)), kind: 'text', units: 50_000, unitName: 'lines' },
  { name: 'junos-filter-8k', input: () => cached('junos-filter-8k.conf', () => junosFilter(8_000)), kind: 'text', units: 8_000, unitName: 'terms' },
  { name: 'nftables-set-32k', input: () => cached('nftables-set-32k.nft', () => nftablesSet(32_000)), kind: 'text', units: 32_000, unitName: 'elements' },
];

function corpusCases(): Case[] {
  const dir = resolve(root, '../shared/corpus');
  if (!existsSync(dir)) return [];
  const out: Case[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!n.endsWith('README.md')) out.push({ name: `corpus/${p.slice(dir.length + 1)}`, input: () => p, kind: 'text', units: 1, unitName: 'files' });
    }
  };
  walk(dir);
  return out;
}

interface Sample {
  wall: number;
  rss?: number;
  status: number | null;
}

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command in a fresh process; wall seconds and, with /usr/bin/time, peak RSS in KiB. */
function measure(cmd: string, args: string[]): Sample {
  const start = process.hrtime.bigint();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const sample: Sample = { wall, status: r.status };
  if (timeBin) {
    const lines = (r.stderr ?? '').trim().split('\n');
    const rss = Number(lines[lines.length - 1]);
    if (Number.isFinite(rss)) sample.rss = rss;
  }
  return sample;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};

function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const name of readdirSync(path, { recursive: true }) as string[]) {
    const p = join(path, name);
    if (statSync(p).isFile()) n += statSync(p).size;
  }
  return n;
}

function baselineScript(kind: Case['kind']): string {
  if (kind === 'startup') return '0';
  if (kind === 'json') return "JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'))";
  if (kind === 'folder') {
    return "const fs=require('fs'),p=require('path');const w=d=>{for(const n of fs.readdirSync(d)){const f=p.join(d,n);fs.statSync(f).isDirectory()?w(f):fs.readFileSync(f,'utf8').split('\\n')}};w(process.argv[1])";
  }
  return "require('fs').readFileSync(process.argv[1],'utf8').split('\\n')";
}

const hasJq = spawnSync('sh', ['-c', 'command -v jq'], { encoding: 'utf8' }).status === 0;
const hasValgrind = counting && spawnSync('sh', ['-c', 'command -v valgrind'], { encoding: 'utf8' }).status === 0;
if (counting && !hasValgrind) console.log('BENCH_COUNT: valgrind is not installed; nothing is counted');

/** One run of `args` under cachegrind (see count.ts); undefined when it wrote no summary. */
function count(args: string[]): Counts | undefined {
  const { cmd, args: full } = countCommand(process.execPath, args);
  const r = spawnSync(cmd, full, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return readCountSummary(r.stderr ?? '');
}

interface Result {
  case: string;
  bytes: number;
  units: number;
  unitName: string;
  portcullis: { wall: number; rss?: number; exit: number | null };
  baseline: { wall: number };
  jq?: { wall: number };
  ratio: number;
  /** With BENCH_COUNT: what cachegrind counted in one run. */
  count?: Counts;
}

const results: Result[] = [];
const cases = [...CASES, ...corpusCases()].filter((c) => !only || only.test(c.name));
const nodeStart = median(Array.from({ length: runs }, () => measure(process.execPath, ['-e', '0']).wall));
console.log(`node -e 0: ${nodeStart.toFixed(3)} s (median of ${runs}); ${runs} runs per case after one warm-up`);
console.log(['case', 'size', 'portcullis s', 'read s', 'ratio', 'throughput', 'peak RSS', 'jq s', ...(hasValgrind ? ['count G'] : [])].join('\t'));
for (const c of cases) {
  const input = c.input();
  const bytes = sizeOf(input);
  const args = [cli, 'scan', input, '--format', 'json', '--fail-on', 'none', '--output', '/dev/null'];
  measure(process.execPath, args);
  const samples = Array.from({ length: runs }, () => measure(process.execPath, args));
  const base = Array.from({ length: runs }, () => measure(process.execPath, ['-e', baselineScript(c.kind), input]).wall);
  const jq = hasJq && c.kind !== 'folder' && c.kind !== 'startup' ? Array.from({ length: runs }, () => measure('jq', c.kind === 'json' ? ['-c', 'length', input] : ['-R', '-s', 'split("\\n") | length', input]).wall) : undefined;
  const counts = hasValgrind ? count(args) : undefined;
  const wall = median(samples.map((s) => s.wall));
  const rssList = samples.map((s) => s.rss).filter((x): x is number => x !== undefined);
  const result: Result = {
    case: c.name,
    bytes,
    units: c.units,
    unitName: c.unitName,
    portcullis: { wall, exit: samples[0]?.status ?? null, ...(rssList.length ? { rss: Math.max(...rssList) } : {}) },
    baseline: { wall: median(base) },
    ratio: wall / median(base),
    ...(jq ? { jq: { wall: median(jq) } } : {}),
    ...(counts ? { count: counts } : {}),
  };
  results.push(result);
  console.log(
    [
      c.name,
      `${(bytes / 1e6).toFixed(2)} MB`,
      wall.toFixed(3),
      result.baseline.wall.toFixed(3),
      `${result.ratio.toFixed(2)}x`,
      `${Math.round(c.units / wall)} ${c.unitName}/s, ${(bytes / 1e6 / wall).toFixed(1)} MB/s`,
      result.portcullis.rss ? `${(result.portcullis.rss / 1024).toFixed(0)} MiB` : '-',
      result.jq ? result.jq.wall.toFixed(3) : '-',
      ...(hasValgrind ? [counts ? (counts.estimate / 1e9).toFixed(2) : 'failed'] : []),
    ].join('\t'),
  );
}
// Linear growth: time per rule of the kube-proxy dumps against the smallest one (1.00 is proportional).
const kube = results.filter((r) => r.case.startsWith('kube-proxy-'));
if (kube.length > 1) {
  const per = (r: Result): number => r.portcullis.wall / r.units;
  console.log(`kube-proxy time per rule vs ${kube[0]!.case}: ${kube.map((r) => `${r.case} ${(per(r) / per(kube[0]!)).toFixed(2)}`).join(', ')}`);
}
const out = join(root, 'packages/bench/results/latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, runs, nodeStart, results }, null, 2)}\n`);
console.log(`results written to ${out}`);
