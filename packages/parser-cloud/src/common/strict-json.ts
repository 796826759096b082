import type { Span } from './report.js';

/*
 * Strict JSON at JSON.parse's speed, with positions. JSON.parse builds the values; one linear scan
 * of the text records where every object, array, key and array item is, in typed arrays, in
 * document order; a walk of the parsed value in that same order ties each object and array to its
 * record. Spans are made only when a reader asks for one. Text that is not strict JSON (comments,
 * trailing commas, errors) is left to the tolerant reader in document.ts.
 */

/** Containers (objects and arrays): line, column, end line, first member, member count, flags, the offsets of the opening and the closing bracket. */
const C_LINE = 0;
const C_COLUMN = 1;
const C_END_LINE = 2;
const C_FIRST = 3;
const C_COUNT = 4;
const C_FLAGS = 5;
const C_START = 6;
const C_END = 7;
const C_STRIDE = 8;

/** Members (an object's keys, an array's items): line, column, end line of the value, the value's container (-1: a scalar), next member (-1: none), the key's offset. */
const M_LINE = 0;
const M_COLUMN = 1;
const M_END_LINE = 2;
const M_VALUE = 3;
const M_NEXT = 4;
const M_OFFSET = 5;
const M_STRIDE = 6;

const ARRAY = 1;
/** An object whose keys must be read from the text: one has an escape, starts with a digit (JSON.parse orders those first) or repeats. */
const NAMED = 2;
/** A list whose object and array items are read one at a time (PiecewiseJson), not with the rest. */
const SPLIT = 4;

/** A copy of `data` twice its size. */
function grown(data: Int32Array): Int32Array {
  const copy = new Int32Array(data.length * 2);
  copy.set(data);
  return copy;
}

/** The index of the quote that closes the string opened at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    from = q + 1;
  }
}

export interface JsonStructure {
  containers: Int32Array;
  members: Int32Array;
}

/** What scanning a text found: its structure, that it nests deeper than allowed, or where it stops being strict JSON. */
export type ScanOutcome = JsonStructure | 'too-deep' | 'too-many' | { notStrictAt: number };

/**
 * Records the structure of a strict JSON text without building any value. It trusts JSON.parse to
 * reject what is not JSON, so it checks no more than it needs to stay in step; where the text cannot
 * be strict JSON (a comment, an unclosed string, brackets that do not match) it says so at once.
 * Opening a container deeper than `maxDepth` stops it: nothing recursive may see such a text; so
 * does a value past `maxValues` (objects, arrays, keys and array items), which bounds the memory of
 * the records and of JSON.parse's values however densely a text packs them (`[[],[],…]`). It is
 * checked as the tables grow, so a text stops between `maxValues` and twice as many.
 * One function with no closures, as it runs once per character of files of hundreds of megabytes.
 */
