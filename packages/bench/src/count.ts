/**
 * `BENCH_COUNT=1 pnpm bench`: each case is also run once under cachegrind, and what it counted is
 * reported next to the times. Wall time on a shared machine moves by tens of percent from one run to
 * the next; these counts repeat to a fraction of a percent, so two builds can be told apart by a
 * change smaller than the noise. They say which way a change goes, not how many seconds it saves
 * (docs/performance.md, "Eleventh round").
 */

/** The cachegrind command that runs `node` with `args`, and the flags that make the run repeatable. */
export function countCommand(node: string, args: readonly string[]): { cmd: string; args: string[] } {
  return {
    cmd: 'valgrind',
    args: [
      '--tool=cachegrind',
      '--cache-sim=yes',
      // Node writes machine code as it runs; valgrind must look for it outside the files it loaded.
      '--smc-check=all-non-file',
      '--cachegrind-out-file=/dev/null',
      node,
      // The collector and the compiler on the main thread, and no decision taken by the clock.
      '--single-threaded',
      '--predictable',
      ...args,
    ],
  };
}

export interface Counts {
  /** Instructions executed. */
  instructions: number;
  /** First-level data cache misses. */
  d1Misses: number;
  /** Last-level cache misses (instructions and data). */
  llMisses: number;
  /** instructions + 10 × d1Misses + 100 × llMisses: one number to compare builds by. */
  estimate: number;
}

/** The counts in the summary cachegrind writes to standard error, or undefined when it wrote none. */
export function readCountSummary(stderr: string): Counts | undefined {
  const figure = (label: RegExp): number | undefined => {
    const m = label.exec(stderr);
    return m ? Number(m[1]!.replaceAll(',', '')) : undefined;
  };
  const instructions = figure(/^==\d+== I\s+refs:\s+([\d,]+)/m);
  const d1Misses = figure(/^==\d+== D1\s+misses:\s+([\d,]+)/m);
  const llMisses = figure(/^==\d+== LL misses:\s+([\d,]+)/m);
  if (instructions === undefined || d1Misses === undefined || llMisses === undefined) return undefined;
  return { instructions, d1Misses, llMisses, estimate: instructions + 10 * d1Misses + 100 * llMisses };
}
