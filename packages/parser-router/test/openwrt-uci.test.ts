import { LineLedger } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { readUci, uciWords } from '../src/openwrt/uci.js';

/*
 * The uci syntax on its own: words, quotes and comments, then sections and options with the state
 * of every line.
 */

describe('uci words', () => {
  const cases: { line: string; words: string[]; comment?: string; error?: string }[] = [
    { line: "config zone 'wan'", words: ['config', 'zone', 'wan'] },
    { line: "\toption name\t\t'lan'", words: ['option', 'name', 'lan'] },
    { line: "\toption 'src' 'wan'", words: ['option', 'src', 'wan'] },
    { line: '\toption network "wan wan6"', words: ['option', 'network', 'wan wan6'] },
    { line: "\toption name 'it'\\''s'", words: ['option', 'name', "it's"] },
    { line: '\toption name "say \\"hi\\" \\\\ \\n"', words: ['option', 'name', 'say "hi" \\ \\n'] },
    { line: '\toption dest_port 22 # ssh', words: ['option', 'dest_port', '22'], comment: ' ssh' },
    { line: '# option input ACCEPT', words: [], comment: ' option input ACCEPT' },
    { line: "\toption src_ip ''", words: ['option', 'src_ip', ''] },
    { line: "\toption name 'unterminated", words: ['option', 'name'], error: 'unterminated single quote' },
    { line: '\toption name "unterminated', words: ['option', 'name'], error: 'unterminated double quote' },
    { line: '   ', words: [] },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.line), () => {
      const r = uciWords(c.line);
      expect(r.words.map((w) => w.text)).toEqual(c.words);
      expect(r.comment).toBe(c.comment);
      expect(r.error?.message).toBe(c.error);
    });
  }

  it('gives each word its column', () => {
    expect(uciWords("\toption  dest_port\t'22'").words.map((w) => w.column)).toEqual([2, 10, 20]);
  });
});

describe('uci sections', () => {
  function read(lines: string[]) {
    const ledger = new LineLedger('firewall', lines.length);
    const uci = readUci(lines, 'firewall', ledger);
    return { uci, ledger, diagnostics: ledger.diagnostics.map((d) => `${d.code}@${d.line ?? 0}`) };
  }

  it('groups options under the section before them, with lines and value columns', () => {
    const { uci } = read(['package firewall', '', "config rule 'ssh'", '\toption src wan', "\tlist dest_port '22'", '# end', 'config zone']);
    expect(uci.sections.map((s) => ({ type: s.type, name: s.name, line: s.line, endLine: s.endLine }))).toEqual([
      { type: 'rule', name: 'ssh', line: 3, endLine: 5 },
      { type: 'zone', name: undefined, line: 7, endLine: 7 },
    ]);
    expect(uci.sections[0]!.options).toEqual([
      { kind: 'option', name: 'src', value: 'wan', line: 4, column: 13 },
      { kind: 'list', name: 'dest_port', value: '22', line: 5, column: 17 },
    ]);
  });

  it('reports lines that are not uci, and options outside a section', () => {
    const { diagnostics, ledger } = read(['option input ACCEPT', 'iptables -A INPUT -j ACCEPT', 'config', 'config zone a b', "\toption name", 'config rule', "\toption src wan lan"]);
    expect(diagnostics).toEqual(['unrecognised-line@1', 'unrecognised-line@2', 'unrecognised-line@3', 'unrecognised-line@4', 'invalid-value@5', 'invalid-value@7']);
    // The well-formed header (line 6) is left to the section reader, which is not part of this test.
    expect(ledger.account()).toEqual({ total: 7, recognised: 0, ignored: 0, reported: 7 });
  });

  it('collects suppressions from comments, on their own line or after a header', () => {
    const { uci } = read(['# portcullis-ignore no-public-rdp -- behind a gateway', 'config redirect # portcullis-ignore no-telnet until 2030-01-01 -- lab']);
    expect(uci.suppressions).toEqual([
      { rules: ['no-public-rdp'], reason: 'behind a gateway', line: 1, file: 'firewall' },
      { rules: ['no-telnet'], until: '2030-01-01', reason: 'lab', line: 2, file: 'firewall' },
    ]);
  });
});
