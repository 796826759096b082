import { createRequire } from 'node:module';
import type * as XmlBuilder from 'xmlbuilder2';
import type { Finding, ScanResult } from '@portcullis/engine/core';
import { TOOL } from './json.js';
import { SEVERITY_ORDER, plural, type ReportOptions } from './shared.js';

/** Attribute values on one line: XML parsers turn line breaks in attributes into spaces anyway. */
const attr = (text: string): string => text.replace(/\s+/g, ' ').trim();

const findingLine = (f: Finding): string => `${f.location.file}:${f.location.line}: ${f.severity}: ${f.message} [${f.fingerprint}]`;

/**
 * JUnit XML for GitLab's and Jenkins' test reports: a test suite per rule and in it a test case per
 * scanned file. A case fails when the rule has reported findings in that file (one `<failure>`
 * carrying all of them, its `type` the worst severity); it is skipped when all its findings are
 * suppressed; baselined findings pass, noted in `<system-out>`. Files with error diagnostics get a
 * case with an `<error>` in the `portcullis` suite, so a file that could not be read does not pass.
 */
export function junitReport(result: ScanResult, options: Partial<ReportOptions> = {}): string {
  const files = [...new Set([...result.files.map((f) => f.path), ...result.findings.map((f) => f.location.file)])].sort();
  const byCase = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const key = `${f.ruleId}\u0000${f.location.file}`;
    byCase.set(key, [...(byCase.get(key) ?? []), f]);
  }
  const ruleIds = [...new Set([...result.rules.map((r) => r.definition.id), ...result.findings.map((f) => f.ruleId)])];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };

  // Loaded when a JUnit report is asked for, not by every scan.
  const { create } = createRequire(import.meta.url)('xmlbuilder2') as typeof XmlBuilder;
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const root = doc.ele('testsuites', { name: TOOL.name });
  for (const id of ruleIds) {
    const suite = root.ele('testsuite', { name: id });
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const file of files) {
      counts.tests++;
      const all = byCase.get(`${id}\u0000${file}`) ?? [];
      const testcase = suite.ele('testcase', { name: file, classname: id, file, time: '0' });
      const reported = all.filter((f) => !f.suppressed && !options.baseline?.unchanged.has(f));
      const baselined = all.filter((f) => !f.suppressed && options.baseline?.unchanged.has(f));
      const suppressed = all.filter((f) => f.suppressed);
      if (reported.length > 0) {
        counts.failures++;
        const worst = SEVERITY_ORDER.find((s) => reported.some((f) => f.severity === s))!;
        const message = reported.length === 1 ? reported[0]!.message : `${plural(reported.length, 'finding')}; the first: ${reported[0]!.message}`;
        testcase.ele('failure', { message: attr(message), type: worst }).txt(reported.map(findingLine).join('\n'));
      } else if (suppressed.length > 0 && baselined.length === 0) {
        counts.skipped++;
        const reasons = [...new Set(suppressed.map((f) => f.suppression?.reason ?? 'no reason given'))];
        testcase.ele('skipped', { message: attr(`suppressed: ${reasons.join('; ')}`) });
      }
      const notes = [
        ...baselined.map((f) => `in the baseline: ${findingLine(f)}`),
        ...(reported.length > 0 ? suppressed.map((f) => `suppressed: ${findingLine(f)}`) : []),
      ];
      if (notes.length > 0) testcase.ele('system-out').txt(notes.join('\n'));
    }
    setCounts(suite, counts);
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += counts[k];
  }

  const broken = new Map<string, ScanResult['diagnostics']>();
  for (const d of result.diagnostics) if (d.severity === 'error') broken.set(d.file, [...(broken.get(d.file) ?? []), d]);
  if (broken.size > 0) {
    const suite = root.ele('testsuite', { name: TOOL.name });
    for (const [file, list] of [...broken].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const testcase = suite.ele('testcase', { name: file, classname: `${TOOL.name}.scan`, file, time: '0' });
      testcase
        .ele('error', { message: attr(list[0]!.message), type: list[0]!.code })
        .txt(list.map((d) => `${d.file}${d.line ? `:${d.line}` : ''}: ${d.code}: ${d.message}`).join('\n'));
    }
    setCounts(suite, { tests: broken.size, failures: 0, errors: broken.size, skipped: 0 });
    totals.tests += broken.size;
    totals.errors += broken.size;
  }
  setCounts(root, totals);
  return doc.end({ prettyPrint: true }) + '\n';
}

type XmlNode = ReturnType<typeof XmlBuilder.create>;

function setCounts(node: XmlNode, counts: { tests: number; failures: number; errors: number; skipped: number }): void {
  node.att({ tests: String(counts.tests), failures: String(counts.failures), errors: String(counts.errors), skipped: String(counts.skipped), time: '0' });
}
