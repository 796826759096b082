import { describe, expect, it } from 'vitest';
import { compareWithBaseline, createBaseline } from '@portcullis/engine';
import { escapeData, escapeProperty, githubReport } from '@portcullis/report';
import { RDP, SSH, TELNET, estate, filterTable, scanAt } from './helpers.js';

describe('workflow command escaping', () => {
  // The Actions runner's rules: data escapes %, CR and LF; property values also : and ,.
  const cases: { text: string; data: string; property: string }[] = [
    { text: 'plain', data: 'plain', property: 'plain' },
    { text: '100%', data: '100%25', property: '100%25' },
    { text: 'a\nb\r\nc', data: 'a%0Ab%0D%0Ac', property: 'a%0Ab%0D%0Ac' },
    { text: 'no-telnet: open, really', data: 'no-telnet: open, really', property: 'no-telnet%3A open%2C really' },
    { text: '%0A', data: '%250A', property: '%250A' },
    { text: '::error::', data: '::error::', property: '%3A%3Aerror%3A%3A' },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.text), () => {
      expect(escapeData(c.text)).toBe(c.data);
      expect(escapeProperty(c.text)).toBe(c.property);
    });
  }
});

describe('--format github', () => {
  const dir = estate({
    'edge/fw.iptables-save': filterTable(SSH, '# portcullis-ignore no-telnet -- lab console', TELNET, RDP, 'not a rule, 100% garbage'),
  });
  const result = scanAt(dir, ['.']);

  it('one annotation per reported finding and diagnostic, by severity, then a summary', () => {
    expect(githubReport(result).split('\n')).toEqual([
      '::warning file=edge/fw.iptables-save,line=5,title=no-public-ssh (medium)%3A SSH is reachable from anywhere::SSH (22/tcp) on fw is reachable from anywhere (0.0.0.0/0)',
      '::error file=edge/fw.iptables-save,line=8,title=no-public-rdp (high)%3A Remote Desktop is reachable from anywhere::RDP (3389/tcp) on fw is reachable from anywhere (0.0.0.0/0)',
      "::warning file=edge/fw.iptables-save,line=9,col=1,title=portcullis%3A unrecognised-line::not an iptables-save line: 'not a rule, 100%25 garbage'",
      'portcullis: 2 findings; 1 file scanned, 1 suppressed',
      '',
    ]);
  });

  it('leaves baselined findings out and counts them', () => {
    const baseline = compareWithBaseline(result.findings, createBaseline(result.findings.filter((f) => f.ruleId === 'no-public-ssh')), 'baseline.json');
    const lines = githubReport(result, { baseline }).split('\n');
    expect(lines.filter((l) => l.startsWith('::')).map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::error', '::warning']);
    expect(lines.at(-2)).toBe('portcullis: 1 finding; 1 file scanned, 1 suppressed, 1 in the baseline, 0 fixed since the baseline');
  });

  it('a diagnostic without a file or line names neither', () => {
    const missing = scanAt(dir, ['nope.iptables-save']);
    expect(githubReport(missing).split('\n')[0]).toBe('::error file=nope.iptables-save,title=portcullis%3A unreadable-path::cannot read: ENOENT');
  });

  it('a low finding is a notice', () => {
    const low = estate({ 'fw.iptables-save': filterTable(TELNET), 'portcullis.yaml': 'rules:\n  no-telnet: low\n' });
    expect(githubReport(scanAt(low, ['fw.iptables-save'], { config: 'portcullis.yaml' })).split('\n')[0]).toMatch(/^::notice file=fw\.iptables-save,line=5,title=no-telnet \(low\)/);
  });
});
