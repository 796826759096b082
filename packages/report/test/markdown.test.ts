import { describe, expect, it } from 'vitest';
import { compareWithBaseline, createBaseline } from '@portcullis/engine';
import { escapeMarkdown, markdownReport } from '@portcullis/report';
import { RDP, SSH, TELNET, estate, filterTable, scanAt } from './helpers.js';

describe('escapeMarkdown', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['a | b', 'a \\| b'],
    ['<script>x</script>', '&lt;script&gt;x&lt;/script&gt;'],
    ['tcp 8443 -> 10.0.0.1:443', 'tcp 8443 -&gt; 10.0.0.1:443'],
    ['*bold* _it_ `code` [link](x)', '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x)'],
    ['line\nbreak', 'line break'],
    ['&amp;', '&amp;amp;'],
  ];
  for (const [text, escaped] of cases) {
    it(JSON.stringify(text), () => {
      expect(escapeMarkdown(text)).toBe(escaped);
    });
  }
});

describe('--format markdown', () => {
  const dir = estate({
    'b.iptables-save': filterTable(SSH, '# portcullis-ignore no-telnet -- lab console', TELNET),
    'a.iptables-save': filterTable(RDP, TELNET),
  });
  const result = scanAt(dir, ['.']);
  const docs = 'https://example.com/portcullis/blob/main/docs/rules';
  const md = markdownReport(result, { docsUrl: docs });
  const lines = md.split('\n');

  it('starts with the count and a table by severity', () => {
    expect(lines.slice(0, 12)).toEqual([
      '## Portcullis: 3 findings',
      '',
      '2 files scanned · 1 suppressed',
      '',
      '| Severity | Findings |',
      '|:--|--:|',
      '| critical | 1 |',
      '| high | 1 |',
      '| medium | 1 |',
      '| low | 0 |',
      '| info | 0 |',
      '',
    ]);
  });

  it('groups findings by file, each row linking its rule\'s docs page', () => {
    const headings = lines.filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### `a.iptables-save`', '### `b.iptables-save`']);
    const rows = lines.filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toEqual([
      `| 5 | high | [\`no-public-rdp\`](${docs}/no-public-rdp.md) | RDP (3389/tcp) on a is reachable from anywhere (0.0.0.0/0) |`,
      `| 6 | critical | [\`no-telnet\`](${docs}/no-telnet.md) | Telnet (23/tcp) on a is open to new connections from anywhere (0.0.0.0/0) |`,
      `| 5 | medium | [\`no-public-ssh\`](${docs}/no-public-ssh.md) | SSH (22/tcp) on b is reachable from anywhere (0.0.0.0/0) |`,
    ]);
  });

  it('gives each finding a collapsed details block', () => {
    expect(lines.filter((l) => l === '<details>')).toHaveLength(3);
    const at = lines.indexOf('<summary>critical · line 6 · no-telnet · Telnet (23/tcp) on a is open to new connections from anywhere (0.0.0.0/0)</summary>');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '',
      `- **Rule:** [\`no-telnet\`](${docs}/no-telnet.md) — Telnet is open`,
      '- **Where:** `a.iptables-save:6`',
      '- **Reachable:** a, tcp 23 from `0.0.0.0/0`',
    ]);
  });

  it('links to the repository\'s docs/rules by default', () => {
    expect(markdownReport(result)).toContain('[`no-telnet`](docs/rules/no-telnet.md)');
  });

  it('a suppressed finding is counted, not listed', () => {
    expect(md).not.toContain('b.iptables-save:7');
  });

  it('with a baseline: only new findings, and the counts', () => {
    const baseline = compareWithBaseline(result.findings, createBaseline(result.findings.filter((f) => f.ruleId !== 'no-telnet')), 'baseline.json');
    const withBaseline = markdownReport(result, { baseline }).split('\n');
    expect(withBaseline[0]).toBe('## Portcullis: 1 finding');
    expect(withBaseline[2]).toBe('2 files scanned · 1 suppressed · 2 already in the baseline · 0 fixed since the baseline');
  });

  it('no findings, and diagnostics in a collapsed table', () => {
    const quiet = scanAt(estate({ 'fw.iptables-save': filterTable('garbage | <b>here</b>') }), ['.']);
    const out = markdownReport(quiet).split('\n');
    expect(out[0]).toBe('## Portcullis: no findings');
    expect(out).toContain('<summary>1 diagnostic (0 errors)</summary>');
    expect(out).toContain("| `fw.iptables-save` | 5 | warning | `unrecognised-line` | not an iptables-save line: 'garbage \\| &lt;b&gt;here&lt;/b&gt;' |");
  });
});
