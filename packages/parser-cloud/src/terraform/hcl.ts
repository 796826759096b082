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
      return `the HCL parser gave up after ${(budget / 1000).toFixed(1)} s: this text is too far from HCL to recover from its errors in time`;
    }
    return tree ?? 'the HCL parser returned nothing';
  } catch (error) {
    return `the HCL parser failed: ${String(error)}`;
  }
}

/** The node's lines (1-based) and first column. */
export function spanOf(node: Node): Span {
  const end = node.endPosition;
  // A node that ends at the start of a line ends on the line before.
  const endLine = end.column === 0 && end.row > node.startPosition.row ? end.row : end.row + 1;
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1, endLine };
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
    if (c.type === 'identifier' && type === '') type = c.text;
    else if (c.type === 'string_lit') labels.push(stringLiteral(c));
    else if (c.type === 'identifier') labels.push(c.text);
    else if (c.type === 'block_start') break;
  }
  return { type, labels };
}

/**
 * A block's type, labels and body from one walk of its children: what blockHeader() and
 * blockBody() give, without asking tree-sitter for the children twice.
 */
export function blockParts(block: Node): { type: string; labels: string[]; body: Node | undefined } {
  let type = '';
  const labels: string[] = [];
  let body: Node | undefined;
  let header = true;
  for (const c of named(block)) {
    const t = c.type;
    if (t === 'body') {
      body ??= c;
      if (!header) break;
    } else if (!header) continue;
    else if (t === 'identifier' && type === '') type = c.text;
    else if (t === 'string_lit') labels.push(stringLiteral(c));
    else if (t === 'identifier') labels.push(c.text);
    else if (t === 'block_start') header = false;
  }
  return { type, labels, body };
}

export function blockBody(block: Node): Node | undefined {
  return named(block).find((c) => c.type === 'body');
}

/** The text of a `string_lit` (a quoted string without interpolation), escapes applied. */
export function stringLiteral(node: Node): string {
  const lit = named(node).find((c) => c.type === 'template_literal');
  return lit ? unescapeQuoted(lit.text) : '';
}

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
