import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, createBaseline, type ScanResult } from '@portcullis/engine';
import { FINGERPRINT_KEY, SECURITY_SEVERITY, markdownReport, ruleMarkdown, sarifReport, textReport } from '@portcullis/report';
import { RDP, SSH, TELNET, estate, filterTable, repoRoot, sarifValidator, scanAt } from './helpers.js';

const validate = sarifValidator();
const sarif = (result: ScanResult, options: Parameters<typeof sarifReport>[1] = {}): Sarif.Log => JSON.parse(sarifReport(result, options)) as Sarif.Log;
const run = (log: Sarif.Log): Sarif.Run => log.runs[0]!;

/** Every file under fixtures/, except the demo (scanned as a folder, with its config). */
function fixtureFiles(dir = join(repoRoot, 'fixtures')): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    if (statSync(abs).isDirectory()) {
      if (name !== 'demo') out.push(...fixtureFiles(abs));
    } else out.push(relative(repoRoot, abs).split('\\').join('/'));
  }
  return out;
}

describe('SARIF validates against the SARIF 2.1.0 JSON Schema', () => {
  const files = fixtureFiles();

  it('the validator rejects what GitHub would reject', () => {
    const log = (rule: object, uri: string): object => ({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x', rules: [{ id: 'a', ...rule }] } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri } } }] }] }],
    });
    expect(validate(log({}, 'a/b.txt'))).toEqual([]);
    expect(validate(log({ helpUri: 'docs/rules/a.md' }, 'a/b.txt'))).toEqual(['/runs/0/tool/driver/rules/0/helpUri must match format "uri"']);
    expect(validate(log({}, 'my file.txt'))).toEqual(['/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri must match format "uri-reference"']);
    expect(validate({ version: '2.2.0', runs: [] })).toEqual(['/version must be equal to one of the allowed values']);
  });

  it('finds the fixtures', () => {
    expect(files).toContain('fixtures/netfilter/comments-and-suppressions.iptables-save');
    expect(files.length).toBeGreaterThan(30);
  });

  for (const file of files) {
    it(file, () => {
      const result = scanAt(repoRoot, [file]);
      expect(validate(sarif(result))).toEqual([]);
      // And with everything optional switched on: rule docs URLs and a baseline.
      const baseline = compareWithBaseline(result.findings, createBaseline(result.findings.slice(1)), 'baseline.json');
      expect(validate(sarif(result, { docsUrl: 'https://example.com/portcullis/docs/rules', baseline }))).toEqual([]);
    });
  }

  it('fixtures/demo with its config and inventory', () => {
    const result = scanAt(repoRoot, ['fixtures/demo'], { config: 'fixtures/demo/portcullis.yaml' });
    expect(result.findings.length).toBeGreaterThan(0);
    expect(validate(sarif(result))).toEqual([]);
  });

  it('the shared corpus, whose paths lie outside the working folder (file: URIs)', () => {
    const result = scanAt(repoRoot, ['../shared/corpus']);
    const log = sarif(result);
    expect(validate(log)).toEqual([]);
    const uris = run(log).results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!);
    expect(uris.length).toBeGreaterThan(0);
    for (const u of uris) expect(u).toEqual({ uri: expect.stringMatching(/^file:\/\/\//) as unknown });
  });

  it('diagnostics with and without a line, and a run that failed', () => {
    const dir = estate({ 'fw.iptables-save': filterTable('this is not iptables', TELNET) });
    const result = scanAt(dir, ['fw.iptables-save', 'missing.iptables-save']);
    const log = sarif(result);
    expect(validate(log)).toEqual([]);
    const invocation = run(log).invocations![0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications!.map((n) => `${n.level} ${n.descriptor!.id} ${n.locations?.[0]?.physicalLocation?.region?.startLine ?? '-'}`)).toEqual([
      'warning unrecognised-line 5',
      'error unreadable-path -',
    ]);
  });
});

describe('tool.driver.rules', () => {
  const result = scanAt(repoRoot, ['fixtures/netfilter/semantics/telnet-after-established.iptables-save']);
  const rules = run(sarif(result)).tool.driver.rules!;
  const telnet = rules.find((r) => r.id === 'no-telnet')!;
  const definition = result.rules.find((r) => r.definition.id === 'no-telnet')!.definition;

  it('lists every active rule, each once', () => {
    expect(rules.map((r) => r.id)).toEqual(result.rules.map((r) => r.definition.id));
  });

  it('describes a rule with its title, description, help and tags', () => {
    expect(telnet).toEqual({
      id: 'no-telnet',
      name: 'NoTelnet',
      shortDescription: { text: 'Telnet is open' },
      fullDescription: { text: expect.stringMatching(/^Flags /) as unknown },
      help: { text: expect.stringContaining('\n\nHow to fix: Turn the Telnet service off') as unknown, markdown: ruleMarkdown(definition).replace(/^<!--.*-->\n/, '') },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', ...definition.tags.filter((t) => t !== 'security')], precision: 'high', 'security-severity': '9.5' },
    });
    expect(telnet.help!.markdown!.startsWith('# no-telnet\n')).toBe(true);
  });

  it('names the docs page in the help text; helpUri only when the docs URL is absolute', () => {
    expect(telnet.help!.text).toMatch(/\n\nDocs: docs\/rules\/no-telnet\.md$/);
    expect(telnet.helpUri).toBeUndefined();
    const withUrl = run(sarif(result, { docsUrl: 'https://example.com/portcullis/blob/main/docs/rules/' })).tool.driver.rules!;
    expect(withUrl.find((r) => r.id === 'no-telnet')!.helpUri).toBe('https://example.com/portcullis/blob/main/docs/rules/no-telnet.md');
  });

  // Rules whose severity depends on where the traffic comes from are filed under the worst case.
  const severities: [string, string][] = [
    ['no-telnet', SECURITY_SEVERITY.critical],
    ['no-public-all-ports', SECURITY_SEVERITY.critical],
    ['no-public-rdp', SECURITY_SEVERITY.high],
    ['no-public-ssh', SECURITY_SEVERITY.medium],
    ['no-forward-to-decommissioned', SECURITY_SEVERITY.high],
  ];
  for (const [id, score] of severities) {
    it(`${id}: security-severity ${score}`, () => {
      expect(rules.find((r) => r.id === id)!.properties!['security-severity']).toBe(score);
    });
  }

  it('maps severities onto GitHub\'s bands', () => {
    expect(SECURITY_SEVERITY).toEqual({ critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' });
  });
});

describe('results', () => {
  const dir = estate({
    'edge/fw.iptables-save': filterTable(SSH, '# portcullis-ignore no-telnet -- lab console, isolated VLAN', TELNET, RDP),
    'my configs/ä b.iptables-save': filterTable(SSH),
  });
  const result = scanAt(dir, ['.']);
  const log = sarif(result);
  const results = run(log).results!;
  const rules = run(log).tool.driver.rules!;

  it('one per finding: rule, level, message, location', () => {
    expect(validate(log)).toEqual([]);
    expect(
      results.map((r) => {
        const p = r.locations![0]!.physicalLocation!;
        return `${r.ruleId} ${r.level} ${p.artifactLocation!.uriBaseId} ${p.artifactLocation!.uri}:${p.region!.startLine}`;
      }),
    ).toEqual([
      'no-public-ssh warning %SRCROOT% edge/fw.iptables-save:5',
      'no-telnet error %SRCROOT% edge/fw.iptables-save:7',
      'no-public-rdp error %SRCROOT% edge/fw.iptables-save:8',
      'no-public-ssh warning %SRCROOT% my%20configs/%C3%A4%20b.iptables-save:5',
    ]);
    expect(results[0]!.message).toEqual({ text: 'SSH (22/tcp) on fw is reachable from anywhere (0.0.0.0/0)' });
  });

  it('ruleIndex points at the result\'s rule', () => {
    for (const r of results) expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
  });

  it('keeps a suppressed finding, marked with its kind and justification', () => {
    expect(results.map((r) => r.suppressions)).toEqual([undefined, [{ kind: 'inSource', status: 'accepted', justification: 'lab console, isolated VLAN' }], undefined, undefined]);
  });

  it('a config ignore is an external suppression, with its date', () => {
    const cfg = estate({
      'portcullis.yaml': 'ignores:\n  - rule: no-telnet\n    reason: lab console\n    until: 2027-06-30\n',
      'fw.iptables-save': filterTable(TELNET),
    });
    const r = run(sarif(scanAt(cfg, ['fw.iptables-save'], { config: 'portcullis.yaml' }))).results!;
    expect(r.map((x) => x.suppressions)).toEqual([[{ kind: 'external', status: 'accepted', justification: 'lab console', properties: { until: '2027-06-30' } }]]);
  });

  it('carries the finding\'s fingerprint with its occurrence number', () => {
    expect(results.map((r) => r.partialFingerprints)).toEqual(result.findings.map((f) => ({ [FINGERPRINT_KEY]: `${f.fingerprint}:1` })));
  });

  it('a path outside the working folder is a file: URI', () => {
    const inner = join(dir, 'edge');
    const outside = scanAt(inner, [join(dir, 'my configs')]);
    const location = run(sarif(outside)).results![0]!.locations![0]!.physicalLocation!.artifactLocation;
    expect(location).toEqual({ uri: pathToFileURL(join(dir, 'my configs', 'ä b.iptables-save')).href });
  });

  it('with a baseline: baselineState per result, and the counts on the run', () => {
    const before = scanAt(dir, ['edge/fw.iptables-save']);
    const baseline = compareWithBaseline(result.findings, createBaseline(before.findings.filter((f) => f.ruleId !== 'no-public-rdp')), 'baseline.json');
    const withBaseline = run(sarif(result, { baseline }));
    expect(withBaseline.results!.map((r) => `${r.ruleId} ${r.baselineState}`)).toEqual([
      'no-public-ssh unchanged',
      'no-telnet new',
      'no-public-rdp new',
      'no-public-ssh new',
    ]);
    expect(withBaseline.properties).toEqual({ baseline: { file: 'baseline.json', unchanged: 1, fixed: 0 } });
  });
});

describe('partialFingerprints survive unrelated edits', () => {
  const fingerprints = (text: string): { at: string; fp: unknown }[] => {
    const r = run(sarif(scanAt(estate({ 'fw.iptables-save': text }), ['fw.iptables-save'])));
    return r.results!.map((x) => ({ at: `${x.ruleId}@${x.locations![0]!.physicalLocation!.region!.startLine}`, fp: x.partialFingerprints }));
  };
  const original = fingerprints(filterTable(SSH, TELNET));

  const edits: { name: string; text: string; lines: string[] }[] = [
    { name: 'a comment above', text: filterTable('# allow the office VPN in (ticket 4711)', SSH, TELNET), lines: ['no-public-ssh@6', 'no-telnet@7'] },
    { name: 'an unrelated rule above', text: filterTable('-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 443 -j ACCEPT', SSH, TELNET), lines: ['no-public-ssh@6', 'no-telnet@7'] },
    { name: 'a header before the table', text: `# Generated by iptables-save v1.8.9\n${filterTable(SSH, TELNET)}`, lines: ['no-public-ssh@6', 'no-telnet@7'] },
    { name: 'packet counters that changed', text: filterTable(`[812:48720] ${SSH}`, `[3:180] ${TELNET}`), lines: ['no-public-ssh@5', 'no-telnet@6'] },
  ];
  for (const e of edits) {
    it(e.name, () => {
      const edited = fingerprints(e.text);
      expect(edited.map((x) => x.at)).toEqual(e.lines);
      expect(edited.map((x) => x.fp)).toEqual(original.map((x) => x.fp));
    });
  }

  it('but not edits to the rule itself', () => {
    const edited = fingerprints(filterTable(SSH, '-A INPUT -p tcp -m tcp --dport 23 -m comment --comment "legacy" -j ACCEPT'));
    expect(edited[0]!.fp).toEqual(original[0]!.fp);
    expect(edited[1]!.fp).not.toEqual(original[1]!.fp);
  });
});

describe('a suppressed finding: hidden in text and Markdown, kept in SARIF, back after its date', () => {
  const file = 'fixtures/suppressions/inline-until.iptables-save';
  const on = (day: string): ScanResult => scanAt(repoRoot, [file], { now: new Date(`${day}T12:00:00Z`) });

  const cases: { day: string; suppressed: boolean }[] = [
    { day: '2027-03-31', suppressed: true },
    { day: '2027-04-01', suppressed: false },
  ];
  for (const c of cases) {
    it(`on ${c.day} it is ${c.suppressed ? 'suppressed' : 'reported again'}`, () => {
      const result = on(c.day);
      const text = textReport(result, { color: false });
      const markdown = markdownReport(result);
      const telnet = run(sarif(result)).results!.find((r) => r.ruleId === 'no-telnet')!;
      expect(text.includes('no-telnet')).toBe(!c.suppressed);
      expect(markdown.includes('no-telnet')).toBe(!c.suppressed);
      expect(text).toContain('no-public-rdp');
      expect(markdown).toContain('no-public-rdp');
      expect(telnet.suppressions).toEqual(
        c.suppressed
          ? [{ kind: 'inSource', status: 'accepted', justification: 'lab console on an isolated VLAN; the switch goes in Q1', properties: { until: '2027-03-31' } }]
          : undefined,
      );
    });
  }
});
