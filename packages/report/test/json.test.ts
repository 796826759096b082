import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '@portcullis/engine';
import { exposureJson, htmlReport, jsonReport, jsonReportParts, markdownReport, sarifReport } from '@portcullis/report';
import { MAX_FINDING_SOURCES, exposureRows } from '@portcullis/engine';
import { jsonInPieces, placeholder } from '../src/pieces.js';
import { estate, filterTable, repoRoot, scanAt } from './helpers.js';

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

describe('a document written in pieces', () => {
  it('is JSON.stringify of the whole document, wherever the long array sits and however many items it has', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 600 }), fc.integer({ min: 1, max: 5 }), fc.dictionary(fc.string(), value, { maxKeys: 3 }), (items, depth, extra) => {
        // The array `depth` levels in: inside objects (with other keys around it) and arrays.
        const marker = placeholder();
        let doc: unknown = marker;
        let full: unknown = items;
        for (let level = depth - 1; level > 0; level--) {
          doc = level % 2 ? { ...extra, list: doc, after: 1 } : [doc, 'x'];
          full = level % 2 ? { ...extra, list: full, after: 1 } : [full, 'x'];
        }
        const text = [...jsonInPieces(doc, marker, depth, items, (x) => x)].join('');
        expect(text).toBe(`${JSON.stringify(full, null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('makes the same SARIF log as one JSON.stringify, with results in several pieces', () => {
    const result = scanAt(repoRoot, ['fixtures/demo']);
    const many = { ...result, findings: Array.from({ length: 700 }, (_, i) => result.findings[i % result.findings.length]!) };
    for (const r of [result, many, { ...result, findings: [] }]) {
      const text = sarifReport(r);
      expect(text).toBe(whole(text));
      expect((JSON.parse(text) as { runs: { results: unknown[] }[] }).runs[0]!.results).toHaveLength(r.findings.length);
    }
  });

  it('makes the same exposure table as one JSON.stringify of its rows, in several pieces', () => {
    const result = scanAt(repoRoot, ['fixtures']);
    const rows = exposureRows(result.exposures);
    expect(rows.length).toBeGreaterThan(256);
    const text = exposureJson(result);
    expect(text).toBe(whole(text));
    expect((JSON.parse(text) as { exposures: unknown[] }).exposures).toEqual(JSON.parse(JSON.stringify(rows)));
  });
});

describe('a finding whose sources are more blocks than it lists', () => {
  // Everyone but 400 scattered networks reaches an ephemeral UDP port: thousands of blocks.
  const nets = Array.from({ length: 400 }, (_, i) => `${20 + (i % 180)}.${(i * 37) % 256}.${(i * 11) % 256}.0/24`);
  const dir = estate({ 'edge.rules': filterTable(...nets.map((n) => `-A INPUT -s ${n} -j DROP`), '-A INPUT -p udp -m udp --dport 50000 -j ACCEPT') });
  const result = scanAt(dir, ['edge.rules']);
  const finding = result.findings.find((f) => f.exposure?.protocol === 'udp')!;
  const total = finding.exposure!.fromBlocks!;

  it('says how many there are in the JSON report and in SARIF, and lists the first of them', () => {
    expect(total).toBeGreaterThan(MAX_FINDING_SOURCES);
    const json = JSON.parse(jsonReport(result)) as { findings: { exposure?: { from: string[]; fromBlocks?: number } }[] };
    const shown = json.findings.find((f) => f.exposure?.fromBlocks !== undefined)!;
    expect(shown.exposure!.from).toHaveLength(MAX_FINDING_SOURCES);
    expect(shown.exposure!.fromBlocks).toBe(total);
    const sarif = JSON.parse(sarifReport(result)) as { runs: { results: { properties: { exposure?: { fromBlocks?: number } } }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.properties.exposure?.fromBlocks).filter((n) => n !== undefined)).toEqual([total]);
  });

  it('gives their number, not the length of the list, in Markdown and HTML', () => {
    expect(markdownReport(result)).toContain(`(${total} blocks)`);
    expect(htmlReport(result)).toContain(`(${total} blocks)`);
  });

  it('while the exposure table lists every block', () => {
    const rows = JSON.parse(exposureJson(result)) as { exposures: { protocol: string; from: string[] }[] };
    expect(rows.exposures.find((r) => r.protocol === 'udp')!.from).toHaveLength(total);
  });
});
