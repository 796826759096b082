import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scan } from '@portcullis/engine';
import { formatReport, htmlReport, markdownAuditReport } from '@portcullis/report';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const demo = () => scan({ paths: ['fixtures/demo'], cwd: repoRoot, config: 'fixtures/demo/portcullis.yaml', now: new Date('2026-11-26T00:00:00Z') });

describe('the Markdown audit layout', () => {
  it('has the summary, the matrix, findings by severity then rule, suppressions and coverage, in that order', () => {
    const md = markdownAuditReport(demo());
    const headings = md.split('\n').filter((l) => /^#{1,3} /.test(l));
    expect(headings).toEqual([
      '# Portcullis audit report',
      '## Summary',
      '## Exposure matrix',
      '## Findings',
      '### critical (2)',
      '### high (6)',
      '### medium (4)',
      '## Suppressed',
      '## What this report is based on',
    ]);
    expect(md).toContain('**Risk score: 52** (critical × 10, high × 4, medium × 2, low × 1, info × 0)');
  });

  it('shows the same exposure matrix as the HTML report', () => {
    const result = demo();
    const md = markdownAuditReport(result);
    expect(md).toContain('| office-gateway |  | · |  | **M** | **C** |  |  |  |  |  |  |');
    // The same cells in the HTML: Telnet critical, SSH medium, ICMP reachable without a finding.
    const html = htmlReport(result, { cwd: repoRoot });
    const row = /<tr><th scope="row">office-gateway<\/th>(.*?)<\/tr>/.exec(html)![1]!;
    expect([...row.matchAll(/<td([^>]*)>/g)].map((m) => /sev-(\w+)|class="open"/.exec(m[1]!)?.[0] ?? '')).toEqual([
      '', 'class="open"', '', 'sev-medium', 'sev-critical', '', '', '', '', '', '',
    ]);
  });

  it('is what --format markdown gives with layout audit, and the PR layout stays the default', () => {
    const result = demo();
    expect(formatReport(result, 'markdown', { color: false, layout: 'audit' })).toBe(markdownAuditReport(result));
    expect(formatReport(result, 'markdown', { color: false })).toMatch(/^## Portcullis: 12 findings/);
  });

  it('escapes what comes from the inputs', () => {
    const result = scan({ paths: ['fixtures/report/xss'], cwd: repoRoot, config: false });
    const md = markdownAuditReport(result);
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;');
  });
});
