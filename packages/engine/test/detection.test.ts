import { describe, expect, it } from 'vitest';
import { detectFormat } from '../src/registry.js';

// Detection asks every format's detector about a file, except where its name settles it: a monorepo
// holds thousands of `.tf` files, and only the Terraform reader reads them.
describe('format detection', () => {
  const firewall = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';

  it.each([
    ['infra/main.tf', 'resource "aws_security_group" "x" {}\n', 'terraform'],
    ['infra/MAIN.TF', '', 'terraform'],
    ['infra/prod.tfvars', 'x = 1\n', 'terraform'],
    ['infra/odd.tf', firewall, 'terraform'],
    ['rules.v4', firewall, 'iptables-save'],
    ['main.tf.json', '{"resource": {}}', undefined],
    ['infra/sg', 'resource "aws_security_group" "x" {\n}\n', 'terraform'],
  ])('%s', (path, text, format) => {
    expect(detectFormat({ path, text })?.format).toBe(format);
  });
});
