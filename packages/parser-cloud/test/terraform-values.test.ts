import { describe, expect, it } from 'vitest';
import { terraform } from '../src/index.js';

/**
 * What the Terraform reader works out statically: each case sets `cidr_blocks` of one ingress rule
 * (with the declarations it needs before it) and states the sources the rule ends up with.
 */
const cases: { name: string; decls?: string; cidrs: string; sources: string[] }[] = [
  { name: 'a literal list', cidrs: '["10.0.0.0/8", "::/0"]', sources: ['10.0.0.0/8', '::/0'] },
  { name: 'a variable default', decls: 'variable "c" { default = ["1.2.3.0/24"] }', cidrs: 'var.c', sources: ['1.2.3.0/24'] },
  { name: 'a local built from a variable', decls: 'variable "n" { default = 8 }\nlocals { c = "10.0.0.0/${var.n}" }', cidrs: '[local.c]', sources: ['10.0.0.0/8'] },
  { name: 'concat and a conditional', decls: 'variable "prod" { default = true }', cidrs: 'concat(["10.0.0.0/8"], var.prod ? ["0.0.0.0/0"] : [])', sources: ['0.0.0.0/0'] },
  { name: 'a for expression with a condition', decls: 'locals { nets = { a = "10.1.0.0/16", b = "" } }', cidrs: '[for k, v in local.nets : v if v != ""]', sources: ['10.1.0.0/16'] },
  { name: 'lookup in a map', decls: 'locals { m = { prod = "0.0.0.0/0" } }', cidrs: '[lookup(local.m, "prod", "10.0.0.0/8")]', sources: ['0.0.0.0/0'] },
  { name: 'format and join', cidrs: '[format("%s/%d", "192.0.2.0", 24)]', sources: ['192.0.2.0/24'] },
  { name: 'a splat over a list of objects', decls: 'locals { rules = [{ cidr = "10.2.0.0/16" }, { cidr = "10.3.0.0/16" }] }', cidrs: 'local.rules[*].cidr', sources: ['10.2.0.0/15'] },
  { name: 'a heredoc template', decls: 'locals {\n  c = <<-EOT\n    10.9.0.0/16\n  EOT\n}', cidrs: '[trimspace(local.c)]', sources: ['10.9.0.0/16'] },
  { name: 'an escaped interpolation is literal text (and not a CIDR)', cidrs: '["$${x}"]', sources: [] },
  { name: 'a function not evaluated', cidrs: '[cidrsubnet("10.0.0.0/8", 8, 1)]', sources: [] },
];

describe('Terraform values', () => {
  for (const c of cases) {
    it(c.name, () => {
      const text = `${c.decls ?? ''}\nresource "aws_security_group" "x" {\n  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ${c.cidrs}\n  }\n}\n`;
      const r = terraform.parse({ path: 'main.tf', text });
      const rules = r.devices[0]!.rulesets['ingress']!.rules.filter((x) => x.symbolic.length === 0);
      expect(rules.flatMap((x) => x.sources.toCidrs())).toEqual(c.sources);
    });
  }

  it('tfvars override defaults; *.auto.tfvars override terraform.tfvars', () => {
    const r = terraform.parseFolder!([
      { path: 'm/main.tf', text: 'variable "c" { default = "10.0.0.0/8" }\nresource "aws_security_group" "x" {\n  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [var.c]\n  }\n}\n' },
      { path: 'm/terraform.tfvars', text: 'c = "172.16.0.0/12"\n' },
      { path: 'm/prod.auto.tfvars', text: 'c = "0.0.0.0/0"\n' },
    ]);
    expect(r.devices[0]!.rulesets['ingress']!.rules[0]!.sources.toCidrs()).toEqual(['0.0.0.0/0']);
  });

  it('count makes one instance per index, named with it', () => {
    const text = 'variable "ports" { default = [22, 443] }\nresource "aws_security_group" "g" {}\nresource "aws_security_group_rule" "r" {\n  count = length(var.ports)\n  type = "ingress"\n  security_group_id = aws_security_group.g.id\n  from_port = var.ports[count.index]\n  to_port = var.ports[count.index]\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n';
    const r = terraform.parse({ path: 'main.tf', text });
    expect(r.devices[0]!.rulesets['ingress']!.rules.map((x) => `${x.origin.resource} ${x.text}`)).toEqual([
      'aws_security_group_rule.r[0] ingress allow tcp 22 from 0.0.0.0/0',
      'aws_security_group_rule.r[1] ingress allow tcp 443 from 0.0.0.0/0',
    ]);
  });
});
