// The formatters on a real scan result. The CLI tests cover what a user sees through a pipe; these
// cover what only a terminal gets (colours) and the docs page wording.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltinRules, scan } from '@portcullis/engine';
import { exposureText, ruleMarkdown, textReport } from '@portcullis/report';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'fw.iptables-save'),
  ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT', 'COMMIT', ''].join('\n'),
);
const result = scan({ paths: ['fw.iptables-save'], cwd: dir, config: false });

// Colours are ESC [ n m sequences; matching them needs the control character.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+m/g;
const strip = (s: string): string => s.replace(ANSI, '');

describe('colours', () => {
  const cases: { name: string; render: (color: boolean) => string }[] = [
    { name: 'textReport', render: (color) => textReport(result, { color }) },
    { name: 'exposureText', render: (color) => exposureText(result, { color }) },
  ];
  for (const c of cases) {
    it(`${c.name}: ANSI codes only when asked, and the same text either way`, () => {
      const plain = c.render(false);
      const coloured = c.render(true);
      expect(plain).not.toContain('\u001b[');
      expect(coloured).toContain('\u001b[');
      expect(strip(coloured)).toBe(plain);
    });
  }

  it('the finding line is painted by severity: critical in magenta', () => {
    expect(textReport(result, { color: true })).toContain('\u001b[35mcritical\u001b[0m');
  });
});

describe('ruleMarkdown', () => {
  const rules = loadBuiltinRules();
  const matchLine = (id: string): string | undefined =>
    ruleMarkdown(rules.find((r) => r.id === id)!)
      .split('\n')
      .find((l) => l.startsWith('- Matches: '));

  const cases: { id: string; line: string }[] = [
    { id: 'no-public-ssh', line: '- Matches: protocol tcp, ports 22, reachable from anywhere (all public IPv4 or IPv6 space)' },
    { id: 'no-telnet', line: '- Matches: protocol tcp, ports 23, reachable from any source' },
    { id: 'no-public-all-ports', line: '- Matches: every port, reachable from anywhere (all public IPv4 or IPv6 space)' },
  ];
  for (const c of cases) {
    it(`says what ${c.id} matches in words`, () => {
      expect(matchLine(c.id)).toBe(c.line);
    });
  }

  it('a check rule names its analysis instead', () => {
    const page = ruleMarkdown(rules.find((r) => r.id === 'no-default-accept')!);
    expect(page).toContain('\n- Check: built-in analysis `default-accept`\n');
    expect(page).not.toContain('- Matches:');
  });
});
