// The short, fixed-seed campaign of the normal test suite: every registered parser, fed mutations of
// every corpus and fixture file of its format, generated files and random text, never throws, ends
// within its bound, accounts for every line and puts every diagnostic on a real line; a scan of the
// same inputs (analysis and rules included) never fails inside. `pnpm fuzz` runs the long campaign.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formats, inputArb, SUITE_SEED } from './campaign.js';
import { checkParse, describeProblems, ScanBench, type Bounds } from './check.js';
import { parserNamed, seedFilesFor } from './corpus.js';
import { SUITE_MUTATE } from './mutate.js';

/** Per input, on a loaded 2-core machine; inputs here are at most a few hundred kilobytes. */
const BOUNDS: Bounds = { parseMs: 3_000, scanMs: 10_000 };
const PARSE_RUNS = 40;
const SCAN_RUNS = 6;

const bench = new ScanBench();
afterAll(() => bench.dispose());

describe('fuzzing every registered parser (fixed seed)', () => {
  it('the registry has parsers, each with corpus or fixture files to mutate', () => {
    expect(formats().length).toBeGreaterThanOrEqual(20);
    for (const f of formats()) expect(seedFilesFor(f).length, f).toBeGreaterThan(0);
  });

  for (const format of formats()) {
    it(`${format}: ${PARSE_RUNS} inputs parse without a throw, in under ${BOUNDS.parseMs} ms, every line accounted for`, () => {
      const parser = parserNamed(format);
      fc.assert(
        fc.property(inputArb(format, SUITE_MUTATE), (input) => {
          const outcome = checkParse(parser, input.name, input.text, BOUNDS);
          expect(outcome.problems, `${input.origin}\n${describeProblems(outcome.problems)}`).toEqual([]);
        }),
        { seed: SUITE_SEED, numRuns: PARSE_RUNS },
      );
    });

    it(`${format}: ${SCAN_RUNS} inputs scan (analysis and rules) without failing inside, in under ${BOUNDS.scanMs} ms`, () => {
      fc.assert(
        fc.property(inputArb(format, SUITE_MUTATE), (input) => {
          const problems = bench.check(format, input.name, input.text, BOUNDS);
          expect(problems, `${input.origin}\n${describeProblems(problems)}`).toEqual([]);
        }),
        { seed: SUITE_SEED + 1, numRuns: SCAN_RUNS },
      );
    });
  }
});