export function scanJsonStructure(text: string, maxDepth: number, maxValues = Infinity): ScanOutcome {
  // Pretty-printed CLI output holds a container every 70 or so characters and a member every 40 to
  // 50. A grown table is copied whole, while pages of a table never written to are never resident.
  let cs: Int32Array = new Int32Array(Math.max(64, text.length >> 6) * C_STRIDE);
  let ms: Int32Array = new Int32Array(Math.max(64, text.length >> 5) * M_STRIDE);
  let cCount = 0;
  let mCount = 0;
  const open = new Int32Array(maxDepth + 1);
  const last = new Int32Array(maxDepth + 1);
  let depth = 0;
  let expectKey = false;
  let line = 1;
  let lineStart = 0;

  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9) continue;
    if (ch === 10 || ch === 13) {
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      line++;
      lineStart = i + 1;
      continue;
    }
    if (ch === 125 /* } */ || ch === 93 /* ] */) {
      if (depth === 0) return { notStrictAt: i };
      const ord = open[--depth]!;
      if (((cs[ord * C_STRIDE + C_FLAGS]! & ARRAY) !== 0) !== (ch === 93)) return { notStrictAt: i };
      cs[ord * C_STRIDE + C_END_LINE] = line;
      cs[ord * C_STRIDE + C_END] = i;
      // The member whose value this container was ends here.
      if (depth > 0 && last[depth - 1]! >= 0) ms[last[depth - 1]! * M_STRIDE + M_END_LINE] = line;
      expectKey = false;
      continue;
    }
    if (ch === 44 /* , */) {
      expectKey = depth > 0 && (cs[open[depth - 1]! * C_STRIDE + C_FLAGS]! & ARRAY) === 0;
      continue;
    }
    if (ch === 58 /* : */) continue;
    if (ch === 47 /* / */) return { notStrictAt: i };

    let end = i;
    if (ch === 34 /* " */) {
      end = stringEnd(text, i);
      if (end < 0) return { notStrictAt: i };
      if (expectKey) {
        const parent = open[depth - 1]!;
        if ((mCount + 1) * M_STRIDE > ms.length) {
          if (mCount + cCount >= maxValues) return 'too-many';
          ms = grown(ms);
        }
        const m = mCount++;
        const at = m * M_STRIDE;
        ms[at + M_LINE] = line;
        ms[at + M_COLUMN] = i - lineStart + 1;
        ms[at + M_VALUE] = -1;
        ms[at + M_NEXT] = -1;
        ms[at + M_OFFSET] = i;
        const previous = last[depth - 1]!;
        if (previous < 0) cs[parent * C_STRIDE + C_FIRST] = m;
        else ms[previous * M_STRIDE + M_NEXT] = m;
        last[depth - 1] = m;
        cs[parent * C_STRIDE + C_COUNT]!++;
        const first = text.charCodeAt(i + 1);
        if ((first >= 48 && first <= 57) || hasBackslash(text, i + 1, end)) cs[parent * C_STRIDE + C_FLAGS]! |= NAMED;
        expectKey = false;
        i = end;
        continue;
      }
    } else if (ch !== 123 /* { */ && ch !== 91 /* [ */) {
      // A number, true, false or null: it runs to the next separator and stays on its line.
      while (end + 1 < n) {
        const next = text.charCodeAt(end + 1);
        if (next === 44 || next === 93 || next === 125 || next === 32 || next === 10 || next === 13 || next === 9 || next === 58 || next === 34 || next === 47) break;
        end++;
      }
    }

    // A value starts here: a new item in an array; in an object, the value of the last key.
    let ord = -1;
    if (ch === 123 || ch === 91) {
      if (depth === maxDepth) return 'too-deep';
      if ((cCount + 1) * C_STRIDE > cs.length) {
        if (mCount + cCount >= maxValues) return 'too-many';
        cs = grown(cs);
      }
      ord = cCount++;
      const at = ord * C_STRIDE;
      cs[at + C_LINE] = line;
      cs[at + C_COLUMN] = i - lineStart + 1;
      cs[at + C_FIRST] = -1;
      cs[at + C_COUNT] = 0;
      cs[at + C_FLAGS] = ch === 91 ? ARRAY : 0;
      cs[at + C_START] = i;
    }
    if (depth > 0) {
      const parent = open[depth - 1]!;
      let m = last[depth - 1]!;
      if ((cs[parent * C_STRIDE + C_FLAGS]! & ARRAY) !== 0) {
        if ((mCount + 1) * M_STRIDE > ms.length) {
          if (mCount + cCount >= maxValues) return 'too-many';
          ms = grown(ms);
        }
        const item = mCount++;
        const at = item * M_STRIDE;
        ms[at + M_LINE] = line;
        ms[at + M_COLUMN] = i - lineStart + 1;
        ms[at + M_NEXT] = -1;
        ms[at + M_OFFSET] = -1;
        if (m < 0) cs[parent * C_STRIDE + C_FIRST] = item;
        else ms[m * M_STRIDE + M_NEXT] = item;
        last[depth - 1] = item;
        cs[parent * C_STRIDE + C_COUNT]!++;
        m = item;
      }
      if (m >= 0) {
        ms[m * M_STRIDE + M_VALUE] = ord;
        // Strings, numbers and literals end on the line they start on.
        if (ord < 0) ms[m * M_STRIDE + M_END_LINE] = line;
      }
    }
    if (ord >= 0) {
      open[depth] = ord;
      last[depth] = -1;
      depth++;
      expectKey = ch === 123;
    }
    i = end;
  }
  if (depth !== 0) return { notStrictAt: n };
  // Views, not copies: a copy would need both at once, and the records live only as long as the reading.
  return { containers: cs.subarray(0, cCount * C_STRIDE), members: ms.subarray(0, mCount * M_STRIDE) };
}

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 92) return true;
  return false;
}

