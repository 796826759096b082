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
/** A list item the scan stepped over (see itemEnd): its values are found when it is read (StrictJsonPositions.walkPiece). */
const UNREAD = 8;
/** An UNREAD item that has been read once, its values counted against the limit. */
const COUNTED = 16;

/**
 * The longest list item the scan steps over. JSON.parse reads such an item before its values are
 * counted, so this bounds what an item packed with values (`[[],[],…]`) can cost; a longer one is
 * scanned like the rest.
 */
const MAX_STEP_CHARS = 1 << 20;

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
  /** Items the scan stepped over (UNREAD): none unless it was asked to. */
  unread: number;
}

/** How deep a text may nest, and how many values (objects, arrays, keys, items) it may hold. */
export interface JsonLimits {
  maxDepth: number;
  maxValues: number;
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
 *
 * With `stepOverItems`, the items of the top lists (those PiecewiseJson reads one at a time) are
 * stepped over where the text is indented (see itemEnd): the scan records where each starts and
 * ends, and its values are found when a reader comes to it, from the value JSON.parse reads and the
 * item's text (StrictJsonPositions.walkPiece); most of a CLI's output is never looked at a character
 * at a time. Whatever the scan says other than a structure is what it would say without stepping.
 *
 * The scan itself is one function with no closures, as it runs once per character of files of
 * hundreds of megabytes.
 */
export function scanJsonStructure(text: string, maxDepth: number, maxValues = Infinity, stepOverItems = false): ScanOutcome {
  // Line breaks in the items stepped over (and in walkPiece) are counted by their '\n': a text
  // where a '\r' is a break of its own is scanned whole.
  const outcome = scan(text, maxDepth, maxValues, stepOverItems && !hasLoneCarriageReturn(text));
  // Past an item stepped over on a wrong guess, the scan is out of step with the text: where it
  // stopped says nothing, and the text is scanned again item by item.
  if (stepOverItems && (typeof outcome !== 'object' || 'notStrictAt' in outcome)) return scan(text, maxDepth, maxValues, false);
  return outcome;
}

/** Whether a '\r' in `text` is not followed by '\n' (then it ends a line by itself). */
function hasLoneCarriageReturn(text: string): boolean {
  for (let r = text.indexOf('\r'); r >= 0; r = text.indexOf('\r', r + 1)) if (text.charCodeAt(r + 1) !== 10) return true;
  return false;
}

/** What itemEnd says of a bracket that is not alone on its line after its indentation, and of one whose closing line it did not find. */
const NOT_INDENTED = -1;
const NO_END = -2;

/**
 * Where the container opened at `open` ends, when the text is indented the way the CLIs print it:
 * the bracket ends its line and is the first thing on it, and the closing bracket is the first one
 * after it that starts a line with the same indentation. This is a guess, cheap because it looks only
 * at closing brackets: JSON.parse of the item's text settles it, as a text that starts with `{` and
 * parses as one value can end nowhere but at that value's end.
 */
function itemEnd(text: string, open: number, lineStart: number): number {
  const width = open - lineStart;
  for (let k = lineStart; k < open; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9) return NOT_INDENTED;
  }
  const next = text.charCodeAt(open + 1);
  if (next !== 10 && !(next === 13 && text.charCodeAt(open + 2) === 10)) return NOT_INDENTED;
  const bracket = text.charCodeAt(open) === 123 ? '}' : ']';
  for (let j = text.indexOf(bracket, open + 2); j >= 0 && j - open <= MAX_STEP_CHARS; j = text.indexOf(bracket, j + 1)) {
    if (text.charCodeAt(j - width - 1) !== 10) continue;
    let k = 0;
    while (k < width && text.charCodeAt(j - width + k) === text.charCodeAt(lineStart + k)) k++;
    if (k === width) return j;
  }
  return NO_END;
}

