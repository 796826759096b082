import fc from 'fast-check';

/*
 * Mutations of a seed file: each is data (what to do, where as a fraction of the file), applied
 * deterministically, so fast-check can shrink a failing case to the fewest, smallest mutations.
 */

/** Characters the parsers' regular expressions and tokenizers care about, for ReDoS-shaped runs. */
export const SPECIAL_CHARS = [
  ' ', '\t', '"', "'", '\\', '{', '}', '[', ']', '(', ')', '<', '>', '&', ';', '#', '!', '-', '.', ':', '/',
  ',', '=', '*', '+', '$', '%', '@', '|', '0', '9', 'a', 'x', 'f', 'Z', '_', '\u00a0', '\u200b', '\ufeff', '\u2028',
] as const;

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'delete-line'; at: number }
  | { kind: 'duplicate-line'; at: number; times: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace-token'; at: number; with: number }
  | { kind: 'crlf' }
  | { kind: 'lone-cr' }
  | { kind: 'bom' }
  | { kind: 'tabs' }
  | { kind: 'long-line'; at: number; length: number; from: number }
  | { kind: 'run'; at: number; chars: string; length: number };

export interface MutateOptions {
  /** The longest line a mutation makes (long-line, run). */
  maxLineLength: number;
  /** How many mutations at most are applied to one file. */
  maxMutations: number;
  /** The largest input a mutation leaves, in characters (MAX_INPUT_CHARS when absent); the rest is cut. */
  maxInputChars?: number;
}

export const SUITE_MUTATE: MutateOptions = { maxLineLength: 20_000, maxMutations: 4 };
export const CAMPAIGN_MUTATE: MutateOptions = { maxLineLength: 100_000, maxMutations: 6 };

/** The largest input a mutation leaves (duplicating a long line can grow a file fast); the rest is cut. */
export const MAX_INPUT_CHARS = 300_000;

/**
 * The campaign's mutations for one format. Terraform's inputs are cut at 100,000 characters: its
 * reader gives tree-sitter 2 s plus 10 ms per kilobyte before reporting a file it cannot recover from,
 * so a 300,000-character input of garbage is allowed 5 s, the campaign's whole parse bound, and one
 * of 100,000 at most 3 s. Longer Terraform files are the hostile tests' (a 10 MB line, deep nesting).
 */
export function campaignMutate(format: string): MutateOptions {
  return format === 'terraform' ? { ...CAMPAIGN_MUTATE, maxInputChars: 100_000 } : CAMPAIGN_MUTATE;
}

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

export function mutationArb(options: MutateOptions): fc.Arbitrary<Mutation> {
  const length = fc.integer({ min: 1, max: options.maxLineLength });
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
    { arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fraction, bit: fc.integer({ min: 0, max: 7 }) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('delete-line' as const), at: fraction }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('duplicate-line' as const), at: fraction, times: fc.integer({ min: 1, max: 50 }) }), weight: 2 },
    fc.record({ kind: fc.constant('swap-lines' as const), a: fraction, b: fraction }),
    {
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        at: fraction,
        text: fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.constantFrom(...SPECIAL_CHARS), maxLength: 40 })),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant('replace-token' as const), at: fraction, with: fraction }), weight: 4 },
    fc.constant({ kind: 'crlf' as const }),
    fc.constant({ kind: 'lone-cr' as const }),
    fc.constant({ kind: 'bom' as const }),
    fc.constant({ kind: 'tabs' as const }),
    fc.record({ kind: fc.constant('long-line' as const), at: fraction, length, from: fraction }),
    fc.record({
      kind: fc.constant('run' as const),
      at: fraction,
      chars: fc.string({ unit: fc.constantFrom(...SPECIAL_CHARS), minLength: 1, maxLength: 3 }),
      length,
    }),
  );
}

export function mutationsArb(options: MutateOptions): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArb(options), { minLength: 1, maxLength: options.maxMutations });
}

const pos = (at: number, n: number): number => Math.min(n, Math.floor(at * (n + 1)));

function lines(text: string): string[] {
  return text.split('\n');
}

/** The file with one mutation applied. */
export function applyMutation(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, pos(m.at, text.length));
    case 'flip': {
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length === 0) return text;
      const i = Math.min(bytes.length - 1, Math.floor(m.at * bytes.length));
      bytes[i] = bytes[i]! ^ (1 << m.bit);
      // As a file read with readFileSync(…, 'utf8') would be: invalid sequences become U+FFFD.
      return bytes.toString('utf8');
    }
    case 'delete-line': {
      const ls = lines(text);
      ls.splice(Math.min(ls.length - 1, Math.floor(m.at * ls.length)), 1);
      return ls.join('\n');
    }
    case 'duplicate-line': {
      const ls = lines(text);
      const i = Math.min(ls.length - 1, Math.floor(m.at * ls.length));
      ls.splice(i, 0, ...Array<string>(m.times).fill(ls[i]!));
      return ls.join('\n');
    }
    case 'swap-lines': {
      const ls = lines(text);
      const a = Math.min(ls.length - 1, Math.floor(m.a * ls.length));
      const b = Math.min(ls.length - 1, Math.floor(m.b * ls.length));
      [ls[a], ls[b]] = [ls[b]!, ls[a]!];
      return ls.join('\n');
    }
    case 'insert': {
      const i = pos(m.at, text.length);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'replace-token': {
      // Swap one word for another word of the same file: keeps the vocabulary, breaks the grammar.
      const words = [...text.matchAll(/[^\s"'{}()[\];,=<>]+/g)];
      if (words.length === 0) return text;
      const target = words[Math.min(words.length - 1, Math.floor(m.at * words.length))]!;
      const other = words[Math.min(words.length - 1, Math.floor(m.with * words.length))]!;
      return text.slice(0, target.index) + other[0] + text.slice(target.index + target[0].length);
    }
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'lone-cr':
      return text.replace(/\r?\n/g, '\r');
    case 'bom':
      return `\uFEFF${text}`;
    case 'tabs':
      return text.replace(/ {1,4}/g, '\t');
    case 'long-line': {
      const ls = lines(text);
      const i = Math.min(ls.length - 1, Math.floor(m.at * ls.length));
      const from = ls[Math.min(ls.length - 1, Math.floor(m.from * ls.length))] || 'x ';
      ls[i] = ls[i]! + from.repeat(Math.ceil(m.length / from.length)).slice(0, m.length);
      return ls.join('\n');
    }
    case 'run': {
      const i = pos(m.at, text.length);
      return text.slice(0, i) + m.chars.repeat(Math.ceil(m.length / m.chars.length)).slice(0, m.length) + text.slice(i);
    }
  }
}

export function applyMutations(text: string, ms: readonly Mutation[], maxChars = MAX_INPUT_CHARS): string {
  return ms.reduce((t, m) => {
    const out = applyMutation(t, m);
    return out.length > maxChars ? out.slice(0, maxChars) : out;
  }, text);
}