/** The name of the key whose opening quote is at `offset`. */
function keyAt(text: string, offset: number): string {
  let end = offset + 1;
  for (;;) {
    const q = text.indexOf('"', end);
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) {
      end = q;
      break;
    }
    end = q + 1;
  }
  const raw = text.slice(offset + 1, end);
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** Where the values of one strictly parsed JSON document came from; spans are made on request. */
export class StrictJsonPositions {
  private readonly ordinals = new Map<object, number>();
  /**
   * Arrays wait here until a reader first asks where one is: most readers ask only about objects and
   * their keys, and a large document has more arrays than objects (each a map entry otherwise).
   */
  private readonly pendingArrays: unknown[][] = [];
  private readonly pendingOrdinals: number[] = [];
  /** Objects whose keys are looked up by name (many keys, or NAMED): key → member. */
  private readonly keyMaps = new Map<number, Map<string, number>>();
  /** Arrays whose items have been looked up: index → member. */
  private readonly itemLists = new Map<number, Int32Array>();
  private lastValue: object | undefined;
  private lastOrdinal = -1;
  /** What keyLines gives, overwritten by each call. */
  private lines = new Int32Array(64);
  /** What `forget` keeps: the root and the lists of a document read piecewise. */
  private readonly pinned = new Map<object, number>();

  constructor(
    private readonly text: string,
    private readonly containers: Int32Array,
    private readonly members: Int32Array,
  ) {}

  /**
   * Ties `value` (JSON.parse's result for the text) and everything in it to the scanned records,
   * giving each object a null prototype as the tolerant reader does. False when the two disagree,
   * which only a bug could cause: the caller then reads the text the tolerant way.
   */
  attach(value: unknown): boolean {
    if (this.containers.length === 0) return typeof value !== 'object' || value === null;
    return this.attachTo(value, 0);
  }

