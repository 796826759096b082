import { describe, expect, it } from 'vitest';
import { RULE_WORDS } from '../src/matches.js';
import { Vocabulary, Words } from '../src/tokenizer.js';

/*
 * `Words` keeps a line's words as offsets and makes strings only when asked, handing out interned
 * strings for the words of its vocabulary. These tests hold it to a plain reading of the line, a
 * character at a time, over many generated lines.
 */

interface PlainWord {
  text: string;
  column: number;
  quoted: boolean;
}

/** The splitting iptables-restore does, written as plainly as possible. */
function plainSplit(line: string, columnOffset: number): { words: PlainWord[]; unterminatedQuote?: number } {
  const blank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r';
  const words: PlainWord[] = [];
  let unterminatedQuote: number | undefined;
  let i = 0;
  while (i < line.length) {
    if (blank(line[i])) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let quoted = false;
    while (i < line.length && !blank(line[i])) {
      if (line[i] !== '"') {
        text += line[i];
        i++;
        continue;
      }
      quoted = true;
      const quoteAt = i;
      i++;
      let closed = false;
      while (i < line.length) {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          text += line[i + 1];
          i += 2;
        } else if (line[i] === '"') {
          closed = true;
          i++;
          break;
        } else {
          text += line[i];
          i++;
        }
      }
      if (!closed && unterminatedQuote === undefined) unterminatedQuote = quoteAt + columnOffset;
    }
    words.push({ text, column: start + columnOffset, quoted });
  }
  return unterminatedQuote === undefined ? { words } : { words, unterminatedQuote };
}

const plainIsOption = (w: PlainWord): boolean => !w.quoted && w.text.length >= 2 && w.text[0] === '-' && !/[0-9]/.test(w.text[1]!);
const plainIsBang = (w: PlainWord): boolean => !w.quoted && w.text === '!';

/** A small seeded generator, so that a failure names a line that can be read again. */
function generator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

const PIECES = [
  '-A', '-I', '--dport', '--dports', '-m', 'comment', '--comment', '-j', 'DNAT', '--to-destination', 'ACCEPT', 'tcp',
  'TCP', '-p', '--src-range', '!', '-', '--', '-1', '-5x', '10.0.0.1/32', 'KUBE-SVC-ABCDEF0123456789', '""', '"a b"',
  '"x\\"y"', '"\\\\"', '"\\n"', 'a"b c"d', '"unterminated', '"-j"', '"!"', '--dportx', '--dpor', '-jj', 'é', '\\"',
  '--hashlimit-htable-gcinterval', '--' + 'x'.repeat(60),
];
const BLANKS = [' ', '  ', '\t', ' \t ', '\v', '\f', '\r', ' '.repeat(20)];

function randomLine(next: (n: number) => number): string {
  let line = next(3) === 0 ? BLANKS[next(BLANKS.length)]! : '';
  const count = next(14);
  for (let i = 0; i < count; i++) {
    if (i > 0) line += BLANKS[next(BLANKS.length)]!;
    line += PIECES[next(PIECES.length)]!;
    // Sometimes glue two pieces, or a lone quote, into one word.
    if (next(6) === 0) line += next(2) === 0 ? '"' : PIECES[next(PIECES.length)]!;
  }
  if (next(3) === 0) line += BLANKS[next(BLANKS.length)]!;
  return line;
}

