import fc from 'fast-check';
import { PARSERS } from '@portcullis/engine';
import { fileNameFor, seedFilesFor, type SeedFile } from './corpus.js';
import { iptablesFileArb, printIptablesSave } from './iptables-gen.js';
import { applyMutations, mutationsArb, SPECIAL_CHARS, type MutateOptions } from './mutate.js';
import { nftablesRulesetArb, printNftables } from './nftables-gen.js';

/*
 * What a fuzz campaign feeds each parser: mutations of every corpus and fixture file of its format,
 * generated valid files (iptables-save, nftables) with and without mutations, lines of the format's
 * own words in random order, and random text. The suite's short campaigns and `pnpm fuzz` draw
 * from the same arbitraries.
 */

/** The seed of the test suite's short campaigns: fixed, so a run is the same every time. */
export const SUITE_SEED = 20_251_126;

export interface FuzzInput {
  /** The file name the input is given (a seed file's name keeps name-based detection working). */
  name: string;
  text: string;
  /** How it was made, to tell a failure's origin. */
  origin: string;
}

/** Every format in the registry, in its order: new parsers are fuzzed as soon as they are registered. */
export function formats(): string[] {
  return PARSERS.map((p) => p.format);
}

/** The words of the seed files, for token soup. */
function vocabulary(seeds: SeedFile[]): string[] {
  const words = new Set<string>();
  for (const s of seeds) for (const m of s.text.slice(0, 200_000).matchAll(/[^\s]+/g)) if (m[0].length <= 80) words.add(m[0]);
  return [...words].sort();
}

const GRAMMARS: Record<string, () => fc.Arbitrary<string>> = {
  'iptables-save': () => iptablesFileArb().map((f) => printIptablesSave(f).text),
  nftables: () => nftablesRulesetArb().map((t) => printNftables(t).text),
};

const cache = new Map<string, fc.Arbitrary<FuzzInput>>();

/** The inputs one parser is fuzzed with. */
export function inputArb(format: string, mutate: MutateOptions): fc.Arbitrary<FuzzInput> {
  const key = `${format}|${mutate.maxLineLength}|${mutate.maxMutations}|${mutate.maxInputChars}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const seeds = seedFilesFor(format);
  const canonical = fileNameFor(format);
  const parts: fc.WeightedArbitrary<FuzzInput>[] = [];
  if (seeds.length > 0) {
    parts.push({
      weight: 6,
      arbitrary: fc.tuple(fc.constantFrom(...seeds), mutationsArb(mutate)).map(([seed, ms]) => ({
        name: fileNameFor(format, seed),
        text: applyMutations(seed.text, ms, mutate.maxInputChars),
        origin: `mutation of ${seed.name}: ${ms.map((m) => m.kind).join(', ')}`,
      })),
    });
    const words = vocabulary(seeds);
    if (words.length > 0) {
      parts.push({
        weight: 2,
        arbitrary: fc
          .array(fc.tuple(fc.constantFrom('', '\t', '  ', '    '), fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 40 })
          .map((ls) => ({ name: canonical, text: ls.map(([i, w]) => i + w.join(' ')).join('\n') + '\n', origin: 'token soup' })),
      });
    }
  }
  const grammar = GRAMMARS[format];
  if (grammar) {
    parts.push({ weight: 2, arbitrary: grammar().map((text) => ({ name: canonical, text, origin: 'generated valid file' })) });
    parts.push({
      weight: 2,
      arbitrary: fc.tuple(grammar(), mutationsArb(mutate)).map(([text, ms]) => ({ name: canonical, text: applyMutations(text, ms, mutate.maxInputChars), origin: `mutation of a generated file: ${ms.map((m) => m.kind).join(', ')}` })),
    });
  }
  parts.push({
    weight: 1,
    arbitrary: fc
      .oneof(fc.string({ unit: 'binary', maxLength: 2000 }), fc.string({ unit: fc.constantFrom(...SPECIAL_CHARS, '\n', '\r'), maxLength: 4000 }))
      .map((text) => ({ name: canonical, text, origin: 'random text' })),
  });
  const arb = fc.oneof(...parts);
  cache.set(key, arb);
  return arb;
}

/** 32-bit mix of a campaign seed, a format and a chunk number: each chunk of a campaign is replayable alone. */
export function chunkSeed(seed: number, format: string, chunk: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const c of `${format}#${chunk}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h | 0;
}

/** Inputs per chunk: the campaign samples them a chunk at a time; input i is in chunk i / CHUNK. */
export const CHUNK = 100;

/** The inputs of one chunk of a campaign, the same for the same seed, format and chunk. */
export function chunkInputs(format: string, seed: number, chunk: number, mutate: MutateOptions): FuzzInput[] {
  return fc.sample(inputArb(format, mutate), { seed: chunkSeed(seed, format, chunk), numRuns: CHUNK });
}
