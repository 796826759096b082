import { describe, expect, it } from 'vitest';
import { Inputs } from '../src/common/report.js';
import { parseHcl, spanOf } from '../src/terraform/hcl.js';
import { nodesOfType } from './hcl-nodes.js';
import { TerraformModule } from '../src/terraform/module.js';

/*
 * An attribute's span is taken from the attribute node the module recorded for its expression
 * (TerraformModule.attributeOf) instead of asking tree-sitter for the expression's parent. Every
 * expression of every body must map to the same node its parent is, with the same span.
 */
const cases: { name: string; text: string }[] = [
  { name: 'a resource with nested blocks', text: 'resource "aws_security_group" "x" {\n  name = "x"\n  ingress {\n    from_port = 22\n    to_port   = 22\n    cidr_blocks = ["10.0.0.0/8"]\n  }\n}\n' },
  { name: 'an attribute given twice', text: 'resource "aws_security_group" "x" {\n  name = "a"\n  name = "b"\n}\n' },
  { name: 'a dynamic block and a multi-line value', text: 'resource "aws_security_group" "x" {\n  dynamic "ingress" {\n    for_each = {\n      a = 1\n    }\n    content {\n      from_port = ingress.value\n    }\n  }\n}\n' },
  { name: 'variables and locals', text: 'variable "v" {\n  default = 3\n}\nlocals {\n  a = var.v\n  b = [\n    1,\n  ]\n}\n' },
  { name: 'a file with syntax errors', text: 'resource "aws_security_group" "x" {\n  name = \n  ingress {\n    from_port = 22 22\n  }\n' },
];


describe('Terraform attribute spans', () => {
  for (const c of cases) {
    it(c.name, () => {
      const inputs = new Inputs();
      inputs.add({ path: 'main.tf', text: c.text });
      const module = new TerraformModule([{ path: 'main.tf', text: c.text }], inputs);
      const tree = parseHcl(c.text);
      if (typeof tree === 'string') throw new Error(tree);
      try {
        let seen = 0;
        for (const body of nodesOfType(tree.rootNode, 'body')) {
          for (const expr of module.attributeNodes(body).values()) {
            const owner = module.attributeOf(expr);
            expect(owner?.id).toBe(expr.parent?.id);
            expect(spanOf(owner!)).toEqual(spanOf(expr.parent!));
            seen++;
          }
        }
        expect(seen).toBeGreaterThan(0);
      } finally {
        tree.delete();
        module.dispose();
      }
    });
  }
});