function scan(text: string, maxDepth: number, maxValues: number, stepOverItems: boolean): ScanOutcome {
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
  let stepping = stepOverItems;
  let unread = 0;

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
      // An item of a top list: the root's, or a list the root object holds.
      if (stepping && depth > 0 && (cs[open[depth - 1]! * C_STRIDE + C_FLAGS]! & ARRAY) !== 0 && (depth === 1 || (depth === 2 && (cs[C_FLAGS]! & ARRAY) === 0))) {
        const close = itemEnd(text, i, lineStart);
        if (close >= 0) {
          for (let b = text.indexOf('\n', i); b >= 0 && b < close; b = text.indexOf('\n', b + 1)) line++;
          lineStart = close - (i - lineStart);
          const at = ord * C_STRIDE;
          cs[at + C_FLAGS]! |= UNREAD;
          cs[at + C_END] = close;
          cs[at + C_END_LINE] = line;
          ms[last[depth - 1]! * M_STRIDE + M_END_LINE] = line;
          unread++;
          i = close;
          continue;
        }
        // An item with no closing line in reach: stepping would look that far again for each item.
        if (close === NO_END) stepping = false;
      }
      open[depth] = ord;
      last[depth] = -1;
      depth++;
      expectKey = ch === 123;
    }
    i = end;
  }
  if (depth !== 0) return { notStrictAt: n };
  // Views, not copies: a copy would need both at once, and the records live only as long as the reading.
  return { containers: cs.subarray(0, cCount * C_STRIDE), members: ms.subarray(0, mCount * M_STRIDE), unread };
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

function skipBlanks(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) i++;
    else return i;
  }
}

/** How many objects and arrays of a piece are looked up in order (StrictJsonPositions.walked). */
const MAX_WALKED = 64;

