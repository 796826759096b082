import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { MAX_NESTING, nestingDepth } from '@portcullis/model';
import type { Span } from './report.js';
import { NotStrictPiece, PiecewiseJson, StrictJsonPositions, scanJsonStructure, type JsonLimits, type JsonStructure, type ScanOutcome } from './strict-json.js';

/** Where the values of a document came from: readers ask, the loaders answer. */
export interface PositionLookup {
  /** The span of an object or array. */
  of(value: unknown): Span | undefined;
  /** The span of a key and its value. */
  key(owner: unknown, key: string): Span | undefined;
  /** The span of the i-th item of an array. */
  item(owner: unknown, index: number): Span | undefined;
  /**
   * The first and last line of each of `keys` (`Object.keys(owner)`), at 2i and 2i + 1; 0 where
   * not known. The array is the lookup's own, overwritten by its next call: readers account for
   * every key of every object, and a span object per key was most of what they allocated.
   */
  keyLines(owner: Record<string, unknown>, keys: readonly string[]): Int32Array;
}

/**
 * A JSON or YAML document as plain values, with the place of every object, array, key and list item
 * kept beside them (never inside the user's data): readers look up where a value came from.
 */
export class Positions implements PositionLookup {
  private readonly nodes = new WeakMap<object, Span>();
  private readonly keys = new WeakMap<object, Map<string, Span>>();
  private readonly items = new WeakMap<object, Span[]>();
  private lines = new Int32Array(64);

  setNode(value: object, span: Span): void {
    this.nodes.set(value, span);
  }

  setKey(owner: object, key: string, span: Span): void {
    let map = this.keys.get(owner);
    if (!map) this.keys.set(owner, (map = new Map<string, Span>()));
    map.set(key, span);
  }

  setItems(owner: unknown[], spans: Span[]): void {
    this.items.set(owner, spans);
  }

  /** The span of an object or array. */
  of(value: unknown): Span | undefined {
    return typeof value === 'object' && value !== null ? this.nodes.get(value) : undefined;
  }

  /** The span of a key and its value. */
  key(owner: unknown, key: string): Span | undefined {
    return typeof owner === 'object' && owner !== null ? this.keys.get(owner)?.get(key) : undefined;
  }

  /** The span of the i-th item of an array. */
  item(owner: unknown, index: number): Span | undefined {
    return Array.isArray(owner) ? this.items.get(owner)?.[index] : undefined;
  }

  keyLines(owner: Record<string, unknown>, keys: readonly string[]): Int32Array {
    if (this.lines.length < keys.length * 2) this.lines = new Int32Array(keys.length * 4);
    const map = this.keys.get(owner);
    for (let i = 0; i < keys.length; i++) {
      const span = map?.get(keys[i]!);
      this.lines[2 * i] = span?.line ?? 0;
      this.lines[2 * i + 1] = span?.endLine ?? 0;
    }
    return this.lines;
  }
}

export interface DocumentError {
  line: number;
  column: number;
  message: string;
}

export interface Document {
  value: unknown;
  positions: PositionLookup;
  errors: DocumentError[];
}

/** Maps offsets in a text to 1-based lines and columns. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  column(offset: number): number {
    return offset - this.starts[this.line(offset) - 1]! + 1;
  }

  span(start: number, end: number): Span {
    return { line: this.line(start), column: this.column(start), endLine: this.line(Math.max(start, end - 1)) };
  }
}

/**
 * JSON longer than this (in UTF-16 units) is read only when it is strict JSON. The tolerant reader
 * (jsonc-parser's tree, then a span object for every key and item) needs 30 to 40 times the text
 * in memory; the strict one stays near JSON.parse's own.
 */
export const MAX_TOLERANT_JSON_CHARS = 32 * 1024 * 1024;

/**
 * Past MAX_TOLERANT_JSON_CHARS, the most values (objects, arrays, keys, items) a text may hold: a
 * 50,000-group describe-security-groups output (127 MB) has 4.5 million; a text packing more into
 * fewer bytes (`[[],[],…]`) would cost gigabytes for JSON.parse alone.
 */
export const MAX_LARGE_JSON_VALUES = 16_000_000;

function tooDeep(): Document {
  return { value: undefined, positions: new Positions(), errors: [{ line: 1, column: 1, message: `JSON nested more than ${MAX_NESTING} levels deep; not read` }] };
}

/**
 * Reads JSON into positioned values. Strict JSON goes through JSON.parse and a scan of the text for
 * positions; anything else (comments and trailing commas, tolerated and reported; errors) through
 * the tolerant reader, which gives the same values and spans for strict JSON, only slower.
 */
export function loadJson(text: string): Document {
  return readScanned(text, scan(text));
}

function limitsOf(text: string): JsonLimits {
  return { maxDepth: MAX_NESTING, maxValues: text.length > MAX_TOLERANT_JSON_CHARS ? MAX_LARGE_JSON_VALUES : Infinity };
}

function scan(text: string, stepOverItems = false): ScanOutcome {
  const { maxDepth, maxValues } = limitsOf(text);
  return scanJsonStructure(text, maxDepth, maxValues, stepOverItems);
}

function isStructure(outcome: ScanOutcome): outcome is JsonStructure {
  return typeof outcome === 'object' && !('notStrictAt' in outcome);
}

