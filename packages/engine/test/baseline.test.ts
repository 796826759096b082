import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '@portcullis/model';
import { baselineJson, compareWithBaseline, createBaseline, readBaseline, scan, type Baseline, type Finding } from '@portcullis/engine';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scans one iptables-save filter table (the given rules start on line 5) written to `name` in the temp folder. */
function scanRules(name: string, ...rules: string[]): Finding[] {
  writeFileSync(join(dir, name), ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n'));
  return scan({ paths: [name], cwd: dir, config: false, now: new Date('2027-01-15T00:00:00Z') }).findings;
}

const SSH = '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT';
const TELNET = '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT';
const RDP = '-A INPUT -p tcp -m tcp --dport 3389 -j ACCEPT';

const state = (findings: Finding[], baseline: Baseline): string[] => {
  const c = compareWithBaseline(findings, baseline, 'baseline.json');
  return findings.map((f) => `${f.ruleId}@${f.location.line} ${c.unchanged.has(f) ? 'unchanged' : 'new'}`);
};

describe('compareWithBaseline', () => {
  const before = scanRules('fw.iptables-save', SSH, TELNET);
  const baseline = createBaseline(before);

  it('records every finding that is not suppressed, with a version', () => {
    expect(baseline.version).toBe(1);
    expect(baseline.findings.map((e) => `${e.ruleId} ${e.file}:${e.line}`)).toEqual(['no-public-ssh fw.iptables-save:5', 'no-telnet fw.iptables-save:6']);
  });

  const cases: { name: string; rules: string[]; states: string[]; fixed: string[] }[] = [
    { name: 'nothing changed', rules: [SSH, TELNET], states: ['no-public-ssh@5 unchanged', 'no-telnet@6 unchanged'], fixed: [] },
    { name: 'a new open port', rules: [SSH, TELNET, RDP], states: ['no-public-ssh@5 unchanged', 'no-telnet@6 unchanged', 'no-public-rdp@7 new'], fixed: [] },
    { name: 'rules moved down by a new line above them', rules: [RDP, SSH, TELNET], states: ['no-public-rdp@5 new', 'no-public-ssh@6 unchanged', 'no-telnet@7 unchanged'], fixed: [] },
    { name: 'Telnet closed', rules: [SSH], states: ['no-public-ssh@5 unchanged'], fixed: ['no-telnet'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const after = scanRules('fw.iptables-save', ...c.rules);
      expect(state(after, baseline)).toEqual(c.states);
      expect(compareWithBaseline(after, baseline, 'baseline.json').fixed.map((e) => e.ruleId)).toEqual(c.fixed);
    });
  }

  it('a fingerprint the baseline holds once matches one finding, in report order', () => {
    const finding = (line: number): Finding => ({
      ruleId: 'no-telnet',
      severity: 'critical',
      message: 'Telnet',
      location: { file: 'fw.iptables-save', line },
      fingerprint: 'same',
      suppressed: false,
    });
    const twice = [finding(6), finding(9)];
    const once: Baseline = { version: 1, findings: [{ fingerprint: 'same', ruleId: 'no-telnet' }] };
    expect(state(twice, once)).toEqual(['no-telnet@6 unchanged', 'no-telnet@9 new']);
    const thrice: Baseline = { version: 1, findings: [0, 1, 2].map(() => ({ fingerprint: 'same', ruleId: 'no-telnet' })) };
    expect(compareWithBaseline(twice, thrice, 'b.json').fixed).toHaveLength(1);
  });

  it('a finding suppressed since the baseline is neither new nor fixed', () => {
    const after = scanRules('fw.iptables-save', SSH, '# portcullis-ignore no-telnet -- lab console', TELNET);
    const c = compareWithBaseline(after, baseline, 'baseline.json');
    expect(after.map((f) => `${f.ruleId} ${f.suppressed}`)).toEqual(['no-public-ssh false', 'no-telnet true']);
    expect(c.fixed).toEqual([]);
  });

  it('leaves suppressed findings out of a new baseline', () => {
    const suppressed = scanRules('fw.iptables-save', SSH, '# portcullis-ignore no-telnet -- lab console', TELNET);
    expect(createBaseline(suppressed).findings.map((e) => e.ruleId)).toEqual(['no-public-ssh']);
  });
});

describe('readBaseline', () => {
  const good = createBaseline(scanRules('read.iptables-save', SSH));
  const cases: { name: string; text: string | undefined; messages: string[] }[] = [
    { name: 'a baseline it wrote', text: baselineJson(good), messages: [] },
    { name: 'a missing file', text: undefined, messages: ['cannot read: ENOENT'] },
    { name: 'not JSON', text: '{"version": 1,', messages: [expect.stringMatching(/^not valid JSON: /) as unknown as string] },
    { name: 'another version', text: '{"version": 2, "findings": []}', messages: ['version: must be equal to constant'] },
    { name: 'an entry without a fingerprint', text: '{"version": 1, "findings": [{"ruleId": "no-telnet"}]}', messages: ['findings.0: missing required key "fingerprint"'] },
    { name: 'an unknown key', text: '{"version": 1, "findings": [], "extra": true}', messages: ['(top level): unknown key "extra"'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const file = join(dir, `${c.name.replace(/\W+/g, '-')}.json`);
      if (c.text !== undefined) writeFileSync(file, c.text);
      const diagnostics: Diagnostic[] = [];
      const read = readBaseline(file, 'baseline.json', diagnostics);
      expect(diagnostics.map((d) => d.message)).toEqual(c.messages);
      expect(diagnostics.every((d) => d.file === 'baseline.json' && d.severity === 'error' && d.code === 'invalid-baseline')).toBe(true);
      expect(read === undefined).toBe(c.messages.length > 0);
    });
  }
});
