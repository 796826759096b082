import { describe, expect, it } from 'vitest';
import { blockParts, parseHcl } from '../src/terraform/hcl.js';
import { nodeParts, nodesOfType } from './hcl-nodes.js';

/*
 * The module reads a block's type, labels and body in one walk of its children (blockParts); it
 * must give what the block's nodes say (nodeParts), block by block, whatever the text.
 */
const cases: { name: string; text: string; blocks: number }[] = [
  { name: 'labels quoted and bare', text: 'resource "aws_security_group" "web" {\n  name = "x"\n}\nmodule m {\n}\nthing a "b" c {}\n', blocks: 3 },
  { name: 'labels with escapes and non-ASCII', text: 'resource "a\\"b" "é€😀\\n" {\n}\nx "$${y}" {}\n', blocks: 2 },
  { name: 'nested blocks', text: 'resource "r" "x" {\n  ingress {\n    from_port = 22\n    deeper "l" {\n      a = 1\n    }\n  }\n  egress {}\n}\n', blocks: 4 },
  { name: 'one-line and empty blocks', text: 'a { b = 1 }\nc {}\nd "e" {\n}\n', blocks: 3 },
  { name: 'syntax errors in values', text: 'resource "r" "x" {\n  a = 1 +\n  ingress {\n    b = [1,\n  }\n}\n', blocks: 1 },
  { name: 'syntax errors in nested blocks', text: 'resource "r" "x" {\n  ingress { = 2 }\n  egress "e" { a = "b }\n}\nok {}\n', blocks: 2 },
  { name: 'a block without its closing brace', text: 'resource "r" "x" {\n  a = 1\n', blocks: 1 },
];


describe('a block read in one walk', () => {
  for (const c of cases) {
    it(c.name, () => {
      const tree = parseHcl(c.text);
      if (typeof tree === 'string') throw new Error(tree);
      try {
        const found = nodesOfType(tree.rootNode, 'block');
        for (const block of found) {
          const parts = blockParts(block);
          const oracle = nodeParts(block);
          expect({ type: parts.type, labels: parts.labels }).toEqual({ type: oracle.type, labels: oracle.labels });
          expect(parts.body?.id).toBe(oracle.body?.id);
        }
        expect(found).toHaveLength(c.blocks);
      } finally {
        tree.delete();
      }
    });
  }
});
