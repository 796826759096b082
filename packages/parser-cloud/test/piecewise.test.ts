import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadJson, loadTolerantJson, readJsonPiecewise, type PiecewiseDocument } from '../src/common/document.js';
import { NotStrictPiece, PiecewiseJson, StrictJsonPositions, scanJsonStructure } from '../src/common/strict-json.js';
import { parseAwsCli, readAwsCli } from '../src/cli/aws.js';
import { piecewiseAndWhole } from './cli-output.js';
import { keyLines, keyLinesByKey, repoRoot } from './helpers.js';

/*
 * A document read piecewise (each item of its top lists parsed from its own text when a reader
 * reaches it) must give a reader what the document read whole gives: the same values, the same span
 * for every object, array, key and item, the same errors; and a reader the same result.
 */

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Walks a document read piecewise beside the tolerant reader's reading of the same text, taking
 * every list through `items` (so each piece is compared while it is the one being read), and
 * returns every difference the reading that completed met (a reading that met a piece that is not
 * strict JSON is dropped, and the reader starts over), how many lists it read piecewise, and how
 * many readings there were.
 */
function piecewiseDifferences(text: string): { differences: string[]; split: number; reads: number } {
  const slow = loadTolerantJson(text);
  let out: string[] = [];
  let split = 0;
  let reads = 0;
  readJsonPiecewise(text, (doc: PiecewiseDocument) => {
    reads++;
    out = [];
    split = 0;
    const walk = (a: unknown, b: unknown, path: string): void => {
      if (typeof a !== 'object' || a === null) {
        if (!Object.is(a, b)) out.push(`${path}: ${String(a)} != ${String(b)}`);
        return;
      }
      if (typeof b !== 'object' || b === null) return void out.push(`${path}: an object where the tolerant reader has ${String(b)}`);
      if (!same(doc.positions.of(a), slow.positions.of(b))) out.push(`${path}: span ${JSON.stringify(doc.positions.of(a))} != ${JSON.stringify(slow.positions.of(b))}`);
      if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) out.push(`${path}: prototypes differ`);
      if (Array.isArray(a)) {
        if (!Array.isArray(b) || a.length !== b.length) return void out.push(`${path}: arrays differ`);
        const items = doc.items(a);
        if (items !== a) split++;
        let i = 0;
        for (const item of items) {
          if (!same(doc.positions.item(a, i), slow.positions.item(b, i))) out.push(`${path}[${i}]: item span ${JSON.stringify(doc.positions.item(a, i))} != ${JSON.stringify(slow.positions.item(b, i))}`);
          walk(item, b[i], `${path}[${i}]`);
          i++;
        }
        if (i !== b.length) out.push(`${path}: ${i} items read, ${b.length} in the list`);
        return;
      }
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      if (!same(Object.keys(ra), Object.keys(rb))) out.push(`${path}: keys ${JSON.stringify(Object.keys(ra))} != ${JSON.stringify(Object.keys(rb))}`);
      const inOrder = keyLinesByKey(slow, rb);
      if (!same(keyLines(doc, ra), inOrder)) out.push(`${path}: key lines in order ${JSON.stringify(keyLines(doc, ra))} != ${JSON.stringify(inOrder)}`);
      for (const key of Object.keys(ra)) {
        if (!same(doc.positions.key(ra, key), slow.positions.key(rb, key))) out.push(`${path}.${key}: key span differs`);
        walk(ra[key], rb[key], `${path}.${key}`);
      }
      // After its lists were read piecewise, an object still knows its own place.
      if (!same(doc.positions.of(a), slow.positions.of(b))) out.push(`${path}: span lost after reading its lists`);
    };
    walk(doc.value, slow.value, '$');
    if (!same(doc.errors, loadJson(text).errors)) out.push(`errors ${JSON.stringify(doc.errors)} != ${JSON.stringify(loadJson(text).errors)}`);
  });
  return { differences: out, split, reads };
}

const layout = fc.record({ indent: fc.constantFrom(0, 2, 4, '\t'), crlf: fc.boolean() });