function readScanned(text: string, structure: ScanOutcome): Document {
  const large = text.length > MAX_TOLERANT_JSON_CHARS;
  if (structure === 'too-deep') return tooDeep();
  if (structure === 'too-many') {
    const message = `JSON over ${MAX_TOLERANT_JSON_CHARS / 1024 / 1024} MiB with more than ${MAX_LARGE_JSON_VALUES.toLocaleString('en')} values (objects, arrays, keys and items) is not read`;
    return { value: undefined, positions: new Positions(), errors: [{ line: 1, column: 1, message }] };
  }
  let parseError: unknown;
  if (!('notStrictAt' in structure)) {
    try {
      const value: unknown = JSON.parse(text);
      const positions = new StrictJsonPositions(text, structure.containers, structure.members);
      if (positions.attach(value)) return { value, positions, errors: [] };
    } catch (error) {
      parseError = error;
    }
  }
  if (!large) return loadTolerantJson(text);
  if (parseError === undefined) {
    try {
      JSON.parse(text);
    } catch (error) {
      parseError = error;
    }
  }
  const message = parseError instanceof Error ? parseError.message : 'its structure could not be followed';
  // Where the scan stopped (a comment, an unclosed string), or else where JSON.parse says.
  const at = 'notStrictAt' in structure ? structure.notStrictAt : Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
  const where = lineAndColumn(text, at);
  return {
    value: undefined,
    positions: new Positions(),
    errors: [{ ...where, message: `JSON over ${MAX_TOLERANT_JSON_CHARS / 1024 / 1024} MiB is read only when it is strict JSON (no comments, no trailing commas): ${message}` }],
  };
}

/** A document whose largest lists a reader may take one item at a time. */
export interface PiecewiseDocument extends Document {
  /**
   * The items of a list of the document. When the document is read piecewise (PiecewiseJson), the
   * object and array items of its top lists are read as the iteration reaches them, and their values
   * and positions are let go when it moves on: a reader must be done with an item by then, and
   * walk one top list at a time (an item of another lets the current one go too). Any other list,
   * and every list of a document read whole, is itself.
   */
  items(list: unknown[]): Iterable<unknown>;
}

/**
 * Reads JSON with `read`: strict JSON piecewise (PiecewiseJson), anything else as loadJson reads it.
 * When a piece turns out not to be strict JSON, `read` runs again over the whole document, so it
 * must start from nothing each time (a fresh ledger, fresh lists): what the first run did is dropped.
 */
export function readJsonPiecewise<T>(text: string, read: (doc: PiecewiseDocument) => T): T {
  // Indented output is read without looking at most of its characters (see scanJsonStructure);
  // when that fails, the reader starts over with a scan of every character.
  const stepped = scan(text, true);
  if (isStructure(stepped) && stepped.unread > 0) {
    const piecewise = PiecewiseJson.read(text, stepped, limitsOf(text));
    const done = piecewise && readPieces(piecewise, read, true);
    if (done) return done.result;
  }
  const structure = isStructure(stepped) && stepped.unread > 0 ? scan(text) : stepped;
  const piecewise = isStructure(structure) ? PiecewiseJson.read(text, structure) : undefined;
  if (piecewise) {
    const done = readPieces(piecewise, read, false);
    if (done) return done.result;
    piecewise.unsplit();
  }
  const whole = readScanned(text, structure);
  return read({ ...whole, items: (list) => list });
}

/**
 * `read` over a document read piecewise: its result, or undefined when a piece is not strict JSON.
 * A stepped scan's document is finished too (see PiecewiseJson.finish): the items it stepped over
 * and the reader did not come to are read, as they count toward its limits.
 */
function readPieces<T>(piecewise: PiecewiseJson, read: (doc: PiecewiseDocument) => T, stepped: boolean): { result: T } | undefined {
  try {
    const result = read({ value: piecewise.value, positions: piecewise.positions, errors: [], items: (list) => piecewise.items(list) });
    if (stepped) piecewise.finish();
    return { result };
  } catch (error) {
    if (!(error instanceof NotStrictPiece)) throw error;
    return undefined;
  }
}

/** The 1-based line and column of an offset, lines counted as LineIndex counts them. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 10 || c === 13) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Reads JSON with jsonc-parser: comments and trailing commas are tolerated, and reported, as are errors. */
export function loadTolerantJson(text: string): Document {
  const errors: ParseError[] = [];
  const index = new LineIndex(text);
  const positions = new Positions();
  const out: DocumentError[] = [];
  let root: JsonNode | undefined;
  if (nestingDepth(text, MAX_NESTING) > MAX_NESTING) {
    // jsonc-parser and the builder below recurse: a document this deep would overflow the stack.
    return tooDeep();
  }
  try {
    root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  } catch (error) {
    out.push({ line: 1, column: 1, message: `the JSON could not be read: ${String(error)}` });
  }
  for (const e of errors.slice(0, 20)) {
    out.push({ line: index.line(e.offset), column: index.column(e.offset), message: `JSON: ${printParseErrorCode(e.error)}` });
  }
  let value: unknown;
  try {
    value = root ? build(root, index, positions) : undefined;
  } catch (error) {
    out.push({ line: 1, column: 1, message: `the JSON could not be read: ${String(error)}` });
  }
  return { value, positions, errors: out };
}

function build(node: JsonNode, index: LineIndex, positions: Positions): unknown {
  switch (node.type) {
    case 'object': {
      const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const prop of node.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        if (!keyNode || typeof keyNode.value !== 'string') continue;
        obj[keyNode.value] = valueNode ? build(valueNode, index, positions) : null;
        positions.setKey(obj, keyNode.value, index.span(prop.offset, prop.offset + prop.length));
      }
      positions.setNode(obj, index.span(node.offset, node.offset + node.length));
      return obj;
    }
    case 'array': {
      const items = node.children ?? [];
      const arr = items.map((c) => build(c, index, positions));
      positions.setItems(arr, items.map((c) => index.span(c.offset, c.offset + c.length)));
      positions.setNode(arr, index.span(node.offset, node.offset + node.length));
      return arr;
    }
    default:
      return node.value as unknown;
  }
}

/** Plain-object check for values read from JSON or YAML. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
