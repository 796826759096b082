import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import type { Span } from '../common/report.js';

/*
 * HCL is read by tree-sitter's Terraform grammar (WebAssembly, from @tree-sitter-grammars/
 * tree-sitter-hcl): a real parser that keeps every node's position and recovers from errors. Its
 * loader is asynchronous, so it is loaded once when this module is imported (top-level await);
 * parsing itself is synchronous. If the grammar cannot be loaded, Terraform files are reported
 * instead of read.
 */

let parser: Parser | undefined;
let unavailable: string | undefined;
try {
  await Parser.init();
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm');
  const language = await Language.load(readFileSync(wasm));
  parser = new Parser();
  parser.setLanguage(language);
} catch (error) {
  unavailable = String(error);
}

export type { Node, Tree };

/**
 * What each tree was read from: the text tree-sitter was given (U+2028/U+2029 read as spaces) and
 * whether the tree has a syntax error anywhere; where its lines start, once asked. Every question
 * put to a node is a call into WebAssembly (and a node a new object), so a node's text is sliced
 * from the string by its offsets, a span needs only where the node ends, and a tree without errors
 * answers hasError for all of its nodes.
 */
interface Source {
  text: string;
  clean: boolean;
  /** The offset of each line feed, the only line break tree-sitter counts rows by. */
  newlines?: Uint32Array;
}

const sources = new WeakMap<Tree, Source>();

/**
 * How long tree-sitter may take on one file: 2 s, plus 10 ms per kilobyte (valid HCL parses at
 * megabytes a second, so a real file never comes near it). Its error recovery can take time that
 * grows faster than the text on some garbage (70 KB of `"Z$` repeated took 5 s); a file that needs
 * longer is reported.
 */
export const HCL_PARSE_MS = 2_000;
const HCL_MS_PER_CHAR = 0.01;

/**
 * The longest line handed to tree-sitter. Its error recovery on a multi-megabyte line of garbage
 * takes gigabytes (a 10 MB line: 38 s and 2.2 GB); no Terraform file has such a line.
 */
export const MAX_HCL_LINE = 1024 * 1024;

/** The 1-based number of the first line longer than `max` characters, if any. */
function longLine(text: string, max: number): number | undefined {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c !== 10 && c !== 13) continue;
    if (i - start > max) return line;
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    line++;
    start = i + 1;
  }
  return undefined;
}

/** Parses HCL text; the caller deletes the tree when done with it. */
export function parseHcl(text: string): Tree | string {
  if (!parser) return `the HCL grammar could not be loaded: ${unavailable ?? 'unknown error'}`;
  const long = text.length > MAX_HCL_LINE ? longLine(text, MAX_HCL_LINE) : undefined;
  if (long !== undefined) return `line ${long} is longer than ${MAX_HCL_LINE} characters: the file is not read as HCL`;
  const budget = HCL_PARSE_MS + text.length * HCL_MS_PER_CHAR;
  const deadline = performance.now() + budget;
  let late = false;
  try {
    // A progress callback that returns true cancels the parse (tree-sitter's documented contract).
    // Runs of U+2028/U+2029 (no HCL whitespace, no line break for tree-sitter) make its lexer take time
    // that grows with the square of the run, where no progress callback can stop it (74,000 of them:
    // minutes). They are read as spaces: one UTF-16 unit for one, so every position stays where it was.
    const readable = /[\u2028\u2029]/.test(text) ? text.replace(/[\u2028\u2029]/g, ' ') : text;
    const tree = parser.parse(readable, null, { progressCallback: () => (late ||= performance.now() > deadline) });
    if (late) {
      tree?.delete();
      // Tree-sitter resumes a cancelled parse at the next call unless told to start over: the next
      // file would be read as the rest of this one.
      parser.reset();
      return `the HCL parser gave up after ${(budget / 1000).toFixed(1)} s: this text is too far from HCL to recover from its errors in time`;
    }
    if (!tree) return 'the HCL parser returned nothing';
    sources.set(tree, { text: readable, clean: !tree.rootNode.hasError });
    return tree;
  } catch (error) {
    return `the HCL parser failed: ${String(error)}`;
  }
}

/** The text a tree without syntax errors was parsed from; undefined for a tree with errors. */
export function cleanText(tree: Tree): string | undefined {
  const source = sources.get(tree);
  return source?.clean === true ? source.text : undefined;
}

/** A space, tab, line feed or carriage return. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Whether the tree has a syntax error (or a missing token) anywhere. */
export function treeHasError(tree: Tree): boolean {
  const source = sources.get(tree);
  return source ? !source.clean : tree.rootNode.hasError;
}

/** node.hasError, without asking tree-sitter when the node's tree has no error at all. */
export function hasError(node: Node): boolean {
  return sources.get(node.tree)?.clean === true ? false : node.hasError;
}

/** node.text; `end`, when the caller knows node.endIndex already. */
export function textOf(node: Node, end?: number): string {
  const source = sources.get(node.tree);
  return source ? source.text.slice(node.startIndex, end ?? node.endIndex) : node.text;
}

/**
 * The node's lines (1-based) and first column; `end`, when the caller knows node.endIndex already.
 * The end's row is counted from the line feeds before it, as tree-sitter counts it.
 */
export function spanOf(node: Node, end?: number): Span {
  const start = node.startPosition;
  const source = sources.get(node.tree);
  let endRow: number;
  let endColumn: number;
  if (source) {
    const at = end ?? node.endIndex;
    source.newlines ??= lineFeeds(source.text);
    endRow = countBelow(source.newlines, at);
    endColumn = endRow === 0 ? at : at - source.newlines[endRow - 1]! - 1;
  } else {
    ({ row: endRow, column: endColumn } = node.endPosition);
  }
  // A node that ends at the start of a line ends on the line before.
  const endLine = endColumn === 0 && endRow > start.row ? endRow : endRow + 1;
  return { line: start.row + 1, column: start.column + 1, endLine };
}

