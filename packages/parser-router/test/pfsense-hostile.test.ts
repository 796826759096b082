import { readFileSync } from 'node:fs';
import { splitLines } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { PFSENSE_FIXTURES, codes, expectAccounted, parseText, repoRoot } from './pfsense-helpers.js';

/*
 * Input nobody should write, and some somebody will: entity bombs, external entities, files cut
 * short, elements nested without end, very long lines, other XML, no XML at all. Each gives
 * diagnostics with a line, accounts for every line, and returns quickly; none throws.
 */

const bomb = (depth: number): string => {
  let decls = '<!ENTITY e0 "lol">\n';
  for (let i = 1; i <= depth; i++) decls += `<!ENTITY e${i} "${`&e${i - 1};`.repeat(10)}">\n`;
  return `<?xml version="1.0"?>\n<!DOCTYPE pfsense [\n${decls}]>\n<pfsense>\n<system><hostname>&e${depth};</hostname></system>\n</pfsense>\n`;
};

interface HostileCase {
  name: string;
  text: string;
  /** `code@line` of the error diagnostics. */
  errors: string[];
  devices: number;
}

const cases: HostileCase[] = [
  { name: 'a billion laughs: entities are never expanded', text: bomb(9), errors: ['parse-error@15'], devices: 1 },
  {
    name: 'an external entity is never fetched',
    text: '<?xml version="1.0"?>\n<!DOCTYPE pfsense [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<pfsense>\n<system><hostname>&x;</hostname></system>\n</pfsense>\n',
    errors: ['parse-error@4'],
    devices: 1,
  },
  { name: 'cut short in a tag', text: '<pfsense>\n<filter>\n<rule>\n<type>pass</ty', errors: ['parse-error@4'], devices: 1 },
  { name: 'elements nested 300 deep', text: `<pfsense>\n${'<filter>'.repeat(300)}\n</pfsense>\n`, errors: ['parse-error@2'], devices: 1 },
  { name: 'elements nested 200 000 deep, on one line', text: `<pfsense>${'<a>'.repeat(200_000)}${'</a>'.repeat(200_000)}</pfsense>`, errors: ['parse-error@1'], devices: 1 },
  { name: 'another root element', text: '<?xml version="1.0"?>\n<nmaprun>\n</nmaprun>\n', errors: ['parse-error@2'], devices: 0 },
  { name: 'no XML at all', text: 'hostname edge\ninterface Gi0/0\n', errors: ['parse-error@1'], devices: 0 },
  { name: 'an empty file', text: '', errors: ['parse-error@1'], devices: 0 },
  { name: 'two roots', text: '<pfsense></pfsense>\n<pfsense></pfsense>\n', errors: ['parse-error@2'], devices: 1 },
  {
    name: 'a description of a million characters on one line',
    text: `<pfsense>\n<filter><rule><type>pass</type><interface>wan</interface><descr>${'x'.repeat(1_000_000)}</descr></rule></filter>\n</pfsense>\n`,
    errors: [],
    devices: 1,
  },
  {
    name: 'an alias that contains itself',
    text: '<pfsense>\n<aliases><alias><name>a</name><type>host</type><address>b</address></alias>\n<alias><name>b</name><type>host</type><address>a</address></alias></aliases>\n<filter><rule><type>pass</type><interface>lan</interface><source><address>a</address></source></rule></filter>\n<interfaces><lan><enable/></lan></interfaces>\n</pfsense>\n',
    errors: [],
    devices: 1,
  },
];

describe('pfsense hostile input', () => {
  for (const c of cases) {
    it(c.name, () => {
      const started = Date.now();
      const result = parseText(c.text);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.line}`)).toEqual(c.errors);
      expect(result.devices).toHaveLength(c.devices);
      expectAccounted(result, splitLines(c.text).length);
    });
  }

  it('an alias loop is reported, not followed', () => {
    const result = parseText(cases.at(-1)!.text);
    expect(codes(result)).toEqual([{ code: 'unresolved-reference', line: 2 }]);
  });

  it('a fixture cut at every 97th character: never a throw, always an error, every line accounted', () => {
    const text = readFileSync(`${repoRoot}${PFSENSE_FIXTURES}port-forward-ssh-pass-rule.config.xml`, 'utf8');
    const end = text.trimEnd().length;
    for (let cut = 1; cut < end; cut += 97) {
      const part = text.slice(0, cut);
      const result = parseText(part);
      expect(result.diagnostics.some((d) => d.severity === 'error'), `cut at ${cut}`).toBe(true);
      expectAccounted(result, splitLines(part).length);
      // What the file ends inside is not read, so a cut never opens more than the whole file does.
      for (const d of result.devices) for (const rs of Object.values(d.rulesets)) for (const r of rs.rules) expect(r.origin.line).toBeLessThanOrEqual(splitLines(part).length);
    }
  });
});

describe('pfsense hostile aliases', () => {
  const aliases = (entries: (i: number) => string, type: string, count: number): string =>
    Array.from({ length: count }, (_, i) => `<alias><name>a${i}</name><type>${type}</type><address>${entries(i)}</address></alias>`).join('\n');
  const config = (aliasXml: string, destination: string): string =>
    `<pfsense>\n<interfaces><wan><enable/><ipaddr>203.0.113.2</ipaddr></wan></interfaces>\n<aliases>\n${aliasXml}\n</aliases>\n<filter><rule><type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><any/></source><destination>${destination}</destination></rule></filter>\n</pfsense>\n`;

  const cases: { name: string; text: string; note: string }[] = [
    {
      name: 'a chain of 5 000 host aliases, each naming the one before',
      text: config(aliases((i) => (i === 0 ? '10.0.0.1' : `a${i - 1} 10.0.${i % 250}.2`), 'host', 5_000), '<address>a4999</address>'),
      note: 'nested more than 64 aliases deep',
    },
    {
      name: 'one host alias of 50 000 addresses',
      text: config(`<alias><name>a0</name><type>host</type><address>${Array.from({ length: 50_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).join(' ')}</address></alias>`, '<address>a0</address>'),
      note: '',
    },
    {
      name: '64 port aliases, each naming the one before twice (2^64 paths)',
      text: config(aliases((i) => (i === 0 ? '22' : `a${i - 1} a${i - 1}`), 'port', 64), '<any/><port>a63</port>'),
      note: '',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const started = Date.now();
      const result = parseText(c.text);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.devices).toHaveLength(1);
      if (c.note) expect(result.diagnostics.some((d) => d.message.includes(c.note))).toBe(true);
      expectAccounted(result, splitLines(c.text).length);
    });
  }
});
