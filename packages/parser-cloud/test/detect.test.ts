import type { InputFile } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { cloudParsers } from '../src/index.js';

/** The format each input is detected as (the best score at or above 0.5), or none. */
function detected(file: InputFile): string | undefined {
  let best: string | undefined;
  let score = 0.5;
  for (const p of cloudParsers) {
    const s = p.detect(file);
    if (s > score) {
      score = s;
      best = p.format;
    }
  }
  return best;
}

const cases: { name: string; path: string; text: string; format: string | undefined }[] = [
  { name: 'a .tf file', path: 'infra/main.tf', text: 'resource "aws_security_group" "x" {}\n', format: 'terraform' },
  { name: 'terraform.tfvars', path: 'infra/terraform.tfvars', text: 'x = 1\n', format: 'terraform' },
  { name: 'an empty .tf file', path: 'infra/versions.tf', text: '', format: 'terraform' },
  { name: 'HCL without an extension', path: 'infra/sg', text: 'resource "aws_security_group" "x" {\n}\n', format: 'terraform' },
  { name: 'Terraform JSON syntax (not read)', path: 'main.tf.json', text: '{"resource": {}}', format: undefined },
  { name: 'a plan', path: 'plan.json', text: '{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{}}', format: 'terraform-plan' },
  { name: 'a CloudFormation YAML template', path: 'stack.yaml', text: 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n', format: 'cloudformation' },
  { name: 'a template without a version line', path: 'cfn/app.yml', text: 'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n', format: 'cloudformation' },
  { name: 'a CloudFormation JSON template', path: 'stack.json', text: '{ "Resources": { "Sg": { "Type": "AWS::EC2::SecurityGroup" } } }', format: 'cloudformation' },
  { name: 'an ARM template', path: 'azuredeploy.json', text: '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}', format: 'arm-template' },
  { name: 'describe-security-groups', path: 'sgs.json', text: '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}', format: 'aws-cli' },
  { name: 'describe-network-acls', path: 'acls.json', text: '{"NetworkAcls": [{"Entries": []}]}', format: 'aws-cli' },
  { name: 'az network nsg list', path: 'nsgs.json', text: '[{"name": "n", "type": "Microsoft.Network/networkSecurityGroups", "securityRules": []}]', format: 'azure-cli' },
  { name: 'gcloud firewall-rules list', path: 'fw.json', text: '[{"kind": "compute#firewall", "name": "x"}]', format: 'gcloud' },
  // Not ours: these must score 0 with every cloud parser.
  { name: 'portcullis.yaml', path: 'portcullis.yaml', text: 'rules:\n  no-public-ssh:\n    severity: high\ntrustedSources:\n  - 198.51.100.0/24\n', format: undefined },
  { name: 'services.yaml', path: 'services.yaml', text: 'services:\n  - name: web\n    host: 10.0.0.1\n    port: 443\n    protocol: tcp\n', format: undefined },
  { name: 'package.json', path: 'package.json', text: '{"name": "x", "version": "1.0.0", "type": "module", "scripts": {"build": "tsc"}}', format: undefined },
  { name: 'random JSON with a "Resources" key', path: 'data.json', text: '{"Resources": {"a": 1}, "Type": "thing"}', format: undefined },
  { name: 'a Kubernetes manifest', path: 'deploy.yaml', text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: LoadBalancer\n', format: undefined },
  { name: 'a docker-compose file', path: 'docker-compose.yml', text: 'services:\n  web:\n    ports:\n      - "22:22"\n', format: undefined },
  { name: 'an iptables-save file', path: 'fw.iptables-save', text: '*filter\n:INPUT DROP [0:0]\nCOMMIT\n', format: undefined },
  { name: 'a YAML list that mentions AWS types in a value', path: 'notes.yaml', text: '- note: Type AWS::EC2::SecurityGroup is what we use\n', format: undefined },
];

describe('detection by content', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(detected({ path: c.path, text: c.text })).toBe(c.format);
    });
  }

  it('files that are none of these score 0 with every cloud parser', () => {
    for (const c of cases.filter((x) => x.format === undefined && !x.path.endsWith('.tf.json'))) {
      for (const p of cloudParsers) expect(`${c.name}: ${p.format} ${p.detect({ path: c.path, text: c.text })}`).toBe(`${c.name}: ${p.format} 0`);
    }
  });
});
