import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inputs, type Span } from '../src/common/report.js';
import { blockParts, hasError, named, parseHcl, spanOf, textOf, type Node, type Tree } from '../src/terraform/hcl.js';
import { TerraformModule, itemSpan } from '../src/terraform/module.js';
import { nodeParts } from './hcl-nodes.js';

/*
 * In a tree without syntax errors the module reads what it can from the file's text instead of
 * asking tree-sitter node by node: a node's text and span from its offsets, a block's type and
 * labels from the characters its children start with, an attribute written `name = literal` from
 * the text up to the next item. Everything read so must be what the nodes say, whatever the text.
 */

/** A node's span as tree-sitter's own positions give it. */
function nodeSpan(node: Node): Span {
  const start = node.startPosition;
  const end = node.endPosition;
  return { line: start.row + 1, column: start.column + 1, endLine: end.column === 0 && end.row > start.row ? end.row : end.row + 1 };
}

function everyNode(root: Node): Node[] {
  const out: Node[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const n = todo.pop()!;
    out.push(n);
    for (const c of n.children) if (c) todo.push(c);
  }
  return out;
}

/**
 * Every difference between what the module and the helpers read from the text and what the nodes
 * say, and how many attributes were read from the text (to show the property exercised that path).
 */
function differences(text: string): { out: string[]; fromText: number } {
  const out: string[] = [];
  let fromText = 0;
  const tree: Tree | string = parseHcl(text);
  if (typeof tree === 'string') return { out: [tree], fromText };
  const module = new TerraformModule([], new Inputs());
  try {
    for (const n of everyNode(tree.rootNode)) {
      const at = `${n.type} at ${n.startIndex}`;
      if (textOf(n) !== n.text) out.push(`${at}: text ${JSON.stringify(textOf(n))}`);
      if (JSON.stringify(spanOf(n)) !== JSON.stringify(nodeSpan(n))) out.push(`${at}: span ${JSON.stringify(spanOf(n))} != ${JSON.stringify(nodeSpan(n))}`);
      if (hasError(n) !== n.hasError) out.push(`${at}: hasError`);
      if (n.type === 'block') {
        const parts = blockParts(n);
        const oracle = nodeParts(n);
        const expected = { type: oracle.type, labels: oracle.labels, body: oracle.body?.id };
        if (JSON.stringify({ type: parts.type, labels: parts.labels, body: parts.body?.id }) !== JSON.stringify(expected)) out.push(`${at}: parts ${JSON.stringify(parts.labels)} != ${JSON.stringify(expected)}`);
        if (parts.end !== undefined && parts.end !== n.endIndex) out.push(`${at}: end ${parts.end} != ${n.endIndex}`);
      }
      if (n.type !== 'body') continue;
      for (const item of module.contents(n).items) {
        const where = `${item.kind} at ${item.node.startIndex}`;
        if (JSON.stringify(itemSpan(item)) !== JSON.stringify(nodeSpan(item.node))) out.push(`${where}: span ${JSON.stringify(itemSpan(item))}`);
        if (item.kind !== 'attribute') continue;
        const [id, expr] = named(item.node);
        if (item.name !== (id?.text ?? '')) out.push(`${where}: name ${JSON.stringify(item.name)} != ${JSON.stringify(id?.text)}`);
        if (item.literal !== undefined) fromText++;
        if (!id || !expr) continue;
        const value = JSON.stringify(module.valueOf(item, new Map()));
        const general = JSON.stringify(module.evaluator.evaluate(expr));
        if (value !== general) out.push(`${where}: value ${value} != ${general}`);
      }
    }
  } finally {
    tree.delete();
  }
  return { out, fromText };
}

