import { describe, expect, it } from 'vitest';
import { logicalLines, position, words } from '../src/mikrotik/lines.js';

/* The RouterOS export syntax on its own: continuation lines, then words. */

describe('routeros logical lines', () => {
  it('joins `\\` continuations, dropping the indentation of the next line', () => {
    const { logical, comments, blank } = logicalLines([
      '# header by RouterOS 7.16',
      '/ip firewall filter',
      'add action=accept chain=input dst-port=80 protocol=\\',
      '    tcp',
      '',
      'add action=drop chain=input \\',
      '    in-interface=ether1 \\',
      '    comment="a \\\\"',
    ]);
    expect(logical.map((l) => ({ text: l.text, line: l.line, endLine: l.endLine }))).toEqual([
      { text: '/ip firewall filter', line: 2, endLine: 2 },
      { text: 'add action=accept chain=input dst-port=80 protocol=tcp', line: 3, endLine: 4 },
      { text: 'add action=drop chain=input in-interface=ether1 comment="a \\\\"', line: 6, endLine: 8 },
    ]);
    expect(comments).toEqual([{ line: 1, text: ' header by RouterOS 7.16' }]);
    expect(blank).toEqual([5]);
  });

  it('knows where each offset of a joined command was written', () => {
    const { logical } = logicalLines(['add a=1 \\', '    b=2']);
    const l = logical[0]!;
    expect(position(l, 0)).toEqual({ line: 1, column: 1 });
    expect(position(l, l.text.indexOf('b=2'))).toEqual({ line: 2, column: 5 });
  });

  it('a script in a quoted value, continued line after line, is one command', () => {
    const { logical } = logicalLines(['/system script add name=x source=":local a \\"b\\";\\r\\', '    \\n:put \\$a\\r\\', '    \\n"']);
    expect(logical).toHaveLength(1);
    expect(logical[0]!.endLine).toBe(3);
  });
});

describe('routeros words', () => {
  const cases: { text: string; words: { text: string; key?: string; value?: string; selector?: boolean }[]; error?: string }[] = [
    { text: 'add action=accept chain=input', words: [{ text: 'add' }, { text: 'action=accept', key: 'action', value: 'accept' }, { text: 'chain=input', key: 'chain', value: 'input' }] },
    { text: 'add comment="defconf: accept ICMP" protocol=icmp', words: [{ text: 'add' }, { text: 'comment="defconf: accept ICMP"', key: 'comment', value: 'defconf: accept ICMP' }, { text: 'protocol=icmp', key: 'protocol', value: 'icmp' }] },
    { text: 'add interface="wan A" list=WAN', words: [{ text: 'add' }, { text: 'interface="wan A"', key: 'interface', value: 'wan A' }, { text: 'list=WAN', key: 'list', value: 'WAN' }] },
    { text: 'set [ find default-name=ether1 ] name=wan', words: [{ text: 'set' }, { text: '[ find default-name=ether1 ]', selector: true }, { text: 'name=wan', key: 'name', value: 'wan' }] },
    { text: 'add comment="a \\"quoted\\" \\$x\\_y" src-address=!10.0.0.0/8', words: [{ text: 'add' }, { text: 'comment="a \\"quoted\\" \\$x\\_y"', key: 'comment', value: 'a "quoted" $x y' }, { text: 'src-address=!10.0.0.0/8', key: 'src-address', value: '!10.0.0.0/8' }] },
    { text: 'add regexp="A\\\\x01\\$"', words: [{ text: 'add' }, { text: 'regexp="A\\\\x01\\$"', key: 'regexp', value: 'A\\x01$' }] },
    { text: 'add comment="open', words: [{ text: 'add' }], error: 'unterminated quote' },
    { text: 'set [ find name="x ]', words: [{ text: 'set' }], error: 'unbalanced [ ] selector' },
  ];
  for (const c of cases) {
    it(c.text, () => {
      const r = words(c.text);
      expect(r.words.map((w) => {
        const v: { text: string; key?: string; value?: string; selector?: boolean } = { text: w.text };
        if (w.key !== undefined) v.key = w.key;
        if (w.value !== undefined) v.value = w.value;
        if (w.selector) v.selector = true;
        return v;
      })).toEqual(c.words);
      expect(r.error?.message).toBe(c.error);
    });
  }
});
