import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readStatements, type StatementList } from '../src/junos/statements.js';
import { FIXTURES } from './junos-helpers.js';

/** Each statement as `display set` would print it (without `set`), `!` before a deactivated word, and its line. */
function paths(list: StatementList): string[] {
  return list.statements.filter((s) => !s.removed).map((s) => `${s.line}: ${s.words.map((w) => (w.inactive ? `!${w.text}` : w.text)).join(' ')}`);
}

function problems(list: StatementList): { code: string; line: number; report: boolean }[] {
  return list.problems.map((p) => ({ code: p.code, line: p.line, report: p.report }));
}

interface Case {
  name: string;
  lines: string[];
  paths: string[];
  problems?: { code: string; line: number; report: boolean }[];
}

const cases: Case[] = [
  {
    name: 'a set command is one path',
    lines: ['set security zones security-zone trust interfaces ge-0/0/1.0'],
    paths: ['1: security zones security-zone trust interfaces ge-0/0/1.0'],
  },
  {
    name: 'the hierarchical form gives the same path, at the leaf line',
    lines: ['security {', '    zones {', '        security-zone trust {', '            interfaces {', '                ge-0/0/1.0;', '            }', '        }', '    }', '}'],
    paths: ['5: security zones security-zone trust interfaces ge-0/0/1.0'],
  },
  {
    name: 'several statements on one line, and one block on one line',
    lines: ['policy p { match { source-address any; application junos-ssh; } then permit; }'],
    paths: ['1: policy p match source-address any', '1: policy p match application junos-ssh', '1: policy p then permit'],
  },
  {
    name: 'a bracketed list is one path per element, in both syntaxes',
    lines: ['set firewall filter f term t from destination-port [ 22 80 ]', 'term u {', '    from {', '        protocol [ tcp udp ];', '    }', '}'],
    paths: ['1: firewall filter f term t from destination-port 22', '1: firewall filter f term t from destination-port 80', '4: term u from protocol tcp', '4: term u from protocol udp'],
  },
  {
    name: 'a list may span lines',
    lines: ['application-set web {', '    application [ junos-http', '                  junos-https ];', '}'],
    paths: ['2: application-set web application junos-http', '2: application-set web application junos-https'],
  },
  {
    name: 'quoted strings keep their spaces and braces',
    lines: ['set interfaces ge-0/0/0 description "uplink { to ISP; }"', 'system { login { message "welcome\\n to # the box"; } }'],
    paths: ['1: interfaces ge-0/0/0 description uplink { to ISP; }', '2: system login message welcome\\n to # the box'],
  },
  {
    name: 'comments: #, ## at the end of a line, and /* */ over several lines',
    lines: ['## Last commit: 2026-01-01', '/* an annotation', '   over two lines */', 'system {', '    root-authentication {', '        encrypted-password "$6$x"; ## SECRET-DATA', '    }', '}', '# set system host-name commented-out'],
    paths: ['6: system root-authentication encrypted-password $6$x'],
  },
  {
    name: 'inactive: marks the word it precedes',
    lines: ['zones {', '    security-zone trust {', '        interfaces {', '            inactive: ge-0/0/2.0;', '        }', '    }', '    inactive: security-zone dmz {', '        interfaces ge-0/0/3.0;', '    }', '}'],
    paths: ['4: zones security-zone trust interfaces !ge-0/0/2.0', '8: zones !security-zone dmz interfaces ge-0/0/3.0'],
  },
  {
    name: 'deactivate marks the last word of its prefix, wherever the statement is; activate undoes it',
    lines: [
      'set security policies from-zone a to-zone b policy p then permit',
      'set security policies from-zone a to-zone b policy q then permit',
      'deactivate security policies from-zone a to-zone b policy p',
      'deactivate security policies from-zone a to-zone b policy q',
      'activate security policies from-zone a to-zone b policy q',
    ],
    paths: ['1: security policies from-zone a to-zone b policy !p then permit', '2: security policies from-zone a to-zone b policy q then permit'],
  },
  {
    name: 'delete removes what was set before it',
    lines: ['set system host-name a', 'set system services telnet', 'delete system services telnet', 'set system services ssh'],
    paths: ['1: system host-name a', '4: system services ssh'],
  },
  {
    name: 'protect: and replace: are read through; delete: drops the statement',
    lines: ['protect: system {', '    replace: host-name a;', '    delete: domain-name example.com;', '}'],
    paths: ['2: system host-name a'],
  },
  {
    name: 'an empty block still states its element',
    lines: ['policies {', '    from-zone a to-zone b {', '        policy empty { }', '    }', '}'],
    paths: ['3: policies from-zone a to-zone b policy empty'],
  },
  {
    name: 'a header and its brace on separate lines',
    lines: ['system', '{', '    host-name a;', '}'],
    paths: ['3: system host-name a'],
  },
  {
    name: 'a missing semicolon inside a block is noted, and the statement ends at the line end',
    lines: ['system {', '    host-name a', '    domain-name example.com;', '}'],
    paths: ['2: system host-name a', '3: system domain-name example.com'],
    problems: [{ code: 'missing-semicolon', line: 2, report: false }],
  },
  {
    name: 'a brace too many is reported; a block left open is noted',
    lines: ['system { host-name a; }', '}', 'interfaces {', '    ge-0/0/0 { unit 0; }'],
    paths: ['1: system host-name a', '4: interfaces ge-0/0/0 unit 0'],
    problems: [{ code: 'unbalanced-brace', line: 2, report: true }, { code: 'unclosed-block', line: 3, report: false }],
  },
  {
    name: 'CLI commands other than set/deactivate/activate/delete are reported',
    lines: ['edit security', 'set system host-name a', 'commit and-quit', 'annotate system "note"'],
    paths: ['2: system host-name a'],
    problems: [{ code: 'unsupported-command', line: 1, report: true }, { code: 'unsupported-command', line: 3, report: true }],
  },
  {
    name: 'a mixed file: set commands and blocks',
    lines: ['system { host-name a; }', 'set security zones security-zone trust interfaces ge-0/0/1.0'],
    paths: ['1: system host-name a', '2: security zones security-zone trust interfaces ge-0/0/1.0'],
  },
];

