import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LARGE_JSON_VALUES, MAX_TOLERANT_JSON_CHARS, loadJson, loadTolerantJson, type Document } from '../src/common/document.js';
import { StrictJsonPositions, scanJsonStructure } from '../src/common/strict-json.js';
import { keyLines, keyLinesByKey, repoRoot } from './helpers.js';

/*
 * The strict JSON reader (JSON.parse and a scan for positions) must give what the tolerant reader
 * (jsonc-parser) gives for the same text: the values, and the span of every object, array, key and
 * array item. Anything it cannot read it leaves to the tolerant one.
 */

type Difference = string;

/** Every place where the two documents disagree, found by walking both values side by side. */
function differences(fast: Document, slow: Document): Difference[] {
  const out: Difference[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (typeof a !== 'object' || a === null) {
      if (!Object.is(a, b)) out.push(`${path}: ${String(a)} != ${String(b)}`);
      return;
    }
    if (typeof b !== 'object' || b === null) return void out.push(`${path}: an object where the tolerant reader has ${String(b)}`);
    if (!same(fast.positions.of(a), slow.positions.of(b))) out.push(`${path}: span ${JSON.stringify(fast.positions.of(a))} != ${JSON.stringify(slow.positions.of(b))}`);
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) out.push(`${path}: prototypes differ`);
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return void out.push(`${path}: arrays differ`);
      a.forEach((item, i) => {
        if (!same(fast.positions.item(a, i), slow.positions.item(b, i))) out.push(`${path}[${i}]: item span ${JSON.stringify(fast.positions.item(a, i))} != ${JSON.stringify(slow.positions.item(b, i))}`);
        walk(item, b[i], `${path}[${i}]`);
      });
      return;
    }
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    if (!same(Object.keys(ra), Object.keys(rb))) out.push(`${path}: keys ${JSON.stringify(Object.keys(ra))} != ${JSON.stringify(Object.keys(rb))}`);
    const inOrder = keyLinesByKey(slow, rb);
    if (!same(keyLines(fast, ra), inOrder)) out.push(`${path}: key lines in order ${JSON.stringify(keyLines(fast, ra))} != ${JSON.stringify(inOrder)}`);
    if (!same(keyLines(slow, rb), inOrder)) out.push(`${path}: the tolerant reader's key lines in order differ from its spans by key`);
    for (const key of Object.keys(ra)) {
      if (!same(fast.positions.key(ra, key), slow.positions.key(rb, key))) out.push(`${path}.${key}: key span ${JSON.stringify(fast.positions.key(ra, key))} != ${JSON.stringify(slow.positions.key(rb, key))}`);
      walk(ra[key], rb[key], `${path}.${key}`);
    }
  };
  walk(fast.value, slow.value, '$');
  if (!same(fast.errors, slow.errors)) out.push(`errors ${JSON.stringify(fast.errors)} != ${JSON.stringify(slow.errors)}`);
  return out;
}

function strictlyRead(text: string): Document {
  const doc = loadJson(text);
  expect(doc.positions).toBeInstanceOf(StrictJsonPositions);
  return doc;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

describe('strict JSON: the same values and spans as the tolerant reader', () => {
  const files = [...jsonFiles(join(repoRoot, 'fixtures')), ...jsonFiles(join(repoRoot, '../shared/corpus'))];

  it('finds the fixtures and the corpus', () => {
    expect(files.filter((f) => f.includes('corpus')).length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(5);
  });

  for (const path of files) {
    it(path.slice(path.lastIndexOf('/', path.lastIndexOf('/') - 1) + 1), () => {
      const text = readFileSync(path, 'utf8');
      let strict = true;
      try {
        JSON.parse(text);
      } catch {
        strict = false;
      }
      const doc = loadJson(text);
      // Strict JSON is read the fast way; what JSON.parse refuses, the tolerant way.
      expect(doc.positions instanceof StrictJsonPositions).toBe(strict);
      expect(differences(doc, loadTolerantJson(text))).toEqual([]);
    });
  }

  it('generated documents, indented with spaces, tabs, CRLF or not at all', () => {
    const layout = fc.record({ indent: fc.constantFrom(0, 2, 4, '\t'), crlf: fc.boolean() });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), layout, (value, { indent, crlf }) => {
        const printed = JSON.stringify(value, null, indent);
        const text = crlf ? printed.replace(/\n/g, '\r\n') : printed;
        expect(differences(strictlyRead(text), loadTolerantJson(text))).toEqual([]);
      }),
      { numRuns: 300, seed: 10 },
    );
  });

  it.each([
    ['keys that are numbers, which JSON.parse orders first', '{\n  "b": {"x": 1},\n  "10": [1],\n  "2": {"y": 2},\n  "a": 3\n}'],
    ['escaped keys', '{\n  "a\\"b": {"c": 1},\n  "\\u0061": [2],\n  "tab\\t": 3\n}'],
    ['repeated keys: the last one counts', '{\n  "a": {"first": 1},\n  "b": 2,\n  "a": {"second": [\n    3\n  ]}\n}'],
    ['a repeated key spelled with an escape', '{"ab": [1], "a\\u0062": {"x": 2}}'],
    ['strings holding brackets, quotes and backslashes', '[\n  "{[", "\\"]", "\\\\", {"k\\\\": "\\\\\\""}\n]'],
    ['scalars at the top', '  42  '],
    ['a lone CR between lines', '{"a":\r[1,\r2]}'],
    ['many keys in one object', `{\n${Array.from({ length: 40 }, (_, i) => `  "key${i}": {"v": ${i}}`).join(',\n')}\n}`],
  ])('%s', (_, text) => {
    expect(differences(strictlyRead(text), loadTolerantJson(text))).toEqual([]);
  });

  it('__proto__ and constructor keys stay data: null prototypes, own properties, nothing polluted', () => {
    const doc = strictlyRead('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "list": [{"__proto__": 1}]}');
    const root = doc.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(root)).toBeNull();
    expect(Object.keys(root)).toEqual(['__proto__', 'constructor', 'list']);
    expect(root['__proto__']).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf((root['list'] as unknown[])[0])).toBeNull();
    expect(doc.positions.key(root, '__proto__')).toEqual({ line: 1, column: 2, endLine: 1 });
    // A key no object has is no key, whatever its prototype would have had.
    expect(root['toString']).toBeUndefined();
    expect(doc.positions.key(root, 'toString')).toBeUndefined();
  });
});

