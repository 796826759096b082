import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { detectMikrotik } from '../src/mikrotik/index.js';
import { CORPUS, codes, device, expectAccounted, forwardView, lineCount, parseText, rules } from './mikrotik-helpers.js';

/*
 * RouterOS exports other people wrote (../shared/corpus/router/mikrotik, beside the checkout).
 * Each is detected, loads without an error, accounts for every line, and keeps the line counts and
 * the number of unrecognised or unsupported lines recorded here.
 */

const hasCorpus = existsSync(CORPUS);

interface CorpusCase {
  file: string;
  /** recognised / ignored / reported */
  lines: [number, number, number];
  /** Diagnostics whose code says unrecognised or unsupported. */
  unrecognised: number;
  forwards: number;
  externalInterfaces: string[];
}

const cases: CorpusCase[] = [
  { file: 'anna.rsc', lines: [364, 4511, 0], unrecognised: 0, forwards: 15, externalInterfaces: ['wan A'] },
  { file: 'lab-quentin.rsc', lines: [29, 9, 0], unrecognised: 0, forwards: 1, externalInterfaces: ['ether1'] },
];

describeIf(hasCorpus, NO_CORPUS)('corpus: mikrotik', () => {
  it('has a case for every file', () => {
    expect(cases.map((c) => c.file)).toEqual(readdirSync(CORPUS).sort());
  });

  for (const c of cases) {
    it(c.file, () => {
      const text = readFileSync(CORPUS + c.file, 'utf8');
      expect(detectMikrotik({ path: c.file, text })).toBe(1);
      const result = parseText(text, c.file);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expectAccounted(result, lineCount(text));
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(result.diagnostics.filter((d) => /unrecogni[sz]ed|unsupported/.test(d.code))).toHaveLength(c.unrecognised);
      const d = device(result);
      expect(d.forwards).toHaveLength(c.forwards);
      expect(d.externalInterfaces).toEqual(c.externalInterfaces);
    });
  }

  it('anna (RouterOS 7, one-line style): netmap forwards on "wan A", two of them to the router itself; a filter of disabled rules', () => {
    const result = parseText(readFileSync(`${CORPUS}anna.rsc`, 'utf8'), 'anna.rsc');
    const d = device(result);
    expect([d.name, d.family]).toEqual(['anna', 'ipv4']);
    expect(d.forwards.filter((f) => f.inInterface?.names.includes('wan A')).map(forwardView)).toEqual([
      { line: 905, protocols: 'tcp', external: '0.0.0.0/0:9999', internal: 'router:8291', via: ['wan A'], enabled: true },
      { line: 907, protocols: 'tcp', external: '0.0.0.0/0:8888', internal: 'router:80', via: ['wan A'], enabled: true },
      { line: 909, protocols: 'tcp', external: '0.0.0.0/0:1111', internal: '192.168.90.40/32:21', via: ['wan A'], enabled: true },
      { line: 910, protocols: 'tcp', external: '0.0.0.0/0:65000-65050', internal: '192.168.90.40/32:65000-65050', via: ['wan A'], enabled: true },
      { line: 912, protocols: 'tcp', external: '0.0.0.0/0:3333', internal: '192.168.90.80/32:3389', via: ['wan A'], enabled: true },
    ]);
    // 36 input rules, all but the layer-7 ECH drop disabled: the input chain accepts by default.
    const input = d.rulesets['filter:input']!;
    expect([input.rules.length, input.rules.filter((r) => r.enabled).map((r) => r.origin.line), input.defaultAction]).toEqual([36, [627], 'allow']);
  });

  it('lab-quentin (RouterOS 6, sectioned, wrapped lines): the RDP dst-nat and the filter rules', () => {
    const result = parseText(readFileSync(`${CORPUS}lab-quentin.rsc`, 'utf8'), 'lab-quentin.rsc');
    expect(codes(result)).toEqual([]);
    const d = device(result);
    expect(d.forwards.map(forwardView)).toEqual([
      { line: 35, protocols: 'tcp', external: '0.0.0.0/0:3389', internal: '192.168.115.10/32:3389', via: ['ether1'], enabled: true },
    ]);
    expect(rules(d, 'filter:input').map((r) => `${r.action} ${r.protocols} ${r.destinationPorts} ${r.destinations.join(',')} @${r.line}`)).toEqual([
      'allow tcp 80 192.168.115.1/32 @13',
      'allow tcp 22 192.168.115.1/32 @15',
      'reject tcp 80 0.0.0.0/0 @25',
      'reject tcp 22 0.0.0.0/0 @27',
      'reject tcp 23 0.0.0.0/0 @29',
    ]);
  });
});
