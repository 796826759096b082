import { describe, expect, it } from 'vitest';
import { Unresolved } from '../src/common/unresolved.js';
import { Evaluator, plainLiteral, type ModuleScope } from '../src/terraform/evaluate.js';
import { blockParts, children, parseHcl } from '../src/terraform/hcl.js';
import { nodesOfType } from './hcl-nodes.js';

/*
 * The evaluator reads a plain literal (a whole number, true, false, null, a quoted string without
 * escapes or interpolation) from the expression's text instead of walking its nodes. Wherever it
 * does, the value must be the one the general path gives for the node under the expression, and
 * it must decline everything else.
 */
const cases: { name: string; text: string; plain: string[] }[] = [
  { name: 'numbers', text: 'a = 22\nb = 0\nc = 007\nd = 123456789012345\n', plain: ['22', '0', '007', '123456789012345'] },
  { name: 'negative numbers', text: 'a = -1\nb = -0\nc = - 5\nd = -(5)\n', plain: ['-1', '-0', '5'] },
  { name: 'decimals and exponents', text: 'a = 1.5\nc = 1.0e-2\nb = 1e3\n', plain: ['1'] },
  { name: 'booleans and null', text: 'a = true\nb = false\nc = null\nd = truex\ne = nullable\n', plain: ['true', 'false', 'null'] },
  { name: 'plain strings', text: 'a = "tcp"\nb = ""\nc = "10.0.0.0/8"\nd = "a # b // c /* d"\ne = "é€😀 x\ty"\nf = "{ } [ ] ="\n', plain: ['"tcp"', '""', '"10.0.0.0/8"', '"a # b // c /* d"', '"é€😀 x\ty"', '"{ } [ ] ="'] },
  // HCL keeps a quoted string's blanks; tree-sitter's literal token leaves out those at its ends.
  { name: 'strings with blanks at their ends', text: 'a = " tcp "\nb = "  "\nc = "\\t x "\nd = " a\\"b "\n', plain: ['" tcp "', '"  "'] },
  { name: 'strings with escapes', text: 'a = "a\\"b"\nb = "a\\nb"\nc = "\\u00e9"\nd = "a\\qb"\n', plain: [] },
  { name: 'strings with interpolation or directives', text: 'a = "${b}"\nb = "x${c}y"\nc = "$${x}"\nd = "%%{x}"\ne = "a$b"\nf = "100%"\ng = "%{ if true }x%{ endif }"\n', plain: ['true'] },
  { name: 'heredocs', text: 'a = <<EOT\nplain\nEOT\nb = <<-EOT\n  22\n  EOT\n', plain: [] },
  { name: 'lists and objects', text: 'a = [1, "x", true, null, -2]\nb = { k = "v", n = 3 }\nc = [[1], ["a"]]\n', plain: ['[1, "x", true, null, -2]', '1', '"x"', 'true', 'null', '-2', '"v"', '3', '[1]', '1', '["a"]', '"a"'] },
  { name: 'lists laid out', text: 'a = []\nb = [ ]\nc = [\n  "x",\n  22,\n]\nd = ["a","b"]\ne = [\r\n\t-1 ,\r\n]\n', plain: ['[]', '[ ]', '[\n  "x",\n  22,\n]', '"x"', '22', '["a","b"]', '"a"', '"b"', '[\r\n\t-1 ,\r\n]', '-1'] },
  { name: 'lists that are not plain', text: 'a = [1, # c\n]\nb = [1, 1.5]\nc = ["a\\"b"]\nd = [1][0]\ne = [1] == [1]\nf = [var.x]\ng = [for x in y: x]\nh = [-(1)]\n', plain: ['1', '1', '1', '0', '1', '1', '1'] },
  { name: 'lists with syntax errors', text: 'a = [1 2]\nb = [1,,2]\nc = [,]\nd = ["x"\n', plain: ['"x"'] },
  { name: 'nested blocks', text: 'resource "r" "x" {\n  n = 1\n  inner {\n    s = "x"\n    deeper {\n      t = true\n    }\n  }\n}\n', plain: ['1', '"x"', 'true'] },
  { name: 'syntax errors', text: 'a = "ok"\nb = 22 22\nc = "abc\nc = "x"\nd = 1 +\ne = [1, "y"\nf = "a\\qb"\n', plain: ['"ok"'] },
  { name: 'not literals', text: 'a = var.x\nb = 1 + 2\nc = x ? 1 : 2\nd = f(1)\ne = "a" == "b"\n', plain: ['1', '2', '1'] },
];

const scope: ModuleScope = {
  variable: (name) => new Unresolved(`var.${name}`, 'no variables here'),
  local: (name) => new Unresolved(`local.${name}`, 'no locals here'),
  resource: (type, _steps, text) => ({ value: new Unresolved(text, `no ${type} here`), used: 0 }),
};


describe('plain literals read from their text', () => {
  for (const c of cases) {
    it(c.name, () => {
      const tree = parseHcl(c.text);
      if (typeof tree === 'string') throw new Error(tree);
      try {
        const evaluator = new Evaluator(scope);
        const plain: string[] = [];
        for (const expr of nodesOfType(tree.rootNode, 'expression')) {
          const value = plainLiteral(expr);
          if (value === undefined) continue;
          plain.push(expr.text);
          // The general path: the one node under the expression, evaluated by its kind.
          const parts = children(expr);
          expect(parts).toHaveLength(1);
          expect(evaluator.evaluate(parts[0]!)).toStrictEqual(value);
        }
        expect(plain.sort()).toEqual([...c.plain].sort());
      } finally {
        tree.delete();
      }
    });
  }
});

describe('quoted strings keep their blanks', () => {
  // tree-sitter's literal token inside quotes starts at the first character that is not a blank and
  // ends at the last: HCL's value is everything between the quotes.
  it('in values, with escapes too', () => {
    const tree = parseHcl('a = " tcp "\nb = "\\t x "\nc = " a\\"b "\nd = "  "\n');
    if (typeof tree === 'string') throw new Error(tree);
    try {
      const evaluator = new Evaluator(scope);
      const values = nodesOfType(tree.rootNode, 'expression').map((expr) => evaluator.evaluate(children(expr)[0]!));
      expect(values.sort()).toEqual(['\t x ', '  ', ' a"b ', ' tcp '].sort());
    } finally {
      tree.delete();
    }
  });

  it('in block labels', () => {
    const tree = parseHcl('resource " aws_security_group " "\\tweb " {\n}\n');
    if (typeof tree === 'string') throw new Error(tree);
    try {
      const block = nodesOfType(tree.rootNode, 'block')[0]!;
      expect(blockParts(block).labels).toEqual([' aws_security_group ', '\tweb ']);
    } finally {
      tree.delete();
    }
  });
});