describe('what strict JSON reading leaves to the tolerant reader', () => {
  it.each([
    ['a comment', '{\n  // the web tier\n  "a": [1]\n}'],
    ['a block comment', '{"a": /* x */ [1]}'],
    ['a trailing comma', '{\n  "a": [1, 2,],\n}'],
    ['a missing value', '{\n  "a": \n}'],
    ['an unclosed array', '{\n  "a": [1, 2\n'],
    ['a string that never ends', '{"a": "b'],
    ['brackets that do not match', '{"a": [1}'],
    ['a byte order mark', '\uFEFF{"a": 1}'],
    ['nothing', ''],
  ])('%s: read as the tolerant reader reads it', (_, text) => {
    const doc = loadJson(text);
    expect(doc.positions).not.toBeInstanceOf(StrictJsonPositions);
    expect(doc).toEqual(loadTolerantJson(text));
  });

  it('errors keep their lines and columns', () => {
    expect(loadJson('{\n  "a": [1 2],\n  "b": 3,\n}').errors).toEqual([{ line: 2, column: 11, message: 'JSON: CommaExpected' }]);
  });

  it('JSON nested past the limit is not read, whichever reader would have had it', () => {
    for (const text of [`${'['.repeat(501)}${']'.repeat(501)}`, `${'['.repeat(501)}//`]) {
      const doc = loadJson(text);
      expect(doc.value).toBeUndefined();
      expect(doc.errors.map((e) => e.message)).toEqual(['JSON nested more than 500 levels deep; not read']);
    }
    expect(strictlyRead(`${'['.repeat(500)}${']'.repeat(500)}`).errors).toEqual([]);
  });

  it(`JSON over ${MAX_TOLERANT_JSON_CHARS / 1024 / 1024} MiB that is not strict: an error at its place, not the tolerant reader's 30 times the text`, () => {
    const text = `{\n  "a": "${'x'.repeat(MAX_TOLERANT_JSON_CHARS)}",\n}\n`;
    const doc = loadJson(text);
    expect(doc.value).toBeUndefined();
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0]).toMatchObject({ line: 3, column: 1 });
    expect(doc.errors[0]!.message).toMatch(/only when it is strict JSON/);
  });

  it(`JSON over ${MAX_TOLERANT_JSON_CHARS / 1024 / 1024} MiB packing more than ${MAX_LARGE_JSON_VALUES} values: not read`, () => {
    const doc = loadJson(`[${'[],'.repeat(MAX_TOLERANT_JSON_CHARS / 3 + 1)}[]]`);
    expect(doc.value).toBeUndefined();
    expect(doc.errors.map((e) => e.message)).toEqual([expect.stringMatching(/more than 16,000,000 values/)]);
  });

  it('the value limit stops the scan as its tables grow, before twice the limit', () => {
    const text = `[${'1,'.repeat(5000)}1]`;
    expect(scanJsonStructure(text, 500, 1000)).toBe('too-many');
    expect(scanJsonStructure(text, 500, 20_000)).toHaveProperty('members');
  });
});