/** Where the values of one strictly parsed JSON document came from; spans are made on request. */
export class StrictJsonPositions {
  private containers: Int32Array;
  private members: Int32Array;
  /** Records in use: the scan's, and after them those of the piece being read (walkPiece adds them, forget drops them). */
  private containerCount: number;
  private memberCount: number;
  private readonly scannedContainers: number;
  private readonly scannedMembers: number;
  /** Where walkPiece is: the line it is on, where that line starts and the next line break (-1: none). */
  private walkLine = 1;
  private walkLineStart = 0;
  private walkBreak = -1;
  private readonly ordinals = new Map<object, number>();
  /**
   * The objects and arrays walkPiece tied, in the order walked: a piece holds a few dozen, and
   * readers ask about them mostly in that order, so each is looked for from where the last was
   * found, where a Map (and its table) would be made anew for every piece. Past MAX_WALKED they go
   * to `ordinals` and `pendingArrays`.
   */
  private readonly walked: (object | undefined)[] = [];
  private readonly walkedOrdinals = new Int32Array(MAX_WALKED);
  private walkedCount = 0;
  private walkedFound = 0;
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
    containers: Int32Array,
    members: Int32Array,
    /** The limits walkPiece keeps to (the scan kept to them for the rest). */
    private readonly limits: JsonLimits = { maxDepth: Infinity, maxValues: Infinity },
  ) {
    this.containers = containers;
    this.members = members;
    this.containerCount = this.scannedContainers = containers.length / C_STRIDE;
    this.memberCount = this.scannedMembers = members.length / M_STRIDE;
  }

  /**
   * Ties `value` (JSON.parse's result for the text) and everything in it to the scanned records,
   * giving each object a null prototype as the tolerant reader does. False when the two disagree,
   * which only a bug could cause: the caller then reads the text the tolerant way.
   */
  attach(value: unknown): boolean {
    if (this.containerCount === 0) return typeof value !== 'object' || value === null;
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
    if (this.walkedCount > 0) {
      const walked = this.walkedOrdinal(value);
      if (walked >= 0) return walked;
    }
    const ord = this.ordinals.get(value);
    if (ord !== undefined) return ord;
    if (Array.isArray(value) && this.pendingArrays.length > 0) {
      this.settleArrays();
      const array = this.ordinals.get(value);
      if (array !== undefined) return array;
    }
    return this.pinned.size > 0 ? this.pinned.get(value) : undefined;
  }

  private walkedOrdinal(value: object): number {
    const n = this.walkedCount;
    for (let i = this.walkedFound, k = 0; k < n; k++, i = i + 1 === n ? 0 : i + 1) {
      if (this.walked[i] === value) {
        this.walkedFound = i;
        return this.walkedOrdinals[i]!;
      }
    }
    return -1;
  }

  private tieWalked(value: object, ord: number): void {
    if (this.walkedCount < MAX_WALKED) {
      this.walked[this.walkedCount] = value;
      this.walkedOrdinals[this.walkedCount++] = ord;
    } else if (Array.isArray(value)) {
      this.pendingArrays.push(value);
      this.pendingOrdinals.push(ord);
    } else this.ordinals.set(value, ord);
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
    this.containerCount = this.scannedContainers;
    this.memberCount = this.scannedMembers;
    // Clearing a map makes it a new table: only those that hold something (most pieces have no keyMaps or itemLists).
    if (this.ordinals.size > 0) this.ordinals.clear();
    if (this.keyMaps.size > 0) this.keyMaps.clear();
    if (this.itemLists.size > 0) this.itemLists.clear();
    this.pendingArrays.length = 0;
    this.pendingOrdinals.length = 0;
    for (let i = 0; i < this.walkedCount; i++) this.walked[i] = undefined;
    this.walkedCount = 0;
    this.walkedFound = 0;
    this.lastValue = undefined;
    this.lastOrdinal = -1;
  }

  /** Ties a value JSON.parse read from the text of container `ord` alone; false when they disagree. */
  attachPiece(value: unknown, ord: number): boolean {
    return this.attachTo(value, ord);
  }

  /**
   * Ties a value JSON.parse read from the text of container `ord`, an item the scan stepped over
   * (UNREAD) at nesting level `level` (the root is level 1), making the records of everything in it
   * as the scan would have. It walks the item's text along the value: each bracket, key, colon,
   * comma and scalar is checked where the value says it must be, blanks are skipped, and after a
   * comma in an object it jumps to the next quote (only a key can come there), so most of the
   * indentation is never looked at. Lines come from the line breaks found by indexOf, in order.
   *
   * Gives the number of values it recorded (the limit counts them), or -1 where the text and the
   * value part: a repeated key (JSON.parse keeps the last, the text has both), nesting past the
   * limit. The caller then reads the document the general way, which handles both.
   */
  walkPiece(value: unknown, ord: number, level: number): number {
    if (typeof value !== 'object' || value === null) return -1;
    const at = ord * C_STRIDE;
    if (Array.isArray(value) !== ((this.containers[at + C_FLAGS]! & ARRAY) !== 0)) return -1;
    const start = this.containers[at + C_START]!;
    this.walkLine = this.containers[at + C_LINE]!;
    this.walkLineStart = start - this.containers[at + C_COLUMN]! + 1;
    this.walkBreak = this.text.indexOf('\n', start);
    const before = this.containerCount + this.memberCount;
    const end = this.walkContainer(value, ord, level);
    if (end !== this.containers[at + C_END]! + 1) return -1;
    return this.containerCount + this.memberCount - before;
  }

  /** The line of `offset`, which is not before any offset asked since the walk started. */
  private lineAt(offset: number): number {
    while (this.walkBreak >= 0 && this.walkBreak < offset) {
      this.walkLine++;
      this.walkLineStart = this.walkBreak + 1;
      this.walkBreak = this.text.indexOf('\n', this.walkLineStart);
    }
    return this.walkLine;
  }

  private addContainer(offset: number, flags: number): number {
    if ((this.containerCount + 1) * C_STRIDE > this.containers.length) this.containers = grown(this.containers);
    const ord = this.containerCount++;
    const at = ord * C_STRIDE;
    const c = this.containers;
    c[at + C_LINE] = this.lineAt(offset);
    c[at + C_COLUMN] = offset - this.walkLineStart + 1;
    c[at + C_FLAGS] = flags;
    c[at + C_START] = offset;
    return ord;
  }

  /** A member of container `parent` that starts at `offset`, after `previous` (-1: the first). */
  private addMember(offset: number, keyOffset: number, parent: number, previous: number): number {
    if ((this.memberCount + 1) * M_STRIDE > this.members.length) this.members = grown(this.members);
    const k = this.memberCount++;
    const at = k * M_STRIDE;
    const m = this.members;
    m[at + M_LINE] = this.lineAt(offset);
    m[at + M_COLUMN] = offset - this.walkLineStart + 1;
    m[at + M_NEXT] = -1;
    m[at + M_OFFSET] = keyOffset;
    if (previous < 0) this.containers[parent * C_STRIDE + C_FIRST] = k;
    else m[previous * M_STRIDE + M_NEXT] = k;
    return k;
  }

  /** Walks container `ord` (its bracket recorded) along `value`: the offset after its closing bracket, or -1. */
  private walkContainer(value: object, ord: number, level: number): number {
    const text = this.text;
    const at = ord * C_STRIDE;
    let p = this.containers[at + C_START]! + 1;
    let previous = -1;
    let count = 0;
    this.containers[at + C_FIRST] = -1;
    this.tieWalked(value, ord);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (i > 0) {
          p = skipBlanks(text, p);
          if (text.charCodeAt(p) !== 44) return -1;
          p++;
        }
        p = skipBlanks(text, p);
        previous = this.addMember(p, -1, ord, previous);
        count++;
        p = this.walkValue(value[i], p, previous, level);
        if (p < 0) return -1;
      }
      p = skipBlanks(text, p);
      if (text.charCodeAt(p) !== 93) return -1;
    } else {
      const record = value as Record<string, unknown>;
      Object.setPrototypeOf(record, null);
      // The text has as many keys as the value (checked at the closing brace), so none repeats, and
      // each key is the value's key of the same rank. JSON.parse puts keys that are numbers first,
      // in their order: if there is one, it is the first key, and the walk reads each key's name
      // from the text to find its value. (`for in` rather than Object.keys: no list made per object.)
      let byName = false;
      for (const name in record) {
        if (count === 0) {
          const first = name.charCodeAt(0);
          byName = first >= 48 && first <= 57;
          if (byName) this.containers[at + C_FLAGS]! |= NAMED;
        }
        p = skipBlanks(text, p);
        if (count > 0) {
          if (text.charCodeAt(p) !== 44) return -1;
          // After a comma in an object only a key can come: its quote is the next one.
          p = text.indexOf('"', p + 1);
        }
        if (text.charCodeAt(p) !== 34) return -1;
        previous = this.addMember(p, p, ord, previous);
        count++;
        const end = stringEnd(text, p);
        if (end < 0) return -1;
        let key = name;
        if (byName) key = keyAt(text, p);
        // An escape makes the text longer than the key: such a key is looked up by name.
        else if (end - p - 1 !== key.length) this.containers[at + C_FLAGS]! |= NAMED;
        p = skipBlanks(text, end + 1);
        if (text.charCodeAt(p) !== 58) return -1;
        p = this.walkValue(record[key], skipBlanks(text, p + 1), previous, level);
        if (p < 0) return -1;
      }
      p = skipBlanks(text, p);
      if (text.charCodeAt(p) !== 125) return -1;
    }
    const c = this.containers;
    c[at + C_COUNT] = count;
    c[at + C_END] = p;
    c[at + C_END_LINE] = this.lineAt(p);
    return p + 1;
  }

  /** Walks the value of member `k`, which starts at `p`: the offset after it, or -1. */
  private walkValue(value: unknown, p: number, k: number, level: number): number {
    const text = this.text;
    const ch = text.charCodeAt(p);
    if (typeof value === 'object' && value !== null) {
      const isArray = Array.isArray(value);
      if (ch !== (isArray ? 91 : 123) || level >= this.limits.maxDepth) return -1;
      const ord = this.addContainer(p, isArray ? ARRAY : 0);
      this.members[k * M_STRIDE + M_VALUE] = ord;
      const end = this.walkContainer(value, ord, level + 1);
      this.members[k * M_STRIDE + M_END_LINE] = this.containers[ord * C_STRIDE + C_END_LINE]!;
      return end;
    }
    this.members[k * M_STRIDE + M_VALUE] = -1;
    // Strings, numbers and literals end on the line they start on.
    this.members[k * M_STRIDE + M_END_LINE] = this.lineAt(p);
    if (typeof value === 'string') return ch === 34 ? stringEnd(text, p) + 1 : -1;
    if (ch === 34 || ch === 123 || ch === 91) return -1;
    // A number, true, false or null: it runs to the next separator.
    let q = p + 1;
    for (;;) {
      const next = text.charCodeAt(q);
      if (next === 44 || next === 93 || next === 125 || next === 32 || next === 10 || next === 13 || next === 9 || q >= text.length) return q;
      q++;
    }
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
 * complete value (the scan matched its brackets, or JSON.parse read it whole), and the skeleton has a
 * value in its place. A piece that JSON.parse refuses, or whose values part from the text or pass
 * the limits, throws NotStrictPiece, and the reader starts over with the whole document (see
 * readJsonPiecewise in document.ts), which reports the error as it always has.
 */
export class PiecewiseJson {
  /** Values of the items read so far that the scan stepped over, against the limit. */
  private unreadValues = 0;

  private constructor(
    private readonly text: string,
    private readonly containers: Int32Array,
    private readonly members: Int32Array,
    private readonly lists: number[],
    /** The nesting level of the lists' items (the root is level 1). */
    private readonly itemLevel: number,
    private readonly limits: JsonLimits,
    readonly positions: StrictJsonPositions,
    readonly value: unknown,
  ) {}

  /** Gives the scan's records back as they were, for reading the document whole. */
  unsplit(): void {
    for (const list of this.lists) this.containers[list * C_STRIDE + C_FLAGS]! &= ~SPLIT;
  }

  /** The document with its lists split, or undefined when it has none or the skeleton is not strict JSON. */
  static read(text: string, structure: JsonStructure, limits: JsonLimits = { maxDepth: Infinity, maxValues: Infinity }): PiecewiseJson | undefined {
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
    const positions = new StrictJsonPositions(text, c, m, limits);
    if (!positions.attach(value)) {
      for (const list of lists) c[list * C_STRIDE + C_FLAGS]! &= ~SPLIT;
      return undefined;
    }
    positions.pin();
    const itemLevel = (c[C_FLAGS]! & ARRAY) !== 0 ? 2 : 3;
    return new PiecewiseJson(text, c, m, lists, itemLevel, limits, positions, value);
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
      yield this.piece(item, index);
    }
    this.positions.forget();
  }

  /** The value of item container `item`, the index-th of its list, tied to its positions. */
  private piece(item: number, index: number): unknown {
    const c = this.containers;
    let value: unknown;
    try {
      value = JSON.parse(this.text.slice(c[item * C_STRIDE + C_START], c[item * C_STRIDE + C_END]! + 1));
    } catch {
      throw new NotStrictPiece(`item ${index} of a list is not strict JSON`);
    }
    if ((c[item * C_STRIDE + C_FLAGS]! & UNREAD) === 0) {
      if (!this.positions.attachPiece(value, item)) throw new NotStrictPiece(`item ${index} of a list does not match the scan`);
      return value;
    }
    const values = this.positions.walkPiece(value, item, this.itemLevel);
    if (values < 0) throw new NotStrictPiece(`item ${index} of a list does not match its text`);
    if ((c[item * C_STRIDE + C_FLAGS]! & COUNTED) === 0) {
      c[item * C_STRIDE + C_FLAGS]! |= COUNTED;
      this.unreadValues += values;
      if ((c.length / C_STRIDE) + (this.members.length / M_STRIDE) + this.unreadValues > this.limits.maxValues) throw new NotStrictPiece('more values than the limit');
    }
    return value;
  }

  /**
   * Reads the items the scan stepped over that the reader did not come to (a list it does not
   * read): until JSON.parse has read an item, the scan's guess at its end is only a guess, and its
   * values have not been counted. Throws NotStrictPiece as reading them would have.
   */
  finish(): void {
    const c = this.containers;
    const m = this.members;
    for (const list of this.lists) {
      let index = 0;
      for (let k = c[list * C_STRIDE + C_FIRST]!; k >= 0; k = m[k * M_STRIDE + M_NEXT]!, index++) {
        const item = m[k * M_STRIDE + M_VALUE]!;
        if (item < 0 || (c[item * C_STRIDE + C_FLAGS]! & (UNREAD | COUNTED)) !== UNREAD) continue;
        this.positions.forget();
        this.piece(item, index);
      }
    }
    this.positions.forget();
  }
}
