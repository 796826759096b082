import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { ciscoAsa } from '../src/cisco-asa/index.js';
import { ciscoIos } from '../src/cisco-ios/index.js';
import { CORPUS, codes, device, expectAccounted, forwardView, lineCount, pick, rulesAt, view } from './cisco-helpers.js';

/*
 * Configurations other people wrote (../shared/corpus/router, beside the checkout). Each is
 * detected as its vendor, parses without an error, accounts for every line, and stays at or below
 * the unrecognised/unsupported counts recorded here (routers' unrelated sections are ignored
 * deliberately, not reported line by line).
 */

const hasCorpus = existsSync(CORPUS);

interface CorpusCase {
  vendor: 'cisco-ios' | 'cisco-asa';
  file: string;
  /** recognised / ignored / reported */
  lines: [number, number, number];
  /** Diagnostics whose code says unrecognised or unsupported: at most this many. */
  unrecognised: number;
  forwards: number;
}

const cases: CorpusCase[] = [
  { vendor: 'cisco-ios', file: 'as1border1.cfg', lines: [16, 174, 0], unrecognised: 0, forwards: 0 },
  { vendor: 'cisco-ios', file: 'fwbuilder-ios.cfg', lines: [94, 231, 0], unrecognised: 0, forwards: 0 },
  { vendor: 'cisco-ios', file: 'nat-variants.cfg', lines: [42, 44, 0], unrecognised: 0, forwards: 12 },
  { vendor: 'cisco-ios', file: 'stanford-yoza.cfg', lines: [758, 1911, 0], unrecognised: 0, forwards: 0 },
  { vendor: 'cisco-asa', file: 'fwbuilder-asa83-acl.cfg', lines: [133, 146, 1], unrecognised: 0, forwards: 0 },
  { vendor: 'cisco-asa', file: 'fwbuilder-asa83-nat.cfg', lines: [64, 102, 0], unrecognised: 0, forwards: 3 },
];

const PARSER = { 'cisco-ios': ciscoIos, 'cisco-asa': ciscoAsa } as const;
const folder = (vendor: CorpusCase['vendor']): string => `${CORPUS}${vendor}/`;

function parse(c: Pick<CorpusCase, 'vendor' | 'file'>) {
  const path = folder(c.vendor) + c.file;
  return PARSER[c.vendor].parse({ path: `${c.vendor}/${c.file}`, text: readFileSync(path, 'utf8') });
}

describeIf(hasCorpus, NO_CORPUS)('corpus: Cisco IOS and ASA', () => {
  it('has a case for every file', () => {
    const files = (['cisco-ios', 'cisco-asa'] as const).flatMap((v) => readdirSync(folder(v)).sort().map((f) => `${v}/${f}`));
    expect(cases.map((c) => `${c.vendor}/${c.file}`).sort()).toEqual(files.sort());
  });

  for (const c of cases) {
    it(`${c.vendor}/${c.file}`, () => {
      const path = folder(c.vendor) + c.file;
      const text = readFileSync(path, 'utf8');
      for (const p of [ciscoIos, ciscoAsa]) {
        const score = p.detect({ path: c.file, text });
        if (p === PARSER[c.vendor]) expect(score).toBeGreaterThanOrEqual(0.7);
        else expect(score).toBeLessThan(0.5);
      }
      const result = parse(c);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expectAccounted(result, lineCount(path));
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(result.diagnostics.filter((d) => /unrecogni[sz]ed|unsupported/.test(d.code)).length).toBeLessThanOrEqual(c.unrecognised);
      expect(device(result).forwards).toHaveLength(c.forwards);
    });
  }

  it('stanford-yoza: `permit ip any any` early in ACL 100; an interface names an undefined list', () => {
    const result = parse({ vendor: 'cisco-ios', file: 'stanford-yoza.cfg' });
    expect(pick(view(rulesAt(result, 27)[0]!), ['id', 'action', 'protocols', 'sources', 'destinations'])).toEqual({
      id: 'acl:100#2', action: 'allow', protocols: 'all', sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/0'],
    });
    // A non-contiguous wildcard (0.0.16.255) is two blocks of 256.
    expect(view(rulesAt(result, 52)[0]!).sources).toEqual(['171.67.64.0/24', '171.67.80.0/24']);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: 1615 }]);
    expect(device(result).family).toBe('mixed');
  });

  it('fwbuilder-ios: the `outside` list keeps its source-port, established and time-range entries', () => {
    const result = parse({ vendor: 'cisco-ios', file: 'fwbuilder-ios.cfg' });
    expect(pick(view(rulesAt(result, 220)[0]!), ['protocols', 'sourcePorts', 'destinationPorts', 'matchesNew'])).toEqual({ protocols: 'tcp', sourcePorts: '80', destinationPorts: 'all', matchesNew: true });
    expect(view(rulesAt(result, 222)[0]!).matchesNew).toBe(false);
    expect(pick(view(rulesAt(result, 255)[0]!), ['matchesNew', 'exact'])).toEqual({ matchesNew: false, exact: false });
    expect(device(result).name).toBe('c3620');
  });

  it('fwbuilder-asa83-acl: an invalid port name is reported; the entry may match', () => {
    const result = parse({ vendor: 'cisco-asa', file: 'fwbuilder-asa83-acl.cfg' });
    expect(codes(result)).toEqual([{ code: 'invalid-value', line: 221 }]);
    expect(pick(view(rulesAt(result, 221)[0]!), ['destinationPorts', 'exact'])).toEqual({ destinationPorts: 'all', exact: false });
  });

  it('fwbuilder-asa83-nat: twice NAT port forwards to the outside interface; undefined objects reported', () => {
    const result = parse({ vendor: 'cisco-asa', file: 'fwbuilder-asa83-nat.cfg' });
    expect(device(result).forwards.map(forwardView)).toEqual([
      { line: 157, protocols: 'tcp', external: '0.0.0.0/0:80', internal: '192.168.1.100/32:80', via: ['outside'], enabled: true },
      { line: 158, protocols: 'tcp', external: '0.0.0.0/0:443', internal: '192.168.1.100/32:443', via: ['outside'], enabled: true },
      { line: 163, protocols: 'all', external: '0.0.0.0/0:all', internal: '192.168.1.10/32:all', via: ['outside'], enabled: true },
    ]);
    expect(new Set(codes(result).map((d) => d.code))).toEqual(new Set(['unresolved-reference']));
  });
});
