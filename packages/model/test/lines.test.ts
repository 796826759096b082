import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eachLine, lineCount, splitLines } from '@portcullis/model';

/** Every line `eachLine` hands out, with its number and where it starts. */
function lines(text: string): { count: number; seen: [string, number, number][] } {
  const seen: [string, number, number][] = [];
  const count = eachLine(text, (line, n, at) => seen.push([line, n, at]));
  return { count, seen };
}

describe('lineCount and eachLine: the lines splitLines makes, without the list', () => {
  it.each([
    ['', 1],
    ['a', 1],
    ['a\n', 1],
    ['\n', 1],
    ['\n\n', 2],
    ['a\nb', 2],
    ['a\r\nb\r\n', 2],
    ['a\rb', 2],
    ['a\r\rb\r', 3],
    ['a\n\r\nb', 3],
    ['a\r\n\nb\n\n', 4],
  ])('%j: %i', (text, count) => {
    expect(splitLines(text)).toHaveLength(count);
    expect(lineCount(text)).toBe(count);
    expect(lines(text).count).toBe(count);
  });

  it('hands out each line with its number and its first character’s place in the text', () => {
    expect(lines('ab\r\ncd\ref\n\ngh').seen).toEqual([
      ['ab', 1, 0],
      ['cd', 2, 4],
      ['ef', 3, 7],
      ['', 4, 10],
      ['gh', 5, 11],
    ]);
  });

  it('agrees with splitLines on any mix of line breaks, and each line is where it says', () => {
    const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n'), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const { count, seen } = lines(t);
        const expected = splitLines(t);
        expect(count).toBe(expected.length);
        expect(seen.map(([line]) => line)).toEqual(expected);
        expect(seen.map(([, n]) => n)).toEqual(expected.map((_, i) => i + 1));
        for (const [line, , at] of seen) expect(t.slice(at, at + line.length)).toBe(line);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a long file with a single carriage return near its start in one pass over it', () => {
    // A `\r` looked for again at every line would read the rest of the file each time.
    const text = 'x\r' + 'rule\n'.repeat(200_000);
    expect(lines(text).count).toBe(200_001);
  });
});
