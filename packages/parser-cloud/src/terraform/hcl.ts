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

/** Parses HCL text; the caller deletes the tree when done with it. */
export function parseHcl(text: string): Tree | string {
  if (!parser) return `the HCL grammar could not be loaded: ${unavailable ?? 'unknown error'}`;
  try {
    return parser.parse(text) ?? 'the HCL parser returned nothing';
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
