import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { parseHcl, parseSkipping, textToRead } from '../src/terraform/hcl.js';
import { parseTerraformFolder } from '../src/terraform/parser.js';

/*
 * How tree-sitter is driven: what one file's parse leaves behind must not reach the next file.
 */
describe('parsing one file after another', () => {
  it('a file read after one the parser gave up on is read from its own start', () => {
    // 70 KB of `"Z$` takes tree-sitter's error recovery past its budget (as in the fuzz regressions).
    const hopeless = { path: '/m/a.tf', text: `${'"Z$'.repeat(23_250)}\n` };
    const good = { path: '/m/b.tf', text: 'resource "aws_security_group" "web" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n' };
    const r = parseTerraformFolder([hopeless, good]);
    expect(r.diagnostics.filter((d) => d.file === '/m/a.tf').map((d) => d.code)).toEqual(['parse-error']);
    expect(r.diagnostics.filter((d) => d.file === '/m/b.tf')).toEqual([]);
    expect(r.devices.map((d) => d.name)).toEqual(['aws_security_group.web']);
  }, 20_000);
});

/** Every node of a tree, in order, with what a reader can ask of it. */
function signature(tree: Tree): string[] {
  const out: string[] = [];
  const c = tree.walk();
  for (;;) {
    const n = c.currentNode;
    const [s, e] = [c.startPosition, c.endPosition];
    out.push(`${c.nodeType} ${c.nodeIsNamed} ${c.startIndex}-${c.endIndex} ${s.row}:${s.column}-${e.row}:${e.column} ${c.nodeIsMissing} ${n.hasError} ${n.isExtra} ${c.currentFieldName}`);
    if (c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) {
        c.delete();
        return out;
      }
    }
  }
}