function printed(value: unknown, { indent, crlf }: { indent: number | string; crlf: boolean }): string {
  const text = JSON.stringify(value, null, indent);
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

describe('a document read piecewise: the same values and spans as the tolerant reader', () => {
  // Roots that have lists to split: a list, or an object holding lists (and other values).
  const item = fc.jsonValue({ maxDepth: 4 });
  const root = fc.oneof(
    fc.array(item, { maxLength: 8 }),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.array(item, { maxLength: 6 }), item), { maxKeys: 5 }),
  );

  it('generated documents, indented with spaces, tabs, CRLF or not at all', () => {
    let split = 0;
    fc.assert(
      fc.property(root, layout, (value, how) => {
        const result = piecewiseDifferences(printed(value, how));
        expect(result.differences).toEqual([]);
        expect(result.reads).toBe(1);
        split += result.split;
      }),
      { numRuns: 400, seed: 11 },
    );
    // The property is about the piecewise path: most runs must have taken it.
    expect(split).toBeGreaterThan(200);
  });

  it.each([
    ['a list of groups', '[\n  {"a": [1, {"b": 2}]},\n  3,\n  [4, [5]],\n  "x"\n]'],
    ['lists under keys, and keys that are not lists', '{\n  "SecurityGroups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}],\n  "NextToken": "t",\n  "Other": {"deep": [{"x": 1}]},\n  "Empty": []\n}'],
    ['keys that are numbers, which JSON.parse orders first', '{\n  "b": [{"x": 1}],\n  "10": [[1]],\n  "a": [{"y": 2}]\n}'],
    ['repeated keys: the last one counts', '{\n  "a": [{"first": 1}],\n  "b": 2,\n  "a": [{"second": [\n    3\n  ]}]\n}'],
    ['escaped keys in items', '[{"a\\"b": {"c": 1}, "\\u0061": [2]}, {"ab": 1, "a\\u0062": 2}]'],
    ['strings holding brackets, quotes and backslashes', '[\n  "{[", "\\"]", "\\\\", {"k\\\\": "\\\\\\"{"}, ["]"]\n]'],
    ['__proto__ keys stay data', '[{"__proto__": {"polluted": true}}, {"constructor": {"prototype": {"polluted": true}}}]'],
    ['a lone CR between lines', '{"a":\r[{"b": 1},\r{"c":\r2}]}'],
    ['many keys in an item', `[{\n${Array.from({ length: 40 }, (_, i) => `  "key${i}": {"v": ${i}}`).join(',\n')}\n}]`],
  ])('%s', (_, text) => {
    const result = piecewiseDifferences(text);
    expect(result.differences).toEqual([]);
    expect(result.split).toBeGreaterThan(0);
  });

  it('an item is let go when the reader moves on; the root and its lists are kept', () => {
    readJsonPiecewise('{"l": [{"a": 1}, {"b": 2}]}', (doc) => {
      const root = doc.value as Record<string, unknown>;
      const list = root['l'] as unknown[];
      const seen: unknown[] = [];
      for (const item of doc.items(list)) {
        expect(doc.positions.of(item)).toBeDefined();
        for (const earlier of seen) expect(doc.positions.of(earlier)).toBeUndefined();
        seen.push(item);
      }
      expect(seen).toEqual([{ a: 1 }, { b: 2 }]);
      expect(doc.positions.key(root, 'l')).toEqual({ line: 1, column: 2, endLine: 1 });
      expect(doc.positions.of(list)).toEqual({ line: 1, column: 7, endLine: 1 });
    });
  });
});

