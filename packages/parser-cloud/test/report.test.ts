import { splitLines } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { Inputs, lineCount } from '../src/common/report.js';

describe('lineCount: the lines splitLines makes, counted without making them', () => {
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
  ])('%j: %i', (text, lines) => {
    expect(splitLines(text)).toHaveLength(lines);
    expect(lineCount(text)).toBe(lines);
  });

  it('a ledger has as many lines as the file, and its lines are still there for readers that need them', () => {
    const inputs = new Inputs();
    inputs.add({ path: 'a.yaml', text: 'a: 1\r\nb: 2 # portcullis-ignore aws-ssh-open -- lab\r\n' });
    expect(inputs.ledger('a.yaml')?.lineCount).toBe(2);
    expect(inputs.textLines('a.yaml')).toEqual(['a: 1', 'b: 2 # portcullis-ignore aws-ssh-open -- lab']);
    inputs.hashComments('a.yaml');
    expect(inputs.finish([]).suppressions.map((s) => [s.line, s.rules])).toEqual([[2, ['aws-ssh-open']]]);
  });
});
