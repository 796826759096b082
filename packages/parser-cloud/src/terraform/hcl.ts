import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type ParseState, type Range, type Tree } from 'web-tree-sitter';
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
 * How long the reading that leaves out blanks and plain strings (parseSkipping) may take: 0.1 s, plus
 * 1 ms per thousand characters, five times what valid HCL takes on the development machine. A text
 * that takes longer is far from HCL, and is read whole.
 */
const SKIPPING_MS = 100;
const SKIPPING_MS_PER_CHAR = 0.001;

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
  try {
    // Runs of U+2028/U+2029 (no HCL whitespace, no line break for tree-sitter) make its lexer take time
    // that grows with the square of the run, where no progress callback can stop it (74,000 of them:
    // minutes). They are read as spaces: one UTF-16 unit for one, so every position stays where it was.
    const readable = /[\u2028\u2029]/.test(text) ? text.replace(/[\u2028\u2029]/g, ' ') : text;
    // First without what only makes hidden tokens; else whole, as if the first reading had not been.
    const skipping = parseSkipping(parser, readable, SKIPPING_MS + readable.length * SKIPPING_MS_PER_CHAR);
    if (skipping) {
      sources.set(skipping, { text: readable, clean: true });
      return skipping;
    }
    const tree = parseWithin(parser, readable, budget);
    if (tree === 'stopped') return `the HCL parser gave up after ${(budget / 1000).toFixed(1)} s: this text is too far from HCL to recover from its errors in time`;
    if (!tree) return 'the HCL parser returned nothing';
    sources.set(tree, { text: readable, clean: !tree.rootNode.hasError });
    return tree;
  } catch (error) {
    return `the HCL parser failed: ${String(error)}`;
  }
}

/**
 * The tree of a text read without what textToRead leaves out, when it is the tree of the whole: it
 * has no syntax error (tree-sitter's error recovery weighs the tokens it skips, and may choose
 * otherwise), and each quoted text left out was inside a string or a comment. Undefined otherwise,
 * and when there is nothing to leave out or the parse takes longer than `ms`.
 */
export function parseSkipping(p: Parser, text: string, ms: number): Tree | undefined {
  const reading = textToRead(text);
  if (!reading) return undefined;
  const tree = parseWithin(p, text, ms, reading.ranges);
  if (tree === 'stopped' || !tree) return undefined;
  if (!tree.rootNode.hasError && insideLiterals(tree.rootNode, reading.quoted)) return tree;
  tree.delete();
  return undefined;
}

/**
 * A parse that gives up after `ms`: the tree, null when tree-sitter returns none, or 'stopped'. A
 * parse of some ranges of the text also stops at its first syntax error, as its tree would not be
 * taken: a text far from HCL is not read twice over.
 */
function parseWithin(p: Parser, text: string, ms: number, includedRanges?: Range[]): Tree | null | 'stopped' {
  const deadline = performance.now() + ms;
  let stopped = false;
  // A progress callback that returns true cancels the parse (tree-sitter's documented contract).
  const progressCallback = (state: ParseState): boolean => (stopped ||= performance.now() > deadline || (includedRanges !== undefined && state.hasError));
  const tree = p.parse(text, null, includedRanges ? { includedRanges, progressCallback } : { progressCallback });
  if (!stopped) return tree;
  tree?.delete();
  // Tree-sitter resumes a cancelled parse at the next call unless told to start over: the next
  // file would be read as the rest of this one.
  p.reset();
  return 'stopped';
}

/** What tree-sitter is to read of a text (textToRead). */
export interface Reading {
  /** Its included ranges: the text but what is left out. */
  ranges: Range[];
  /** Where each quoted text whose inside is left out starts and ends, one pair after another. */
  quoted: number[];
}

/**
 * What tree-sitter is to read of a text for the tree of the whole: its included ranges (the rest it
 * skips, every node keeping its place: each range is read from the position it is given). The
 * grammar makes a token of every blank and of every character in quotes, and lexing them is most of
 * what a parse costs. Left out are:
 * - a run of spaces and tabs but its last. Blanks are hidden extras wherever they are; the last one
 *   stays because tree-sitter ends a token that ends where a range starts where the range before
 *   ends, which would move a token of no width that its heredoc scanner makes after blanks.
 * - the inside of a quoted text but its first and last characters, when it holds only ASCII letters,
 *   digits, inner spaces and `._-/:,=@+` (none of which ends a string, a comment or a heredoc, or
 *   starts an escape or an interpolation), on a line without a backslash. Quotes are paired along a
 *   line. That is how tree-sitter reads them as long as every line so far has been a comment line
 *   (`#`, `//`) or one without a backslash, `#`, `//`, `/*`, `$`, `%` or `<<` and with quotes in
 *   pairs: then each line starts outside any string, comment or heredoc, and every quote on it starts
 *   or ends a string. After the first other line, a string over several lines, a quote in a comment
 *   or in a heredoc, or one in an interpolation can throw the pairing off: parseHcl takes the tree
 *   only if each quoted text left out from there on was inside a string literal or a comment of it
 *   (`quoted`).
 * Undefined when nothing is worth leaving out.
 */