describe('what a piecewise reading leaves to the whole document', () => {
  it.each([
    ['an item JSON.parse refuses (no comma)', '{"SecurityGroups": [\n  {"GroupId": "sg-1"},\n  {"GroupId": "sg-2" "x": 1}\n]}'],
    ['an item with a bad number', '[{"a": 1}, {"a": 01}]'],
    ['a skeleton JSON.parse refuses', '{"a": [{"b": 1}] "c": [{"d": 2}]}'],
    ['a comment in an item (tolerated)', '[{"a": 1}, {"b": /* x */ 2}]'],
    ['a trailing comma in an item (tolerated)', '[{"a": 1}, {"b": 2,}]'],
    ['a trailing comma in the root (tolerated)', '{"a": [{"b": 1}],}'],
  ])('%s: read as loadJson reads it, errors and all', (_, text) => {
    const whole = loadJson(text);
    const docs: PiecewiseDocument[] = [];
    readJsonPiecewise(text, (doc) => {
      docs.push(doc);
      const root = doc.value;
      const lists = Array.isArray(root) ? [root] : typeof root === 'object' && root !== null ? Object.values(root).filter(Array.isArray) : [];
      for (const list of lists) for (const item of doc.items(list)) void item;
    });
    const last = docs[docs.length - 1]!;
    expect(last.positions).not.toBeInstanceOf(StrictJsonPositions);
    expect({ value: last.value, errors: last.errors }).toEqual({ value: whole.value, errors: whole.errors });
    expect(last.items([1])).toEqual([1]);
  });

  it('a reader starts over when a piece fails, and only then', () => {
    const text = '[{"a": 1}, {"a": 2}, {"a": 03}]';
    const seen: unknown[][] = [];
    readJsonPiecewise(text, (doc) => {
      const items: unknown[] = [];
      seen.push(items);
      for (const item of doc.items(doc.value as unknown[])) items.push(item);
    });
    // The first reading stopped at the third item; the second read the document whole (the tolerant way).
    expect(seen).toEqual([[{ a: 1 }, { a: 2 }], [{ a: 1 }, { a: 2 }, { a: 0 }]]);
    let readings = 0;
    readJsonPiecewise('[{"a": 1}, {"a": 2}]', (doc) => {
      readings++;
      for (const item of doc.items(doc.value as unknown[])) void item;
    });
    expect(readings).toBe(1);
  });

  it('errors other than a refused piece go to the caller', () => {
    expect(() =>
      readJsonPiecewise('[{"a": 1}]', () => {
        throw new RangeError('a reader bug');
      }),
    ).toThrow(RangeError);
  });
});

/** How many items of the top lists the scan steps over in `text`, to be read by walking their text along their values. */
function stepped(text: string): number {
  const outcome = scanJsonStructure(text, 500, Infinity, true);
  return typeof outcome === 'object' && 'unread' in outcome ? outcome.unread : 0;
}

/**
 * JSON text written out member by member, so that keys may repeat and be spelled with escapes:
 * an object is a list of [key as written, value] pairs; a container may be written on one line.
 */
type Written = { scalar: string } | { array: Written[]; inline: boolean } | { object: [string, Written][]; inline: boolean };

function write(value: Written, indent: string, depth = 0): string {
  if ('scalar' in value) return value.scalar;
  const items = 'array' in value ? value.array.map((v) => write(v, indent, depth + 1)) : value.object.map(([k, v]) => `"${k}": ${write(v, indent, depth + 1)}`);
  const [open, close] = 'array' in value ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  if (value.inline) return `${open}${items.join(', ')}${close}`;
  const inside = indent.repeat(depth + 1);
  return `${open}\n${inside}${items.join(`,\n${inside}`)}\n${indent.repeat(depth)}${close}`;
}