// A parser of our own (the module's is private), for the whole-text reading to compare with.
const grammar = await Language.load(readFileSync(createRequire(import.meta.url).resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm')));
const parser = new Parser();
parser.setLanguage(grammar);

/** Whether the tree read skipping (if any) is the whole text's; and whether there was one. */
function sameAsWhole(text: string): { same: boolean; skipped: boolean } {
  // parseHcl reads line and paragraph separators as spaces (see there).
  const readable = text.replace(/[\u2028\u2029]/g, ' ');
  const whole = parser.parse(readable)!;
  const skipping = parseSkipping(parser, readable, 10_000);
  const viaModule = parseHcl(text);
  try {
    const expected = signature(whole).join('\n');
    const fromModule = typeof viaModule === 'string' ? viaModule : signature(viaModule).join('\n');
    return { same: (skipping === undefined || signature(skipping).join('\n') === expected) && fromModule === expected, skipped: skipping !== undefined };
  } finally {
    whole.delete();
    skipping?.delete();
    if (typeof viaModule !== 'string') viaModule.delete();
  }
}

const texts: [string, string][] = [
  ['a resource', 'resource "aws_security_group" "sg_0_0" {\n  name   = "sg_0_0"\n  vpc_id = var.vpc_id\n\n  ingress {\n    description = "rule 4"\n    from_port   = 80\n    protocol    = "tcp"\n    cidr_blocks = ["10.20.0.0/16", "10.0.0.0/8"]\n  }\n}\n'],
  ['blanks at the start and the end', '    a = "x"\n\t\t  b   =   1    '],
  ['tabs, CRLF, blank lines', 'a\t\t=\t\t"tab  separated"\r\n\r\n  b    = 2\r\n'],
  ['heredocs, indented and not, with quotes and interpolations', 'a = <<-EOT\n    dnsPolicy: Default\n      name: "a quoted value"  and  spaces\n      cluster: ${module.eks.cluster_name}\n    EOT\nb = <<EOF\n#!/bin/bash\necho "hello   world" > /tmp/x\n  EOF is not the end\nEOF\n'],
  ['comments holding quotes', '# it has one " quote\na = "abcdef" # and "two quoted words"\n/* "a block\n   comment" over "lines */\nb = "ghijkl" // "x y z"\n'],
  ['escapes, interpolations and directives', 'a = "tab\\there \\"q\\" back\\\\slash $${not} %%{not}"\nb = "ex-${replace(basename(path.cwd), "_", "-")}"\nc = "%{ for ip in var.ips }server ${ip}   %{ endfor }"\nd = "${ a   }  x"\n'],
  ['a string over two lines, which throws the pairing of quotes off', 'variable "db_port<<-X\n  "q r s"\n  X\n" {\n  type = number\n}\n'],
  ['names, paths and addresses in quotes', 'tags = {\n  "kubernetes.io/cluster/${local.name}" = "shared"\n  "kubernetes.io/role/elb"              = 1\n}\nx = ["arn:aws:iam::66666666666:role/role1", "system:masters", "a@b.c", "x=y,z+w"]\n'],
  ['non-ASCII and line separators', 'é = "naïve café"\nb = "10.0.0.0/8"\u2028\u2028\u2028c = 1\n'],
  ['syntax errors', 'a = "abcdef"\nb = [1 2]\nr "x" {\n  c = "ghijkl"\n'],
  ['nothing to leave out', 'a=1\nb="x"\n'],
  ['quotes in an interpolation, paired wrongly', 'a = "${f("a",xyz,"b")}"\nb = "abcdef"\n'],
  ['a string over two lines, then code between quotes', 'a = "over\nlines"+xyz+"abcdef"\n'],
];

describe('a text read without its blanks and the insides of its plain strings', () => {
  it.each(texts)('%s: the tree of the whole text', (_name, text) => {
    expect(sameAsWhole(text).same).toBe(true);
  });

  it('is read so where nothing can go wrong, and whole where something can', () => {
    const skipped = texts.filter(([, text]) => sameAsWhole(text).skipped).map(([name]) => name);
    expect(skipped).toEqual([
      'a resource', 'blanks at the start and the end', 'tabs, CRLF, blank lines',
      'heredocs, indented and not, with quotes and interpolations', 'comments holding quotes',
      'names, paths and addresses in quotes', 'non-ASCII and line separators',
    ]);
  });

  it('checks the quoted texts it leaves out against the tree only once a line may have thrown their pairing off', () => {
    const checked = (text: string): string[] => {
      const q = textToRead(text)?.quoted ?? [];
      const out: string[] = [];
      for (let k = 0; k < q.length; k += 2) out.push(text.slice(q[k], q[k + 1]));
      return out;
    };
    expect(checked(texts[0]![1])).toEqual([]);
    expect(checked('# a "quoted note" in a comment line\n  // another "one"\na = "abcdef"\n')).toEqual([]);
    expect(checked('a = "${x}"\nb = "abcdef"\n')).toEqual(['abcdef']);
    expect(checked('a = "abcdef" # "ghijkl"\nb = "mnopqr"\n')).toEqual(['abcdef', 'ghijkl', 'mnopqr']);
    expect(checked('a = "over\nlines"+xyz+"abcdef"\n')).toEqual(['+xyz+']);
    expect(checked('u = "https://example.com" "abcdef"\n')).toEqual(['https://example.com', 'abcdef']);
  });

  it('leaves out most of a typical file', () => {
    const text = texts[0]![1];
    const read = textToRead(text)!.ranges.reduce((n, r) => n + r.endIndex - r.startIndex, 0);
    expect(read / text.length).toBeLessThan(0.75);
  });

  // Files of attributes and blocks whose values, blanks and comments are picked from forms that
  // are left out and forms that are not; some with syntax errors.
  const blank = fc.constantFrom(' ', '  ', '    ', '\t', ' \t  ', '');
  const quoted = fc.constantFrom('"abcdef"', '"10.20.0.0/16"', '"a b  c"', '" lead"', '"trail "', '"a\\"b c"', '"${x}  y"', '"x  ${y}"', '"a#b c"', '"a/*b c"', '"é è ê"', '"$${a} b"', '""', '"ab"');
  const value = fc.oneof(
    quoted,
    fc.constantFrom('1', 'true', 'var.x', '[1,   2]', '{ a = 1 }', 'f( "ab cd" ,  x )'),
    fc.constantFrom('<<EOT\n  a  "b c"  d\nEOT', '<<-EOT\n    x "y z"\n    EOT', '"multi\nline"', '"unclosed', '[1 2]', '"%{ if a }b  c%{ endif }"'),
  );
  const comment = fc.constantFrom('', '', ' # c "d e"', ' // "x', ' /* "a */', '# "odd');
  const attribute = fc.tuple(fc.constantFrom('a', 'from_port', 'x-y'), blank, blank, value, comment).map(([n, b1, b2, v, c]) => `${n}${b1}=${b2}${v}${c}`);
  const line = fc.tuple(blank, fc.oneof({ weight: 4, arbitrary: attribute }, { weight: 1, arbitrary: comment }), fc.constantFrom('\n', '\r\n', '\n\n')).map(([b, a, nl]) => b + a + nl);
  const body = fc.array(line, { maxLength: 6 }).map((ls) => ls.join(''));
  const block = fc.tuple(fc.constantFrom('resource "a" "b"', 'ingress', 'x "é f"'), blank, body, blank).map(([h, b1, inner, b2]) => `${h}${b1}{\n${inner}${b2}}\n`);
  const file = fc.array(fc.oneof(line, block), { maxLength: 6 }).map((xs) => xs.join(''));

  it('generated files', () => {
    let skipped = 0;
    fc.assert(
      fc.property(file, (text) => {
        const result = sameAsWhole(text);
        expect(result.same).toBe(true);
        if (result.skipped) skipped++;
      }),
      { numRuns: 400, seed: 22 },
    );
    expect(skipped).toBeGreaterThan(100);
  });
});