describe('Words', () => {
  it('splits generated lines as the plain character-at-a-time reading does', () => {
    const next = generator(20240611);
    for (let n = 0; n < 5000; n++) {
      const line = randomLine(next);
      const offset = 1 + next(40);
      const words = new Words(line, offset, RULE_WORDS);
      const plain = plainSplit(line, offset);
      const read = Array.from({ length: words.length }, (_, i) => ({ text: words.text(i), column: words.column(i), quoted: words.quoted(i) }));
      expect({ line, words: read, unterminatedQuote: words.unterminatedQuote }).toEqual({ line, ...plain, unterminatedQuote: plain.unterminatedQuote });
      for (let i = 0; i < words.length; i++) {
        expect({ line, i, option: words.isOption(i), bang: words.isBang(i) }).toEqual({ line, i, option: plainIsOption(plain.words[i]!), bang: plainIsBang(plain.words[i]!) });
      }
      expect({ line, uneven: words.unevenBlanks }).toEqual({ line, uneven: /\t| {2}| $/.test(line) });
      // Past the last word there is neither an option nor a bang.
      expect(words.isOption(words.length) || words.isBang(words.length)).toBe(false);
    }
  });

  it('splits a line inside a larger text as it splits the line alone', () => {
    const next = generator(20261126);
    for (let n = 0; n < 3000; n++) {
      const line = randomLine(next);
      // What stands around the line: other lines, perhaps an open quote or blanks right up to it.
      const before = `${randomLine(next)}${['\n', '\r\n', '"', ' ', ''][next(5)]}`;
      const after = `${['\n', '"', ' ', '\\', ''][next(5)]}${randomLine(next)}`;
      const offset = 1 + next(40);
      const alone = new Words(line, offset, RULE_WORDS);
      const aloneRead = Array.from({ length: alone.length }, (_, i) => ({
        text: alone.text(i), column: alone.column(i), quoted: alone.quoted(i), option: alone.isOption(i), bang: alone.isBang(i),
      }));
      const aloneFacts = { unterminatedQuote: alone.unterminatedQuote, uneven: alone.unevenBlanks };
      const inside = new Words(before + line + after, offset, RULE_WORDS, before.length, before.length + line.length);
      const insideRead = Array.from({ length: inside.length }, (_, i) => ({
        text: inside.text(i), column: inside.column(i), quoted: inside.quoted(i), option: inside.isOption(i), bang: inside.isBang(i),
      }));
      expect({ line, words: insideRead, unterminatedQuote: inside.unterminatedQuote, uneven: inside.unevenBlanks })
        .toEqual({ line, words: aloneRead, ...aloneFacts });
    }
  });

  it('answers only for the newest line: an older one throws instead of reading the newer one’s words', () => {
    const first = new Words('-A INPUT -j "ACCEPT"', 1, RULE_WORDS);
    expect(first.text(3)).toBe('ACCEPT');
    const second = new Words('-A FORWARD', 1, RULE_WORDS);
    expect(() => first.text(1)).toThrow();
    expect(() => first.isOption(0)).toThrow();
    expect(second.text(1)).toBe('FORWARD');
    expect(second.quoted(1)).toBe(false);
    expect(() => second.text(2)).toThrow(RangeError);
  });

  it('hands out the vocabulary’s own string for its words, and a new one for any other', () => {
    const known = '--to-destination';
    const words = new Words(`-j DNAT --to-destination 10.0.0.1 --to-destinatio --TO-DESTINATION "--to-destination"`, 1, RULE_WORDS);
    expect(words.text(2)).toBe(known);
    expect(words.text(4)).toBe('--to-destinatio');
    expect(words.text(5)).toBe('--TO-DESTINATION');
    // A quoted word is a value: its text is the same, but it is never taken for an option.
    expect(words.text(6)).toBe(known);
    expect(words.isOption(6)).toBe(false);
  });

  it('finds exactly the words it was given, wherever they stand in a text', () => {
    const vocabulary = new Vocabulary(['-p', '--dport', 'DNAT', 'x'.repeat(48), 'y'.repeat(49)]);
    const text = '__-p__--dport__DNAT__DNA__--dports__' + 'x'.repeat(48) + '__' + 'y'.repeat(49);
    const at = (word: string, from = 0): [number, number] => {
      const start = text.indexOf(word, from);
      return [start, start + word.length];
    };
    expect(vocabulary.find(text, ...at('-p'))).toBe('-p');
    expect(vocabulary.find(text, ...at('--dport'))).toBe('--dport');
    expect(vocabulary.find(text, ...at('DNAT'))).toBe('DNAT');
    expect(vocabulary.find(text, ...at('x'.repeat(48)))).toBe('x'.repeat(48));
    // Not words of it: a prefix, a longer word, an empty span, a word too long to be kept.
    expect(vocabulary.find(text, ...at('DNA_'))).toBeUndefined();
    expect(vocabulary.find(text, ...at('--dports'))).toBeUndefined();
    expect(vocabulary.find(text, 4, 4)).toBeUndefined();
    expect(vocabulary.find(text, ...at('y'.repeat(49)))).toBeUndefined();
  });
});