export function textToRead(text: string): Reading | undefined {
  const ranges: Range[] = [];
  const quoted: number[] = [];
  let from = 0;
  let fromPoint = { row: 0, column: 0 };
  let row = 0;
  let lineStart = 0;
  let backslash = text.indexOf('\\');
  let plainLine = true;
  let quote = -1;
  let plain = false;
  // Whether every line so far was read as tree-sitter reads it (see lineRead), and what this line holds.
  let exact = true;
  let commentLine = false;
  let simpleLine = true;
  const lineQuoted: number[] = [];
  const leaveOut = (start: number, end: number): void => {
    ranges.push({ startIndex: from, endIndex: start, startPosition: fromPoint, endPosition: { row, column: start - lineStart } });
    from = end;
    fromPoint = { row, column: end - lineStart };
  };
  const lineRead = (): void => {
    exact &&= commentLine || (plainLine && simpleLine && quote < 0);
    if (!exact) quoted.push(...lineQuoted);
    lineQuoted.length = 0;
  };
  for (let i = 0; i < text.length; i++) {
    if (i === lineStart) {
      if (backslash >= 0 && backslash < i) backslash = text.indexOf('\\', i);
      const lineEnd = text.indexOf('\n', i);
      plainLine = backslash < 0 || (lineEnd >= 0 && backslash > lineEnd);
      let first = i;
      while (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9) first++;
      commentLine = text.charCodeAt(first) === 35 || text.startsWith('//', first);
      simpleLine = true;
    }
    const c = text.charCodeAt(i);
    if (c === 35 || c === 36 || c === 37 || c === 47 || c === 60) simpleLine &&= !startsConstruct(text, i);
    if (c === 10) {
      lineRead();
      row++;
      lineStart = i + 1;
      quote = -1;
    } else if (quote >= 0) {
      if (c !== 34) plain &&= isPlainQuotedCode(c);
      else {
        if (plain && plainLine && i - quote > MIN_LEFT_OUT + 2 && text.charCodeAt(quote + 1) !== 32 && text.charCodeAt(i - 1) !== 32) {
          leaveOut(quote + 2, i - 1);
          lineQuoted.push(quote + 1, i);
        }
        quote = -1;
      }
    } else if (c === 34) {
      quote = i;
      plain = true;
    } else if (c === 32 || c === 9) {
      let j = i + 1;
      while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      // The text's first character stays: the tree starts where the first range does.
      const start = i === 0 ? 1 : i;
      if (j - 1 - start >= MIN_LEFT_OUT) leaveOut(start, j - 1);
      i = j - 1;
    }
  }
  lineRead();
  if (ranges.length === 0) return undefined;
  ranges.push({ startIndex: from, endIndex: text.length, startPosition: fromPoint, endPosition: { row, column: text.length - lineStart } });
  return { ranges, quoted };
}

/** Whether a comment, an interpolation, a template directive or a heredoc may start at `i` (`#`, `//`, `/*`, `$`, `%`, `<<`). */
function startsConstruct(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if (c === 47) return next === 47 || next === 42;
  if (c === 60) return next === 60;
  return true;
}

/** Whether each quoted text whose inside was left out lies in a string literal or a comment of the tree. */
function insideLiterals(root: Node, quoted: number[]): boolean {
  for (let k = 0; k < quoted.length; k += 2) {
    const type = root.descendantForIndex(quoted[k]!, quoted[k + 1])?.type;
    if (type !== 'template_literal' && type !== 'comment') return false;
  }
  return true;
}

/** The fewest characters worth a range of their own left out. */
const MIN_LEFT_OUT = 2;

function isPlainQuotedCode(c: number): boolean {
  return isNameCode(c) || c === 32 || c === 46 || c === 47 || c === 58 || c === 44 || c === 61 || c === 64 || c === 43;
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

export interface BlockParts {
  type: string;
  labels: string[];
  body: Node | undefined;
  /** Where the block ends, when read from its closing brace. */
  end?: number;
}

/**
 * A block's type (`resource`), labels (`aws_security_group`, `web`) and body from one walk of its
 * children, without asking tree-sitter for the children twice.
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

/**
 * The text of a `string_lit` (a quoted string without interpolation), escapes applied: everything
 * between its quotes. Not its `template_literal`'s text: tree-sitter starts that token past the
 * blanks after the opening quote and ends it before those in front of the closing one, where HCL
 * keeps them (`" tcp "` is not `"tcp"`). A name of letters, digits, `_`, `-` and `.` in a tree
 * without errors is read from the text between the quotes, without walking the literal's nodes.
 */
export function stringLiteral(node: Node): string {
  const text = textOf(node);
  if (sources.get(node.tree)?.clean === true && PLAIN_NAME.test(text)) return text.slice(1, -1);
  const parts = children(node);
  const open = parts[0];
  const close = parts[parts.length - 1];
  if (parts.length < 2 || open?.type !== 'quoted_template_start' || close?.type !== 'quoted_template_end') {
    // A string the parser had to mend (no closing quote): what the literal token holds, if anything.
    const lit = named(node).find((c) => c.type === 'template_literal');
    return lit ? unescapeQuoted(textOf(lit)) : '';
  }
  return unescapeQuoted(text.slice(open.endIndex - node.startIndex, close.startIndex - node.startIndex));
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