  private attachTo(value: unknown, ord: number): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const c = this.containers;
    const m = this.members;
    const at = ord * C_STRIDE;
    const isArray = (c[at + C_FLAGS]! & ARRAY) !== 0;
    if (isArray !== Array.isArray(value)) return false;
    if (Array.isArray(value)) {
      this.pendingArrays.push(value);
      this.pendingOrdinals.push(ord);
      if (value.length !== c[at + C_COUNT]) return false;
      // Its object and array items are placeholders here; each is tied when it is read.
      if ((c[at + C_FLAGS]! & SPLIT) !== 0) return true;
      let index = 0;
      for (let k = c[at + C_FIRST]!; k >= 0; k = m[k * M_STRIDE + M_NEXT]!, index++) {
        const child = m[k * M_STRIDE + M_VALUE]!;
        if (child >= 0 && !this.attachTo(value[index], child)) return false;
      }
      return true;
    }
    const record = value as Record<string, unknown>;
    this.ordinals.set(record, ord);
    Object.setPrototypeOf(record, null);
    const keys = Object.keys(record);
    if (keys.length !== c[at + C_COUNT]) c[at + C_FLAGS]! |= NAMED;
    if ((c[at + C_FLAGS]! & NAMED) === 0) {
      let index = 0;
      for (let k = c[at + C_FIRST]!; k >= 0; k = m[k * M_STRIDE + M_NEXT]!, index++) {
        const child = m[k * M_STRIDE + M_VALUE]!;
        if (child >= 0 && !this.attachTo(record[keys[index]!], child)) return false;
      }
      return true;
    }
    // A repeated key keeps its last value (as JSON.parse does): only that one is tied.
    const byName = this.keyMap(ord);
    for (const [name, k] of byName) {
      const child = m[k * M_STRIDE + M_VALUE]!;
      if (child >= 0 && !this.attachTo(record[name], child)) return false;
    }
    return byName.size === keys.length;
  }

  private keyMap(ord: number): Map<string, number> {
    let map = this.keyMaps.get(ord);
    if (map) return map;
    map = new Map<string, number>();
    for (let k = this.containers[ord * C_STRIDE + C_FIRST]!; k >= 0; k = this.members[k * M_STRIDE + M_NEXT]!) {
      const name = keyAt(this.text, this.members[k * M_STRIDE + M_OFFSET]!);
      map.delete(name);
      map.set(name, k);
    }
    this.keyMaps.set(ord, map);
    return map;
  }

  private memberSpan(k: number): Span {
    const at = k * M_STRIDE;
    return { line: this.members[at + M_LINE]!, column: this.members[at + M_COLUMN]!, endLine: this.members[at + M_END_LINE]! };
  }

  private ordinalOf(value: object): number | undefined {
    // Readers ask about one object several times in a row (itself, then its keys).
    if (value === this.lastValue) return this.lastOrdinal;
    const ord = this.lookUp(value);
    if (ord !== undefined) {
      this.lastValue = value;
      this.lastOrdinal = ord;
    }
    return ord;
  }

  private lookUp(value: object): number | undefined {
    const ord = this.ordinals.get(value);
    if (ord !== undefined) return ord;
    if (Array.isArray(value) && this.pendingArrays.length > 0) {
      this.settleArrays();
      const array = this.ordinals.get(value);
      if (array !== undefined) return array;
    }
    return this.pinned.size > 0 ? this.pinned.get(value) : undefined;
  }

  private settleArrays(): void {
    for (let i = 0; i < this.pendingArrays.length; i++) this.ordinals.set(this.pendingArrays[i]!, this.pendingOrdinals[i]!);
    this.pendingArrays.length = 0;
    this.pendingOrdinals.length = 0;
  }

  /** Keeps what is tied so far through every later `forget`. */
  pin(): void {
    this.settleArrays();
    for (const [value, ord] of this.ordinals) this.pinned.set(value, ord);
    this.ordinals.clear();
  }

  /** Drops what was tied since the last `pin` or `forget`: a piece that has been read. */
  forget(): void {
    // Clearing a map makes it a new table: only those that hold something (most pieces have no keyMaps or itemLists).
    if (this.ordinals.size > 0) this.ordinals.clear();
    if (this.keyMaps.size > 0) this.keyMaps.clear();
    if (this.itemLists.size > 0) this.itemLists.clear();
    this.pendingArrays.length = 0;
    this.pendingOrdinals.length = 0;
    this.lastValue = undefined;
    this.lastOrdinal = -1;
  }

  /** Ties a value JSON.parse read from the text of container `ord` alone; false when they disagree. */
  attachPiece(value: unknown, ord: number): boolean {
    return this.attachTo(value, ord);
  }

  /** The container a value was tied to. */
  ordinal(value: unknown): number | undefined {
    return typeof value === 'object' && value !== null ? this.ordinalOf(value) : undefined;
  }

  of(value: unknown): Span | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const ord = this.ordinalOf(value);
    if (ord === undefined) return undefined;
    const at = ord * C_STRIDE;
    return { line: this.containers[at + C_LINE]!, column: this.containers[at + C_COLUMN]!, endLine: this.containers[at + C_END_LINE]! };
  }

  key(owner: unknown, key: string): Span | undefined {
    if (typeof owner !== 'object' || owner === null || Array.isArray(owner)) return undefined;
    const ord = this.ordinalOf(owner);
    if (ord === undefined) return undefined;
    const at = ord * C_STRIDE;
    if ((this.containers[at + C_FLAGS]! & NAMED) !== 0 || this.containers[at + C_COUNT]! > 16) {
      const k = this.keyMap(ord).get(key);
      return k === undefined ? undefined : this.memberSpan(k);
    }
    // A few plain keys: compare them in place in the text.
    for (let k = this.containers[at + C_FIRST]!; k >= 0; k = this.members[k * M_STRIDE + M_NEXT]!) {
      const offset = this.members[k * M_STRIDE + M_OFFSET]! + 1;
      if (this.text.startsWith(key, offset) && this.text.charCodeAt(offset + key.length) === 34) return this.memberSpan(k);
    }
    return undefined;
  }

  /**
   * The lines of an object's keys in the order of `Object.keys` (see PositionLookup): the text's
   * order, read off the member list, unless the object's keys must be read by name (see NAMED).
   */
  keyLines(owner: Record<string, unknown>, keys: readonly string[]): Int32Array {
    if (this.lines.length < keys.length * 2) this.lines = new Int32Array(keys.length * 4);
    const out = this.lines;
    const ord = this.ordinalOf(owner);
    if (ord === undefined) return out.fill(0, 0, keys.length * 2);
    const at = ord * C_STRIDE;
    if ((this.containers[at + C_FLAGS]! & NAMED) !== 0 || this.containers[at + C_COUNT]! !== keys.length) {
      for (let i = 0; i < keys.length; i++) {
        const span = this.key(owner, keys[i]!);
        out[2 * i] = span?.line ?? 0;
        out[2 * i + 1] = span?.endLine ?? 0;
      }
      return out;
    }
    let i = 0;
    for (let k = this.containers[at + C_FIRST]!; k >= 0; k = this.members[k * M_STRIDE + M_NEXT]!, i += 2) {
      out[i] = this.members[k * M_STRIDE + M_LINE]!;
      out[i + 1] = this.members[k * M_STRIDE + M_END_LINE]!;
    }
    return out;
  }

  item(owner: unknown, index: number): Span | undefined {
    if (!Array.isArray(owner)) return undefined;
    const ord = this.ordinalOf(owner);
    if (ord === undefined) return undefined;
    let list = this.itemLists.get(ord);
    if (!list) {
      list = new Int32Array(this.containers[ord * C_STRIDE + C_COUNT]!);
      let i = 0;
      for (let k = this.containers[ord * C_STRIDE + C_FIRST]!; k >= 0; k = this.members[k * M_STRIDE + M_NEXT]!) list[i++] = k;
      this.itemLists.set(ord, list);
    }
    const k = list[index];
    return k === undefined ? undefined : this.memberSpan(k);
  }
}