describe('statements: set and hierarchical syntax as one list of paths', () => {
  for (const c of cases) {
    it(c.name, () => {
      const list = readStatements(c.lines.join('\n') + '\n');
      expect(paths(list)).toEqual(c.paths);
      expect(problems(list)).toEqual(c.problems ?? []);
    });
  }

  it('numbers lines the way editors do: CRLF, lone CR', () => {
    expect(paths(readStatements('set system host-name a\r\nset system services ssh\rset system services telnet\n'))).toEqual([
      '1: system host-name a', '2: system services ssh', '3: system services telnet',
    ]);
    expect(paths(readStatements('/* a\r\n b */\r\nsystem {\r\n  host-name "x\r\ny";\r\n  domain-name d;\r\n}\r\n'))).toEqual([
      '4: system host-name x\r\ny', '6: system domain-name d',
    ]);
  });

  it('keeps each word’s own line: a policy is where its `policy` block opens', () => {
    const list = readStatements(['policies {', '  from-zone a to-zone b {', '    policy p {', '      then permit;', '    }', '  }', '}'].join('\n'));
    expect(list.statements[0]!.words.map((w) => w.line)).toEqual([1, 2, 2, 2, 2, 3, 3, 4, 4]);
  });

  it('the estate fixture gives the same paths in both syntaxes', () => {
    const text = (name: string): string[] => {
      const list = readStatements(readFileSync(FIXTURES + name, 'utf8'));
      return list.statements.map((s) => s.words.map((w) => w.text).join(' '));
    };
    const hierarchical = text('estate-edge-srx.conf');
    expect(hierarchical.length).toBeGreaterThan(80);
    expect(text('estate-edge-srx.set.conf')).toEqual(hierarchical);
  });

  it('lists multiply, the first list changing slowest; past 4,096 statements only the first are read, and said so', () => {
    expect(paths(readStatements('set a [ b c ] x [ d e ]\nf [ g h ] [ i ];\n'))).toEqual(['1: a b x d', '1: a b x e', '1: a c x d', '1: a c x e', '2: f g i', '2: f h i']);
    const many = readStatements(`set p ${'[ a b ] '.repeat(20)}\n`);
    expect(many.statements.length).toBe(4096);
    expect(many.statements[0]!.words.map((w) => w.text).join('')).toBe(`p${'a'.repeat(20)}`);
    expect(many.statements[4095]!.words.map((w) => w.text).join('')).toBe(`p${'a'.repeat(8)}${'b'.repeat(12)}`);
    expect(many.problems.map((p) => [p.line, p.report, p.message])).toEqual([[1, true, 'lists expand to 1048576 statements; only the first 4096 are read']]);
  });

  it('a line of a thousand lists makes no more than 262,144 words of statements (was 4,096 statements of 2,000 words)', () => {
    const list = readStatements(`x ${'[ a b ] y '.repeat(1_000)};\n`);
    expect(list.statements.length).toBe(131); // 262,144 words / 2,001 words a statement
    expect(list.statements.every((st) => st.words.length === 2_001)).toBe(true);
    expect(list.problems.map((p) => p.message)).toEqual(['lists expand to more than 2^53 statements; only the first 131 are read']);
  });

  it('never throws, whatever the input', () => {
    const hostile = [
      '{'.repeat(5000) + '}'.repeat(4999),
      '"unterminated string\n'.repeat(10),
      '/* unterminated comment',
      '[ [ [ ] ] ]; ; ; } } {',
      'set ' + 'a '.repeat(20000),
      'x [ ' + Array.from({ length: 100 }, (_, i) => `v${i}`).join(' ') + ' ] y [ ' + Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ') + ' ];',
      '\u0000\u0001\uFFFF\uFEFFset system host-name \u00e9',
    ];
    for (const text of hostile) expect(() => readStatements(text)).not.toThrow();
  });
});
