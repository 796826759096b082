import { describe, expect, it } from 'vitest';
import { Inputs } from '../src/common/report.js';

describe('Inputs', () => {
  it('a ledger has as many lines as the file, and its lines are still there for readers that need them', () => {
    const inputs = new Inputs();
    inputs.add({ path: 'a.yaml', text: 'a: 1\r\nb: 2 # portcullis-ignore aws-ssh-open -- lab\r\n' });
    expect(inputs.ledger('a.yaml')?.lineCount).toBe(2);
    expect(inputs.textLines('a.yaml')).toEqual(['a: 1', 'b: 2 # portcullis-ignore aws-ssh-open -- lab']);
    inputs.hashComments('a.yaml');
    expect(inputs.finish([]).suppressions.map((s) => [s.line, s.rules])).toEqual([[2, ['aws-ssh-open']]]);
  });
});
