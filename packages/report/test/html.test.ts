import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, formatReport, htmlReport, REPORT_FORMATS } from '@portcullis/report';
import { estate, repoRoot, scanAt } from './helpers.js';

describe('escapeHtml', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['</script><script>alert(1)</script>', '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a "b" \'c\'', 'a &quot;b&quot; &#39;c&#39;'],
    ['&amp;', '&amp;amp;'],
  ];
  for (const [text, escaped] of cases) {
    it(JSON.stringify(text), () => {
      expect(escapeHtml(text)).toBe(escaped);
    });
  }
});

describe('--format html of the demo estate', () => {
  const result = scanAt(repoRoot, ['fixtures/demo'], { config: 'fixtures/demo/portcullis.yaml' });
  const html = htmlReport(result, { cwd: repoRoot });

  it('is registered as a report format', () => {
    expect(REPORT_FORMATS).toContain('html');
    expect(formatReport(result, 'html', { color: false, cwd: repoRoot })).toBe(html);
  });

  it('is one self-contained document: no external resource, a CSP that forbids any', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    // Links to references are navigation, not resources: nothing is loaded from anywhere.
    expect(html).not.toMatch(/\ssrc=/);
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('has the summary, matrix, findings, suppressions and inventory sections in order', () => {
    const ids = [...html.matchAll(/<section id="([a-z]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['summary', 'matrix', 'findings', 'suppressions', 'inventory', ...(ids.includes('diagnostics') ? ['diagnostics'] : [])]);
    expect(html).toMatch(/<svg role="img" aria-label="Findings by severity and by rule"/);
    expect(html).toMatch(/<strong>Risk score: \d+<\/strong>/);
  });

  it('lists every reported finding once, worst severity first', () => {
    const reported = result.findings.filter((f) => !f.suppressed);
    const severities = [...html.matchAll(/<article class="finding[^"]*" id="finding-\d+" data-finding data-severity="([a-z]+)"/g)].map((m) => m[1]);
    expect(severities).toHaveLength(reported.length);
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    expect([...severities].sort((a, b) => order.indexOf(a!) - order.indexOf(b!))).toEqual(severities);
  });

  it('links every matrix cell to a finding in the report', () => {
    const matrix = html.slice(html.indexOf('<section id="matrix"'), html.indexOf('<section id="findings"'));
    const links = [...matrix.matchAll(/href="#(finding-\d+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const id of links) expect(html).toContain(`id="${id}"`);
  });

  it('shows the source with context, the remediation, and the suppressions with their reasons', () => {
    expect(html).toMatch(/<span class="hit"><span class="ln">\s*46 {2}<\/span>resource &quot;aws_security_group_rule&quot; &quot;db_debug&quot; \{<\/span>/);
    expect(html).toContain('<dt>How to fix</dt>');
    expect(html).toContain('public read-only catalogue, ticket OPS-118');
    expect(html).toContain('2027-06-30');
  });

  it('gives the parse coverage of every scanned file', () => {
    const inventory = html.slice(html.indexOf('<section id="inventory"'));
    for (const file of result.files) expect(inventory).toContain(`<tr><td><code>${escapeHtml(file.path)}</code></td><td>${escapeHtml(file.format)}</td><td class="num">${file.lines.total}</td>`);
  });

  it('is the same every time', () => {
    const again = scanAt(repoRoot, ['fixtures/demo'], { config: 'fixtures/demo/portcullis.yaml' });
    expect(htmlReport(again, { cwd: repoRoot })).toBe(html);
  });
});

describe('--format html of hostile input (fixtures/report/xss)', () => {
  const result = scanAt(repoRoot, ['fixtures/report/xss']);
  const html = htmlReport(result, { cwd: repoRoot });

  it('renders comments and suppression reasons as text', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('</script><script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<td>&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &#39;too&#39;</td>');
  });

  it('has exactly one script, the report\'s own, with no data in it', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).not.toMatch(/alert|innerHTML|gateway/);
  });
});

describe('portcullis report (the built CLI)', () => {
  it('scans, writes portcullis-report.html in the working folder and prints its path', () => {
    const dir = estate({});
    const cli = join(repoRoot, 'packages/cli/bin/portcullis.js');
    const stdout = execFileSync(process.execPath, [cli, 'report', join(repoRoot, 'fixtures/report/xss')], { cwd: dir, encoding: 'utf8' });
    expect(stdout).toBe(`${join(dir, 'portcullis-report.html')}\n`);
    const html = readFileSync(join(dir, 'portcullis-report.html'), 'utf8');
    expect(html).toContain('<h1>Portcullis audit report</h1>');
    // The source lines are found although the scanned files are outside the working folder.
    expect(html).toContain('--comment &quot;&lt;img src=x onerror=alert(1)&gt;&quot;');
  });
});
