import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '@portcullis/engine';
import { splitLines, type FormatParser, type ParseResult } from '@portcullis/model';

/*
 * The properties every parser must keep on every input, as checks that say what went wrong (rather
 * than assertions), so the test suite and the long campaign count the same things.
 */

export interface Bounds {
  /** The longest one parse may take, in milliseconds. */
  parseMs: number;
  /** The longest one scan (parse, analysis, rules) may take, in milliseconds. */
  scanMs: number;
  /**
   * How many times an input that went past a bound is parsed (or scanned) again, the fastest run
   * counting; 0 when absent. Parsers are deterministic, so a run past the bound that another run
   * stays within was slowed by the machine (a long campaign runs at low priority beside other work),
   * not by the input; an input past the bound every time is a hang.
   */
  retimes?: number;
}

/** Bounds for the inputs the fuzzers make (up to a few hundred kilobytes), on a loaded 2-core machine. */
export const DEFAULT_BOUNDS: Bounds = { parseMs: 5_000, scanMs: 15_000 };

export type Problem =
  | { kind: 'crash'; message: string }
  | { kind: 'hang'; message: string; ms: number }
  | { kind: 'lost'; message: string; lines: number }
  | { kind: 'bad-diagnostic'; message: string };

export interface Outcome {
  problems: Problem[];
  result?: ParseResult;
  /** The fastest run's time. */
  ms: number;
  /** The first run's time, when it went past the bound and the input was timed again. */
  firstMs?: number;
}

/** The parser's own crash, or one it caught and turned into a diagnostic. */
function internalErrors(result: { diagnostics: { code: string; line?: number; message: string }[] }): string[] {
  return result.diagnostics.filter((d) => d.code === 'internal-error').map((d) => `internal-error${d.line ? ` on line ${d.line}` : ''}: ${d.message}`);
}

/** Parses one input and checks: no throw, in time, every line accounted for, diagnostics on real lines. */
export function checkParse(parser: FormatParser, path: string, text: string, bounds: Bounds = DEFAULT_BOUNDS): Outcome {
  const problems: Problem[] = [];
  const start = performance.now();
  let result: ParseResult;
  try {
    result = parser.parse({ path, text });
  } catch (e) {
    const ms = performance.now() - start;
    return { problems: [{ kind: 'crash', message: `parse threw: ${(e as Error).stack ?? String(e)}` }], ms };
  }
  let ms = performance.now() - start;
  let firstMs: number | undefined;
  for (let again = 0; ms > bounds.parseMs && again < (bounds.retimes ?? 0); again++) {
    firstMs ??= ms;
    const t = performance.now();
    try {
      parser.parse({ path, text });
    } catch {
      break; // the first run did not throw; the checks below are on its result
    }
    ms = Math.min(ms, performance.now() - t);
  }
  const times = firstMs === undefined ? '' : ` (the fastest of several runs; the first took ${Math.round(firstMs)} ms)`;
  if (ms > bounds.parseMs) problems.push({ kind: 'hang', message: `parse took ${Math.round(ms)} ms (bound ${bounds.parseMs} ms)${times}`, ms });
  for (const m of internalErrors(result)) problems.push({ kind: 'crash', message: m });
  problems.push(...checkAccounting(result, text));
  return { problems, result, ms, ...(firstMs === undefined ? {} : { firstMs }) };
}

/** recognised + ignored + reported = total = the lines splitLines counts; diagnostics within 1..total. */
export function checkAccounting(result: ParseResult, text: string): Problem[] {
  const problems: Problem[] = [];
  const total = splitLines(text).length;
  const l = result.lines;
  if (!l || typeof l.total !== 'number') return [{ kind: 'lost', message: 'no line accounting', lines: total }];
  if (l.total !== total) problems.push({ kind: 'lost', message: `lines.total is ${l.total}, the text has ${total} lines`, lines: Math.abs(l.total - total) });
  const sum = l.recognised + l.ignored + l.reported;
  if (sum !== l.total) {
    problems.push({ kind: 'lost', message: `recognised ${l.recognised} + ignored ${l.ignored} + reported ${l.reported} = ${sum}, not ${l.total}`, lines: Math.abs(sum - l.total) });
  }
  for (const n of [l.recognised, l.ignored, l.reported]) {
    if (!Number.isInteger(n) || n < 0) problems.push({ kind: 'lost', message: `a line count is ${n}`, lines: 1 });
  }
  for (const d of result.diagnostics) {
    if (d.line === undefined) continue;
    if (!Number.isInteger(d.line) || d.line < 1 || d.line > total) {
      problems.push({ kind: 'bad-diagnostic', message: `${d.code} on line ${d.line}, outside 1..${total}: ${d.message.slice(0, 200)}` });
    }
  }
  return problems;
}

/** A folder in the temp dir for scans; `dispose` removes it. */
export class ScanBench {
  readonly dir: string;
  private n = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'portcullis-fuzz-'));
  }

  /**
   * Writes the input to a file of its own and scans it as the CLI would, with its format forced:
   * parse, analysis, composition, rules and suppressions must not throw nor fail inside.
   */
  check(format: string, name: string, text: string, bounds: Bounds = DEFAULT_BOUNDS): Problem[] {
    const first = this.scanOnce(format, name, text);
    let ms = first.ms;
    let again = 0;
    for (; first.problems.length === 0 && ms > bounds.scanMs && again < (bounds.retimes ?? 0); again++) {
      const run = this.scanOnce(format, name, text);
      if (run.problems.length > 0) return run.problems;
      ms = Math.min(ms, run.ms);
    }
    const times = again === 0 ? '' : ` (fastest of ${again + 1} runs; the first took ${Math.round(first.ms)} ms)`;
    if (ms > bounds.scanMs) first.problems.push({ kind: 'hang', message: `scan took ${Math.round(ms)} ms (bound ${bounds.scanMs} ms)${times}`, ms });
    return first.problems;
  }

  /** One scan of the input in a folder of its own: what failed inside, and how long it took. */
  private scanOnce(format: string, name: string, text: string): { problems: Problem[]; ms: number } {
    const sub = join(this.dir, String(this.n++));
    mkdirSync(sub);
    const file = join(sub, name);
    writeFileSync(file, text);
    const problems: Problem[] = [];
    const start = performance.now();
    try {
      const result = scan({ paths: [file], cwd: sub, config: false, as: format, now: new Date('2026-01-01T00:00:00Z') });
      for (const m of internalErrors(result)) problems.push({ kind: 'crash', message: `scan: ${m}` });
    } catch (e) {
      problems.push({ kind: 'crash', message: `scan threw: ${(e as Error).stack ?? String(e)}` });
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
    return { problems, ms: performance.now() - start };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.kind}: ${p.message}`).join('\n');
}