/** A piece of a document read piecewise that JSON.parse refused, or that did not match the scan. */
export class NotStrictPiece extends Error {}

/**
 * A strict JSON document whose largest lists are read one item at a time. The lists are the root,
 * when it is a list, or else the lists its keys hold (`{"SecurityGroups": [...]}`). JSON.parse reads
 * a skeleton of the text, each object or array item of those lists replaced by `0`, and then each
 * such item from its own text when a reader comes to it; the item's values and their ties to the
 * scanned positions are let go when the reader moves on. So a large document is never a tree of
 * values all at once, and most of its objects die young, where the collector is cheapest.
 *
 * The whole text is strict JSON if and only if the skeleton and every item are: an item is a
 * complete value (the scan matched its brackets), and the skeleton has a value in its place. A
 * piece that JSON.parse refuses throws NotStrictPiece, and the reader starts over with the whole
 * document (see readJsonPiecewise in document.ts), which reports the error as it always has.
 */
export class PiecewiseJson {
  private constructor(
    private readonly text: string,
    private readonly containers: Int32Array,
    private readonly members: Int32Array,
    private readonly lists: number[],
    readonly positions: StrictJsonPositions,
    readonly value: unknown,
  ) {}

  /** Gives the scan's records back as they were, for reading the document whole. */
  unsplit(): void {
    for (const list of this.lists) this.containers[list * C_STRIDE + C_FLAGS]! &= ~SPLIT;
  }

