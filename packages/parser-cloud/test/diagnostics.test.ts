import { describe, expect, it } from 'vitest';
import { armTemplate, awsCli, cloudFormation, gcloudCli, terraform, terraformPlan } from '../src/index.js';
import { codes, expectAccounted } from './helpers.js';

/*
 * Nothing is dropped silently: what is not understood is reported with its line, what is symbolic
 * says so, and a broken file is an error diagnostic while the rest of it is still read.
 */

const SG = (body: string): string => `resource "aws_security_group" "x" {\n${body}\n}\n`;

const cases: { name: string; text: string; codes: string[] }[] = [
  { name: 'a variable without a default', text: `variable "c" {}\n${SG('  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [var.c]\n  }')}`, codes: ['unresolved-reference@3'] },
  { name: 'ports from a variable without a default', text: `variable "p" {}\n${SG('  ingress {\n    from_port = var.p\n    to_port = var.p\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }')}`, codes: ['unresolved-reference@3'] },
  { name: 'self', text: SG('  ingress {\n    from_port = 0\n    to_port = 0\n    protocol = "-1"\n    self = true\n  }'), codes: ['self-reference@2'] },
  { name: 'a data source', text: SG('  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [data.aws_vpc.main.cidr_block]\n  }'), codes: ['unresolved-reference@2'] },
  { name: 'a CIDR that is not one', text: SG('  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["10.0.0.300/24"]\n  }'), codes: ['invalid-address@2'] },
  { name: 'a protocol AWS does not know', text: SG('  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcpx"\n    cidr_blocks = ["0.0.0.0/0"]\n  }'), codes: ['invalid-value@2'] },
  { name: 'ports out of order', text: SG('  ingress {\n    from_port = 30\n    to_port = 20\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }'), codes: ['invalid-value@2'] },
  { name: 'an attribute Portcullis does not read', text: SG('  frobnicate = true'), codes: ['unsupported-attribute@2'] },
  { name: 'a dynamic block over a variable without a default', text: `variable "ports" {}\n${SG('  dynamic "ingress" {\n    for_each = var.ports\n    content {\n      from_port = ingress.value\n      to_port = ingress.value\n      protocol = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }')}`, codes: ['unresolved-reference@3'] },
  { name: 'a syntax error, the next resource still read', text: `resource "aws_security_group" "bad" {\n  name = = "x"\n}\n${SG('  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    self = true\n  }')}`, codes: ['syntax-error@2', 'self-reference@5'] },
];

describe('Terraform diagnostics', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = terraform.parse({ path: 'main.tf', text: c.text });
      expect(codes(r)).toEqual(c.codes);
      expectAccounted(r, c.text.split('\n').length - 1);
    });
  }

  it('the syntax error is an error; the good group is still a device', () => {
    const r = terraform.parse({ path: 'main.tf', text: cases.at(-1)!.text });
    expect(r.diagnostics[0]!.severity).toBe('error');
    expect(r.devices.map((d) => d.name)).toContain('aws_security_group.x');
  });

  it('a separate rule for a group declared elsewhere makes a group of its own, and says so', () => {
    const text = 'resource "aws_security_group_rule" "r" {\n  type = "ingress"\n  security_group_id = "sg-123"\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n';
    const r = terraform.parse({ path: 'main.tf', text });
    expect(codes(r)).toEqual(['external-container@1']);
    expect(r.devices.map((d) => d.name)).toEqual(['sg-123']);
  });
});

describe('other formats', () => {
  it('CloudFormation: a YAML error is an error with its line', () => {
    const r = cloudFormation.parse({ path: 's.yaml', text: 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  A: [\n' });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['parse-error', 'error', 3]]);
  });

  it('CloudFormation: an unknown property of a rule is reported, not dropped', () => {
    const text = 'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n          Frob: 1\n';
    const r = cloudFormation.parse({ path: 's.yaml', text });
    expect(codes(r)).toEqual(['unsupported-field@10']);
    expectAccounted(r, 10);
  });

  it('JSON: a syntax error is reported with its line, and the rest is read', () => {
    const text = '{"SecurityGroups": [\n  {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},\n  {"GroupId": "sg-2",, }\n]}\n';
    const r = awsCli.parse({ path: 's.json', text });
    expect([...new Set(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line))]).toEqual([3]);
    expect(r.devices.map((d) => d.name)).toEqual(['sg-1', 'sg-2']);
  });

  it('ARM: an expression Portcullis cannot read stays symbolic', () => {
    const text = JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', resources: [{ type: 'Microsoft.Network/networkSecurityGroups', name: 'n', properties: { securityRules: [{ name: 'r', properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: "[reference('x').ip]", destinationPortRange: '22' } }] } }] }, null, 1);
    const r = armTemplate.parse({ path: 'a.json', text });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unresolved-reference']);
  });

  it('gcloud: a rule with source tags only is symbolic, and says so', () => {
    const r = gcloudCli.parse({ path: 'f.json', text: '[{"kind": "compute#firewall", "name": "a", "network": "n", "sourceTags": ["web"], "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}]}]' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['source-tag-reference']);
  });

  it('plan: a plan without planned_values says so', () => {
    const r = terraformPlan.parse({ path: 'p.json', text: '{"format_version": "1.2", "terraform_version": "1.9.8"}' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['no-planned-values']);
  });
});
