import { describe, expect, it } from 'vitest';
import { isCalendarDay, scan, type ScanResult } from '@portcullis/engine';
import { repoRoot } from './helpers.js';

/** Scans one fixture from the repository root, without a config, on a given day. */
function scanOn(file: string, day: string): ScanResult {
  return scan({ paths: [file], cwd: repoRoot, config: false, now: new Date(`${day}T12:00:00Z`) });
}

/** `rule@line`, with ` (suppressed)` when it is. */
const keys = (r: ScanResult): string[] => r.findings.map((f) => `${f.ruleId}@${f.location.line}${f.suppressed ? ' (suppressed)' : ''}`);
const codes = (r: ScanResult): string[] => r.diagnostics.map((d) => `${d.line ?? '-'} ${d.severity} ${d.code}`);

describe('an inline suppression with `until`, by a fixed clock', () => {
  const file = 'fixtures/suppressions/inline-until.iptables-save';
  const cases: { day: string; findings: string[]; diagnostics: string[] }[] = [
    { day: '2027-01-15', findings: ['no-telnet@7 (suppressed)', 'no-public-rdp@8'], diagnostics: [] },
    // The day itself still counts.
    { day: '2027-03-31', findings: ['no-telnet@7 (suppressed)', 'no-public-rdp@8'], diagnostics: [] },
    { day: '2027-04-01', findings: ['no-telnet@7', 'no-public-rdp@8'], diagnostics: ['6 warning suppression-expired'] },
  ];
  for (const c of cases) {
    it(`on ${c.day}`, () => {
      const r = scanOn(file, c.day);
      expect(keys(r)).toEqual(c.findings);
      expect(codes(r)).toEqual(c.diagnostics);
    });
  }

  it('says when it expired, and that the finding is back', () => {
    expect(scanOn(file, '2027-04-01').diagnostics[0]!.message).toBe(
      'portcullis-ignore no-telnet expired on 2027-03-31; the finding is reported again',
    );
  });

  it('records kind, reason and date on the suppressed finding', () => {
    expect(scanOn(file, '2027-01-15').findings[0]!.suppression).toEqual({
      kind: 'inSource',
      reason: 'lab console on an isolated VLAN; the switch goes in Q1',
      until: '2027-03-31',
    });
  });
});

describe('suppressions that match nothing, or cannot be read', () => {
  const file = 'fixtures/suppressions/unused-suppression.iptables-save';
  const r = scanOn(file, '2027-01-15');

  it('suppress what they can', () => {
    expect(keys(r)).toEqual(['no-public-ssh@7', 'no-telnet@9 (suppressed)', 'no-public-vnc@11', 'no-plaintext-protocol@13 (suppressed)']);
  });

  it('warn, each with its line and what it names', () => {
    expect(r.diagnostics.map((d) => `${d.line} ${d.code}: ${d.message}`)).toEqual([
      '6 unused-suppression: portcullis-ignore no-public-rdp matches no finding on line 6 or 7',
      '8 unused-suppression: portcullis-ignore no-telnet,no-public-vnc: no-public-vnc matches no finding on line 8 or 9',
      '10 suppression-bad-date: portcullis-ignore no-public-vnc: until someday is not a calendar day (YYYY-MM-DD), so it suppresses nothing',
    ]);
  });

  it('a finding covered by two suppressions uses both', () => {
    expect(r.diagnostics.filter((d) => d.line === 12 || d.line === 13)).toEqual([]);
  });
});

describe('the existing iptables suppression fixture', () => {
  const file = 'fixtures/netfilter/comments-and-suppressions.iptables-save';
  it.each([
    { day: '2026-06-30', findings: ['no-public-ssh@7 (suppressed)', 'no-telnet@8 (suppressed)'], diagnostics: [] as string[] },
    { day: '2026-07-01', findings: ['no-public-ssh@7 (suppressed)', 'no-telnet@8'], diagnostics: ['8 warning suppression-expired'] },
  ])('on $day', ({ day, findings, diagnostics }) => {
    const r = scanOn(file, day);
    expect(keys(r).filter((k) => k.startsWith('no-public-ssh') || k.startsWith('no-telnet'))).toEqual(findings);
    expect(codes(r).filter((c) => c.includes('suppression'))).toEqual(diagnostics);
  });
});

describe('isCalendarDay', () => {
  const cases: [string, boolean][] = [
    ['2027-03-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2027-13-01', false],
    ['2027-3-31', false],
    ['someday', false],
    ['2027-03-31T00:00', false],
  ];
  for (const [text, ok] of cases) {
    it(`${text}: ${ok}`, () => {
      expect(isCalendarDay(text)).toBe(ok);
    });
  }
});
