// Runs one hostile input in a process of its own, against the BUILT packages, and prints what came
// of it as JSON: the time, the peak memory (max RSS) of the whole process, and the diagnostics.
// Used by hostile.test.ts, whose bounds are on these numbers.
//   node hostile-child.mjs '{"mode":"scan","paths":["x"],"cwd":"/tmp/d","as":"terraform"}'
//   node hostile-child.mjs '{"mode":"parse","format":"junos","file":"/tmp/d/x.conf"}'
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PARSERS, scan } from '@portcullis/engine';

const job = JSON.parse(process.argv[2]);
const baseline = process.resourceUsage().maxRSS;
const start = performance.now();
let result;
let error;
try {
  if (job.mode === 'parse') {
    const parser = PARSERS.find((p) => p.format === job.format);
    result = parser.parse({ path: job.file.split('/').pop(), text: readFileSync(job.file, 'utf8') });
  } else {
    result = scan({ paths: job.paths, cwd: job.cwd, config: job.config ?? false, inventory: job.inventory, as: job.as, now: new Date('2026-01-01T00:00:00Z') });
  }
} catch (e) {
  error = String(e && e.stack ? e.stack : e);
}
const ms = performance.now() - start;
const diagnostics = (result?.diagnostics ?? []).map((d) => ({ file: d.file, line: d.line, code: d.code, severity: d.severity, message: d.message.slice(0, 300) }));
process.stdout.write(
  JSON.stringify({
    ms: Math.round(ms),
    // maxRSS is in kilobytes: the process's peak, and what it was once the packages were loaded.
    peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
    baselineMB: Math.round(baseline / 1024),
    error,
    diagnostics: diagnostics.slice(0, 200),
    diagnosticCount: diagnostics.length,
    lines: result?.lines,
    files: result?.files,
    devices: (result?.devices ?? []).length,
    rules: (result?.devices ?? []).reduce((n, d) => n + Object.values(d.rulesets).reduce((m, r) => m + r.rules.length, 0), 0),
    // Anything a parser copied out of the input (descriptions, rule texts), to look for leaked file contents.
    texts: JSON.stringify((result?.devices ?? []).map((d) => Object.values(d.rulesets).map((r) => r.rules.map((x) => [x.text, x.description])))).slice(0, 100000),
    observations: (result?.observations ?? result?.observed?.observations ?? []).length,
    polluted: Object.keys(Object.prototype).length > 0 || {}.polluted !== undefined,
  }),
);