const cases: [string, string][] = [
  ['plain attributes', 'a = 1\nb   =   "tcp"\nc = [ "10.0.0.0/8" , 22, ]\nd = true\ne = null\nf=-1\n'],
  ['the last attribute of a body, and of a file', 'r "x" {\n  a = 1\n  b = [\n    "x",\n  ]\n}\nz = "last"'],
  ['comments after, between and inside', 'a = 1 # one\nb = /* two */ 2\n// three\nc = [1, # four\n  2]\nd = "# not a comment"\n'],
  ['blanks: tabs, CRLF, blank lines, trailing spaces', 'a\t=\t1\r\nb = "x"  \r\n\r\nc = [\r\n  1,\r\n]\r\n'],
  ['names that are more than ASCII', 'é = 1\na::b = 2\n_x-y = 3\nA9 = 4\n'],
  ['values that are not plain literals', 'a = var.x\nb = 1 + 2\nc = "a\\nb"\nd = " a "\ne = "${x}"\nf = 1.5\ng = [1][0]\nh = { k = 1 }\ni = <<EOT\nhi\nEOT\n'],
  ['blocks with labels, comments and nested bodies', 'resource "aws_security_group" "web" /* c */ {\n  # lead\n  ingress {\n    from_port = 22\n  } # after\n  egress "x.y" bare {}\n}\n'],
  ['labels that are more than names', 'r " a " "b\\"c" "é" "$${x}" "" {\n  a = 1\n}\nr2 x::y {}\n'],
  ['one-line blocks', 'a { b = 1 }\nc "d" { e = [1] }\nf {}\n'],
  ['lines that are not LF', 'a = 1\rb = 2\u2028c = 3\n😀x = 4\nd = "😀"\n'],
  ['syntax errors', 'a = 1\nb = [1 2]\nr "x" {\n  c = 3\n  d = \n}\ne = "x'],
  ['an attribute given twice', 'resource "aws_security_group" "x" {\n  name = "a"\n  name = "b"\n}\n'],
  ['a dynamic block and a multi-line value', 'resource "aws_security_group" "x" {\n  dynamic "ingress" {\n    for_each = {\n      a = 1\n    }\n    content {\n      from_port = ingress.value\n    }\n  }\n}\n'],
  ['variables and locals', 'variable "v" {\n  default = 3\n}\nlocals {\n  a = var.v\n  b = [\n    1,\n  ]\n}\n'],
  ['a resource with syntax errors', 'resource "aws_security_group" "x" {\n  name = \n  ingress {\n    from_port = 22 22\n  }\n'],
];

describe('what the module reads from the text is what the nodes say', () => {
  it.each(cases)('%s', (_name, text) => {
    expect(differences(text).out).toEqual([]);
  });

  it('reads plain attributes from the text in a file without errors', () => {
    expect(differences(cases[0]![1]).fromText).toBe(6);
    expect(differences(cases[1]![1]).fromText).toBe(3);
    expect(differences(cases[10]![1]).fromText).toBe(0);
  });

  // Files made of attributes and blocks, each piece picked from forms that are read from the text
  // and forms that are not, laid out with different blanks and comments, some with syntax errors.
  const name = fc.constantFrom('a', 'from_port', 'x-y', '_z', 'A1', 'é', 'a::b', 'ingress');
  const plainValue = fc.constantFrom('1', '-1', '007', '"tcp"', '""', '" a "', '"a#b"', '"a // b"', 'true', 'null', '[1, "x"]', '[\n  "a",\n]', '[ ]', '"10.0.0.0/8"');
  const otherValue = fc.constantFrom(
    '1.5', '"a\\"b"', '"${x}"', '"$${x}"', 'var.x', '[[1]]', '[1 2]', '{ a = 1 }', '-(1)', 'x ? 1 : 2', '<<EOT\nhi\nEOT', '"unclosed', '[1] == [1]',
  );
  const value = fc.oneof({ weight: 3, arbitrary: plainValue }, { weight: 1, arbitrary: otherValue });
  const space = fc.constantFrom('', ' ', '  ', '\t');
  const after = fc.constantFrom('', '', ' ', ' # c', ' // c', ' /* c */', '\t');
  const newline = fc.constantFrom('\n', '\n', '\r\n', '\n\n', '\n  # c\n');
  const label = fc.constantFrom('"l"', '"a b"', '"x.y"', 'bare', '"é"', '" sp "', '"a\\nb"', '/* c */');
  const attribute = fc.tuple(name, space, space, value, after).map(([n, s1, s2, v, a]) => `${n}${s1}=${s2}${v}${a}`);
  const items = (inner: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: attribute }, { weight: 1, arbitrary: inner }), newline), { maxLength: 5 }).map((xs) => xs.map(([i, nl]) => i + nl).join(''));
  const block = (inner: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.tuple(name, fc.array(label, { maxLength: 3 }), after, items(inner), space).map(([n, ls, a, body, s]) => `${[n, ...ls].join(' ')} {${a}\n${body}${s}}`);
  const file = items(block(block(fc.constant('x {}'))));

  it('generated files', () => {
    let fromText = 0;
    fc.assert(
      fc.property(file, (text) => {
        const result = differences(text);
        expect(result.out).toEqual([]);
        fromText += result.fromText;
      }),
      { numRuns: 300, seed: 21 },
    );
    expect(fromText).toBeGreaterThan(300);
  });
});
