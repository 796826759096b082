import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '@portcullis/engine';
import { jsonReport, jsonReportParts } from '@portcullis/report';
import { repoRoot, scanAt } from './helpers.js';

/** What a JSON report holds, written in one piece by JSON.stringify: what the pieces must add up to. */
const whole = (text: string): string => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;

describe('JSON report', () => {
  it.each(['fixtures/demo', 'fixtures/netfilter', 'fixtures/cloud', 'fixtures/router', 'fixtures'])('written a few hundred findings at a time is exactly the report JSON.stringify writes (%s)', (fixture) => {
    const result = scanAt(repoRoot, [fixture]);
    expect(result.findings.length).toBeGreaterThan(0);
    const text = jsonReport(result);
    expect(text).toBe(whole(text));
    // One piece per 256 findings, between the head and the tail.
    expect([...jsonReportParts(result)]).toHaveLength(Math.ceil(result.findings.length / 256) + 3);
    const report = JSON.parse(text) as { findings: { fingerprint: string }[]; diagnostics: unknown[] };
    expect(report.findings.map((f) => f.fingerprint)).toEqual(result.findings.map((f) => f.fingerprint));
    expect(report.diagnostics).toEqual(JSON.parse(JSON.stringify(result.diagnostics)));
  });

  it('is the same with no findings and no diagnostics, with several pieces of findings, and with a baseline', () => {
    const result = scanAt(repoRoot, ['fixtures/demo']);
    const many = { ...result, findings: Array.from({ length: 600 }, (_, i) => result.findings[i % result.findings.length]!) };
    const long = jsonReport(many);
    expect(long).toBe(whole(long));
    expect((JSON.parse(long) as { findings: unknown[] }).findings).toHaveLength(600);
    const empty = jsonReport({ ...result, findings: [], diagnostics: [] });
    expect(empty).toBe(whole(empty));
    expect(JSON.parse(empty)).toMatchObject({ findings: [], diagnostics: [], stats: { findings: 0 } });
    const [first, ...rest] = result.findings;
    const baseline = compareWithBaseline(result.findings, { version: 1, findings: [{ fingerprint: first!.fingerprint, ruleId: first!.ruleId }] }, 'baseline.json');
    const text = jsonReport(result, { baseline });
    expect(text).toBe(whole(text));
    expect(JSON.parse(text)).toMatchObject({
      findings: [{ baselineState: 'unchanged' }, ...rest.map(() => ({ baselineState: 'new' }))],
      stats: { baselined: first!.suppressed ? 0 : 1, fixed: 0 },
    });
  });
});
