import { describe, expect, it } from 'vitest';
import { cloudParsers } from '../src/index.js';

/** Inputs built to break a parser: every parser returns a result, none throws, none hangs. */
const inputs: { name: string; path: string; text: string }[] = [
  { name: 'deeply nested JSON', path: 'x.json', text: `{"SecurityGroups": ${'['.repeat(20000)}${']'.repeat(20000)}}` },
  { name: 'deeply nested HCL', path: 'x.tf', text: `locals { a = ${'['.repeat(5000)}${']'.repeat(5000)} }\n` },
  { name: 'a very long HCL line', path: 'x.tf', text: `resource "aws_security_group" "x" {\n  description = "${'a'.repeat(100000)}"\n}\n` },
  { name: 'an unterminated HCL string', path: 'x.tf', text: 'resource "aws_security_group" "x" {\n  name = "abc\n' },
  { name: 'a local that refers to itself', path: 'x.tf', text: 'locals { a = local.a }\nresource "aws_security_group" "x" {\n  ingress {\n    from_port = 0\n    to_port = 0\n    protocol = "-1"\n    cidr_blocks = [local.a]\n  }\n}\n' },
  { name: 'a YAML alias bomb', path: 'x.yaml', text: `AWSTemplateFormatVersion: x\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nResources: {}\n` },
  { name: 'a YAML tag that would build code elsewhere', path: 'x.yaml', text: 'AWSTemplateFormatVersion: x\nResources:\n  A: !!js/function "function () { return 1 }"\n' },
  { name: 'binary junk with a .tf name', path: 'x.tf', text: '\u0000\u0001\u0002{{{}}}"""' },
  { name: 'an ARM expression that never closes', path: 'a.json', text: JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/x/deploymentTemplate.json#', resources: [{ type: 'Microsoft.Network/networkSecurityGroups', name: `[concat(${'concat('.repeat(3000)}`, properties: {} }] }) },
];

describe('hostile inputs', () => {
  for (const input of inputs) {
    it(input.name, () => {
      for (const p of cloudParsers) {
        const started = Date.now();
        const r = p.parse({ path: input.path, text: input.text });
        expect(r.lines.recognised + r.lines.ignored + r.lines.reported).toBe(r.lines.total);
        expect(Date.now() - started).toBeLessThan(5000);
      }
    });
  }
});