  /** The document with its lists split, or undefined when it has none or the skeleton is not strict JSON. */
  static read(text: string, structure: JsonStructure): PiecewiseJson | undefined {
    const { containers: c, members: m } = structure;
    if (c.length === 0) return undefined;
    const lists: number[] = [];
    if ((c[C_FLAGS]! & ARRAY) !== 0) lists.push(0);
    else {
      for (let k = c[C_FIRST]!; k >= 0; k = m[k * M_STRIDE + M_NEXT]!) {
        const v = m[k * M_STRIDE + M_VALUE]!;
        if (v >= 0 && (c[v * C_STRIDE + C_FLAGS]! & ARRAY) !== 0) lists.push(v);
      }
    }
    const skeleton: string[] = [];
    let from = 0;
    for (const list of lists) {
      for (let k = c[list * C_STRIDE + C_FIRST]!; k >= 0; k = m[k * M_STRIDE + M_NEXT]!) {
        const item = m[k * M_STRIDE + M_VALUE]!;
        if (item < 0) continue;
        skeleton.push(text.slice(from, c[item * C_STRIDE + C_START]), '0');
        from = c[item * C_STRIDE + C_END]! + 1;
      }
    }
    if (skeleton.length === 0) return undefined;
    skeleton.push(text.slice(from));
    let value: unknown;
    try {
      value = JSON.parse(skeleton.join(''));
    } catch {
      return undefined;
    }
    for (const list of lists) c[list * C_STRIDE + C_FLAGS]! |= SPLIT;
    const positions = new StrictJsonPositions(text, c, m);
    if (!positions.attach(value)) {
      for (const list of lists) c[list * C_STRIDE + C_FLAGS]! &= ~SPLIT;
      return undefined;
    }
    positions.pin();
    return new PiecewiseJson(text, c, m, lists, positions, value);
  }

  /**
   * The items of a list of the document: a split list's objects and arrays are read as the
   * iteration reaches them, each forgotten when it moves on; any other list is itself.
   */
  items(list: unknown[]): Iterable<unknown> {
    const ord = this.positions.ordinal(list);
    if (ord === undefined || (this.containers[ord * C_STRIDE + C_FLAGS]! & SPLIT) === 0) return list;
    return this.pieces(list, ord);
  }

  private *pieces(list: unknown[], ord: number): Generator<unknown> {
    const c = this.containers;
    const m = this.members;
    let index = 0;
    for (let k = c[ord * C_STRIDE + C_FIRST]!; k >= 0; k = m[k * M_STRIDE + M_NEXT]!, index++) {
      const item = m[k * M_STRIDE + M_VALUE]!;
      if (item < 0) {
        yield list[index];
        continue;
      }
      this.positions.forget();
      let value: unknown;
      try {
        value = JSON.parse(this.text.slice(c[item * C_STRIDE + C_START], c[item * C_STRIDE + C_END]! + 1));
      } catch {
        throw new NotStrictPiece(`item ${index} of a list is not strict JSON`);
      }
      if (!this.positions.attachPiece(value, item)) throw new NotStrictPiece(`item ${index} of a list does not match the scan`);
      yield value;
    }
    this.positions.forget();
  }
}