describe('items the scan steps over, read by walking their text along their values', () => {
  // Keys that repeat, keys JSON.parse moves first (numbers), keys with escapes; strings holding brackets and quotes.
  const key = fc.constantFrom('a', 'b', 'GroupId', '10', '2', '0x', 'a\\"b', '\\u0061', '__proto__', 'k}', '');
  const scalar = fc.constantFrom('1', '-0.5e3', '1E2', 'true', 'false', 'null', '""', '"x"', '"]}"', '"\\"}"', '"\\\\"', '"\\u005d"');
  const { value } = fc.letrec<{ value: Written }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar.map((s) => ({ scalar: s })),
      fc.record({ array: fc.array(tie('value'), { maxLength: 4 }), inline: fc.boolean() }),
      fc.record({ object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }), inline: fc.boolean() }),
    ),
  }));
  const items = fc.array(value, { maxLength: 5 });
  const indent = fc.constantFrom('  ', '    ', '\t');

  it('generated documents with repeated, numeric and escaped keys: the same values and spans as the tolerant reader', () => {
    let steps = 0;
    fc.assert(
      fc.property(fc.boolean(), items, items, indent, fc.boolean(), (rootIsList, groups, others, unit, crlf) => {
        const root: Written = rootIsList
          ? { array: groups, inline: false }
          : { object: [['SecurityGroups', { array: groups, inline: false }], ['NextToken', { scalar: '"t"' }], ['Other', { array: others, inline: false }]], inline: false };
        const written = write(root, unit);
        const text = crlf ? written.replace(/\n/g, '\r\n') : written;
        steps += stepped(text);
        expect(piecewiseDifferences(text).differences).toEqual([]);
      }),
      { numRuns: 400, seed: 14 },
    );
    // The property is about the items stepped over: many must have been.
    expect(steps).toBeGreaterThan(250);
  });

  it('groups printed as the AWS CLI prints them are stepped over, and read once', () => {
    const text = readFileSync(join(repoRoot, 'fixtures/cloud/estate-aws-cli/describe-security-groups.json'), 'utf8');
    expect(stepped(text)).toBeGreaterThan(0);
    const result = piecewiseDifferences(text);
    expect(result).toMatchObject({ differences: [], reads: 1 });
  });

  // How many readings each takes: a second one when the walk or JSON.parse sends the reader back to the whole text.
  it.each([
    ['items on one line between indented ones', 1, '[\n  {"a": 1},\n  {\n    "b": 2\n  },\n  [],\n  {},\n  [\n    3\n  ]\n]'],
    ['keys that are numbers in an item', 1, '[\n  {\n    "b": 1,\n    "10": {"c": 2},\n    "2": [3]\n  }\n]'],
    ['escaped keys in an item', 1, '[\n  {\n    "a\\"b": {"c": 1},\n    "\\u0032": [2],\n    "t\\t": 3\n  }\n]'],
    ['an item of more objects and lists than are looked up in order', 1, JSON.stringify([{ GroupId: 'sg-1', IpPermissions: Array.from({ length: 40 }, (_, i) => ({ FromPort: i, IpRanges: [{ CidrIp: '10.0.0.0/8' }] })) }], null, 2)],
    ['blanks where the CLIs print none', 1, '[\n  {\n    "a" :  1 ,\n    "b"\t:\n      [ 2 , "x" ] ,\n    "c": { }\n  }\n]'],
    ['an item whose closing brace ends a line', 2, '{\n  "SecurityGroups": [\n    {\n      "a": 1},\n    {\n      "b": [\n        2\n      ]\n    }\n  ]\n}'],
    ['a repeated key in an item', 2, '[\n  {\n    "a": {"x": 1},\n    "a": {"y": 2}\n  }\n]'],
    ['a repeated key holding a list in an item', 2, '[\n  {\n    "a": [1, {"x": [2]}],\n    "a": [1]\n  }\n]'],
  ])('%s: the same values and spans as the tolerant reader', (_, reads, text) => {
    expect(stepped(text)).toBeGreaterThan(0);
    expect(piecewiseDifferences(text)).toMatchObject({ differences: [], reads });
  });

  it('an item that closes a member at its own indentation: the scan loses its step, and scans the text again', () => {
    const text = '[\n  {\n    "a": {\n  },\n    "b": 1\n  },\n  {\n    "c": 2\n  }\n]';
    expect(scanJsonStructure(text, 500, Infinity, false)).toHaveProperty('unread', 0);
    expect(stepped(text)).toBe(0);
    expect(piecewiseDifferences(text)).toMatchObject({ differences: [], reads: 1 });
  });

  it('a list the reader does not come to is read at the end: a wrong guess there still sends the reader back to the whole text', () => {
    // The first item of Other closes at the end of a line: the scan's guess takes both items for it.
    const text = '{\n  "SecurityGroups": [\n    {\n      "GroupId": "sg-1"\n    }\n  ],\n  "Other": [\n    {\n      "x": 1},\n    {\n      "y": 2\n    }\n  ]\n}';
    expect(stepped(text)).toBe(2);
    const seen: number[] = [];
    readJsonPiecewise(text, (doc) => {
      const root = doc.value as Record<string, unknown[]>;
      for (const group of doc.items(root['SecurityGroups']!)) void group;
      seen.push(root['Other']!.length);
    });
    expect(seen).toEqual([1, 2]);
  });

  it('an item nested deeper than the limit: not read, as loadJson does not read it', () => {
    const deep = JSON.stringify({ SecurityGroups: [{ a: JSON.parse(`${'['.repeat(600)}${']'.repeat(600)}`) as unknown }] }, null, 1);
    expect(stepped(deep)).toBe(1);
    const doc = readJsonPiecewise(deep, (d) => d);
    expect({ value: doc.value, errors: doc.errors }).toEqual({ value: undefined, errors: loadJson(deep).errors });
    expect(doc.errors.map((e) => e.message)).toEqual(['JSON nested more than 500 levels deep; not read']);
  });

  it('the values of the items stepped over count against the limit as they are read', () => {
    const text = JSON.stringify([{ a: [1, 2, 3] }, { b: [4, 5, 6] }, { c: [7, 8, 9] }], null, 2);
    const read = (maxValues: number): unknown[] => {
      const structure = scanJsonStructure(text, 500, maxValues, true);
      if (typeof structure !== 'object' || !('unread' in structure)) throw new Error('no structure');
      expect(structure.unread).toBe(3);
      const doc = PiecewiseJson.read(text, structure, { maxDepth: 500, maxValues })!;
      return [...doc.items(doc.value as unknown[])];
    };
    // The scan's seven (the root, its three items and their objects), then five for each item read: a key, its list and three numbers.
    expect(read(7 + 3 * 5)).toHaveLength(3);
    expect(() => read(7 + 3 * 5 - 1)).toThrow(NotStrictPiece);
  });

  it('an item longer than the scan steps over, and the items after it, are scanned', () => {
    const long = { GroupId: 'sg-long', Description: 'x'.repeat(1_100_000) };
    const text = JSON.stringify([{ GroupId: 'sg-1' }, long, { GroupId: 'sg-2' }], null, 2);
    expect(stepped(text)).toBe(1);
    expect(piecewiseDifferences(text)).toMatchObject({ differences: [], reads: 1 });
  });

  it('line breaks: CRLF is stepped over, a lone CR is not', () => {
    const text = JSON.stringify({ SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ FromPort: 22 }] }, { GroupId: 'sg-2' }] }, null, 2);
    const crlf = text.replace(/\n/g, '\r\n');
    expect(stepped(crlf)).toBe(2);
    expect(piecewiseDifferences(crlf)).toMatchObject({ differences: [], reads: 1 });
    const lone = crlf.replace('"sg-2"', '\r"sg-2"');
    expect(stepped(lone)).toBe(0);
    expect(piecewiseDifferences(lone)).toMatchObject({ differences: [], reads: 1 });
  });

  it('no closing line in reach: stepping stops instead of looking that far for each item', () => {
    // Every item closes at the end of its last line: no guess is ever found, each search would run to the end.
    const text = `[\n${'  {\n    "a": 1},\n'.repeat(200_000)}  {}\n]`;
    const started = Date.now();
    expect(stepped(text)).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

/** The reader's result for a text read piecewise and read whole. */
function bothWays(text: string): { piecewise: string; whole: string } {
  return piecewiseAndWhole({ path: 'sgs.json', text }, parseAwsCli, readAwsCli);
}

describe('describe-security-groups read piecewise: the same result as read whole', () => {
  const port = fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.constantFrom('22', ' 443 ', 'x'));
  const cidr = fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '::/0', '1.2.3.4', 'not-an-address', '2001:db8::/32');
  const extra = fc.option(fc.constantFrom('Surprise', 'Tags'), { nil: undefined });
  const withExtra = <T extends Record<string, unknown>>(value: T, key: string | undefined): T => (key === undefined ? value : { ...value, [key]: [{ Key: 'k' }] });
  const permission = fc
    .record(
      {
        IpProtocol: fc.constantFrom('tcp', 'udp', '-1', 'icmp', '6', 'bogus'),
        FromPort: port,
        ToPort: port,
        IpRanges: fc.array(fc.record({ CidrIp: cidr, Description: fc.string({ maxLength: 5 }) }, { requiredKeys: ['CidrIp'] }), { maxLength: 3 }),
        Ipv6Ranges: fc.array(fc.record({ CidrIpv6: cidr }), { maxLength: 2 }),
        PrefixListIds: fc.array(fc.record({ PrefixListId: fc.constantFrom('pl-1', 'pl-2') }), { maxLength: 2 }),
        UserIdGroupPairs: fc.array(fc.record({ GroupId: fc.constantFrom('sg-1', 'sg-2', 'sg-3'), UserId: fc.constant('1') }, { requiredKeys: [] }), { maxLength: 2 }),
      },
      { requiredKeys: ['IpProtocol'] },
    )
    .chain((p) => extra.map((k) => withExtra(p, k)));
  const group = fc
    .record(
      {
        Description: fc.string({ maxLength: 8 }),
        GroupName: fc.constantFrom('web', 'db'),
        GroupId: fc.constantFrom('sg-1', 'sg-2', 'sg-3', 'sg-4'),
        IpPermissions: fc.array(permission, { maxLength: 3 }),
        IpPermissionsEgress: fc.array(permission, { maxLength: 2 }),
        VpcId: fc.constant('vpc-1'),
      },
      { requiredKeys: [] },
    )
    .chain((g) => extra.map((k) => withExtra(g, k)));
  const rule = fc.record(
    { GroupId: fc.constantFrom('sg-1', 'sg-9'), IsEgress: fc.boolean(), IpProtocol: fc.constantFrom('tcp', '-1'), FromPort: port, ToPort: port, CidrIpv4: cidr, ReferencedGroupInfo: fc.record({ GroupId: fc.constantFrom('sg-1', 'sg-2') }) },
    { requiredKeys: ['GroupId'] },
  );
  const entry = fc.record({ RuleNumber: fc.integer({ min: 1, max: 5 }), Protocol: fc.constantFrom('6', '-1'), RuleAction: fc.constantFrom('allow', 'deny'), Egress: fc.boolean(), CidrBlock: cidr, PortRange: fc.record({ From: port, To: port }) });
  const acl = fc.record({ NetworkAclId: fc.constantFrom('acl-1', 'acl-2'), Entries: fc.array(entry, { maxLength: 3 }) }, { requiredKeys: [] });
  // Lists also hold things that are not groups: scalars and lists, which the reader skips.
  const stray = fc.constantFrom(1, 'x', null, [], [{ GroupId: 'sg-x' }]);
  const groups = fc.array(fc.oneof({ weight: 6, arbitrary: group }, { weight: 1, arbitrary: stray }), { maxLength: 5 });
  const output = fc.oneof(
    groups,
    fc.record(
      {
        SecurityGroups: groups,
        SecurityGroupRules: fc.array(fc.oneof(rule, stray), { maxLength: 3 }),
        NetworkAcls: fc.array(acl, { maxLength: 2 }),
        NextToken: fc.constant('t'),
        Unexpected: fc.constantFrom(1, [{ a: 1 }]),
      },
      { requiredKeys: [] },
    ),
  );

  it('generated outputs, pretty-printed and on one line', () => {
    fc.assert(
      fc.property(output, layout, (value, how) => {
        const { piecewise, whole } = bothWays(printed(value, how));
        expect(piecewise).toBe(whole);
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('groups converted as they are read: the same devices and diagnostics, in the same order, as converted after all are read', () => {
    const json = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
    let compared = 0;
    fc.assert(
      fc.property(groups, layout, (list, how) => {
        const text = printed({ SecurityGroups: list }, how);
        // A list of rules, even of none the reader takes, makes it keep the groups until the end.
        const kept = `${text.slice(0, text.lastIndexOf('}'))}, "SecurityGroupRules": [1]}`;
        const asRead = parseAwsCli({ path: 'sgs.json', text });
        const atEnd = parseAwsCli({ path: 'sgs.json', text: kept });
        expect(json({ devices: asRead.devices, diagnostics: asRead.diagnostics })).toBe(json({ devices: atEnd.devices, diagnostics: atEnd.diagnostics }));
        compared += asRead.diagnostics.length;
      }),
      { numRuns: 200, seed: 13 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it.each(['cloud/estate-aws-cli/describe-security-groups.json', 'hostile/aws-cli-truncated.json'])('fixtures/%s', (path) => {
    const { piecewise, whole } = bothWays(readFileSync(join(repoRoot, 'fixtures', path), 'utf8'));
    expect(piecewise).toBe(whole);
  });

  it('the corpus output', () => {
    const { piecewise, whole } = bothWays(readFileSync(join(repoRoot, '../shared/corpus/cloud/aws/batfish-hybrid-SecurityGroups.json'), 'utf8'));
    expect(piecewise).toBe(whole);
  });

  it('a group that is not strict JSON: the whole file is read as before, its error at its line', () => {
    const text = '{\n  "SecurityGroups": [\n    {"GroupId": "sg-1", "IpPermissions": []},\n    {"GroupId": "sg-2" "IpPermissions": []}\n  ]\n}\n';
    const r = parseAwsCli({ path: 'sgs.json', text });
    expect(r.diagnostics.filter((d) => d.code === 'parse-error').map((d) => d.line)).toEqual([4]);
    const { piecewise, whole } = bothWays(text);
    expect(piecewise).toBe(whole);
  });
});