function lineFeeds(text: string): Uint32Array {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  const out = new Uint32Array(n);
  n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out[n++] = i;
  return out;
}

/** How many of the sorted offsets are below `at`. */
function countBelow(sorted: Uint32Array, at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function named(node: Node): Node[] {
  return node.namedChildren.filter((n): n is Node => n !== null);
}

export function children(node: Node): Node[] {
  return node.children.filter((n): n is Node => n !== null);
}

/** A block's type and labels: `resource "aws_security_group" "web" {` → ['resource', 'aws_security_group', 'web']. */
export function blockHeader(block: Node): { type: string; labels: string[] } {
  let type = '';
  const labels: string[] = [];
  for (const c of named(block)) {
    if (c.type === 'identifier' && type === '') type = textOf(c);
    else if (c.type === 'string_lit') labels.push(stringLiteral(c));
    else if (c.type === 'identifier') labels.push(textOf(c));
    else if (c.type === 'block_start') break;
  }
  return { type, labels };
}

export interface BlockParts {
  type: string;
  labels: string[];
  body: Node | undefined;
  /** Where the block ends, when read from its closing brace. */
  end?: number;
}

/**
 * A block's type, labels and body from one walk of its children: what blockHeader() and
 * blockBody() give, without asking tree-sitter for the children twice.
 */
export function blockParts(block: Node): BlockParts {
  const children = named(block);
  const text = cleanText(block.tree);
  return (text !== undefined ? partsFromText(text, children) : undefined) ?? partsFromNodes(children);
}

function partsFromNodes(children: Node[]): BlockParts {
  let type = '';
  const labels: string[] = [];
  let body: Node | undefined;
  let header = true;
  for (const c of children) {
    const t = c.type;
    if (t === 'body') {
      body ??= c;
      if (!header) break;
    } else if (!header) continue;
    else if (t === 'identifier' && type === '') type = textOf(c);
    else if (t === 'string_lit') labels.push(stringLiteral(c));
    else if (t === 'identifier') labels.push(textOf(c));
    else if (t === 'block_start') header = false;
  }
  return { type, labels, body };
}

/**
 * blockParts() of a block in a tree without syntax errors, its children told apart by their first
 * character instead of asking tree-sitter for each one's type: the type and the labels (identifiers,
 * `"…"`) up to `{`, then comments (`#`, `//`, `/*`), the body (which starts with an identifier, its
 * comments outside it) and `}`. Undefined, for the general path, when a name or a label is more
 * than ASCII letters, digits, `_`, `-` (and `.` in a label).
 */
function partsFromText(text: string, children: Node[]): BlockParts | undefined {
  let type = '';
  const labels: string[] = [];
  let body: Node | undefined;
  let header = true;
  for (const c of children) {
    const at = c.startIndex;
    const first = text.charCodeAt(at);
    if (first === 35 || first === 47) continue;
    if (!header) {
      if (first === 125) return { type, labels, body, end: at + 1 };
      body ??= c;
    } else if (first === 123) {
      header = false;
    } else {
      const name = first === 34 ? quotedName(text, at) : bareName(text, at);
      if (name === undefined) return undefined;
      if (first !== 34 && type === '') type = name;
      else labels.push(name);
    }
  }
  return undefined;
}

/** The identifier at `at` when it is ASCII letters, digits, `_` and `-`, followed by a blank, `{` or `"`. */
function bareName(text: string, at: number): string | undefined {
  let i = at;
  while (isNameCode(text.charCodeAt(i))) i++;
  const next = text.charCodeAt(i);
  return i > at && (isBlank(next) || next === 123 || next === 34) ? text.slice(at, i) : undefined;
}

/** The label `"…"` at `at` when it holds ASCII letters, digits, `_`, `-` and `.` only. */
function quotedName(text: string, at: number): string | undefined {
  let i = at + 1;
  while (isNameCode(text.charCodeAt(i)) || text.charCodeAt(i) === 46) i++;
  return text.charCodeAt(i) === 34 ? text.slice(at + 1, i) : undefined;
}

/** An ASCII letter, digit, `_` or `-`. */
export function isNameCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

export function blockBody(block: Node): Node | undefined {
  return named(block).find((c) => c.type === 'body');
}

/**
 * The text of a `string_lit` (a quoted string without interpolation), escapes applied: its
 * `template_literal`'s, which leaves out blanks after the opening quote and before the closing one.
 * A name of letters, digits, `_`, `-` and `.` in a tree without errors is read from the text between
 * the quotes, without walking the literal's three nodes.
 */
export function stringLiteral(node: Node): string {
  if (sources.get(node.tree)?.clean === true) {
    const text = textOf(node);
    if (PLAIN_NAME.test(text)) return text.slice(1, -1);
  }
  const lit = named(node).find((c) => c.type === 'template_literal');
  return lit ? unescapeQuoted(textOf(lit)) : '';
}

const PLAIN_NAME = /^"[\w.-]*"$/;

/** HCL's escapes in quoted strings: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, and `$${` / `%%{` for literal `${` / `%{`. */
export function unescapeQuoted(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1]!;
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (simple[n] !== undefined) {
        out += simple[n];
        i++;
        continue;
      }
      const len = n === 'u' ? 4 : n === 'U' ? 8 : 0;
      const hex = text.slice(i + 2, i + 2 + len);
      if (len > 0 && hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
        const cp = parseInt(hex, 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
        i += 1 + len;
        continue;
      }
    }
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out += `${c}{`;
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}
