import { describe, expect, it } from 'vitest';
import { FIXTURES, findingKeys, scanPaths } from './helpers.js';

/**
 * Each case: a fixture folder under fixtures/cloud, the findings (`rule@line`) it must produce, and
 * rules it must not produce anywhere. Lines are 1-based lines of the fixture's file; `resource` is
 * what the finding at the first `must` entry names.
 */
const cases: { dir: string; must: string[]; mustNot: string[]; resource?: string }[] = [
  // AWS, Terraform
  { dir: 'aws-protocol-all-ignores-ports', must: ['no-public-all-ports@5'], mustNot: ['no-public-ssh', 'no-public-rdp'], resource: 'aws_security_group.wide' },
  { dir: 'aws-all-zero-ports', must: ['no-public-all-ports@4'], mustNot: [] },
  { dir: 'aws-range-contains-port', must: ['no-public-ssh@5', 'no-public-rdp@13'], mustNot: ['no-public-all-ports'] },
  { dir: 'aws-ipv6-any', must: ['no-public-rdp@4'], mustNot: ['no-public-ssh'] },
  { dir: 'aws-noncanonical-zero', must: ['no-public-ssh@5'], mustNot: [] },
  { dir: 'aws-self-before-open', must: ['no-public-ssh@11'], mustNot: ['no-public-all-ports'], resource: 'aws_security_group.cluster' },
  { dir: 'aws-prefix-list-and-world', must: ['no-public-ssh@10'], mustNot: [] },
  { dir: 'aws-group-reference-only', must: [], mustNot: ['no-public-rdp'] },
  { dir: 'aws-separate-rule', must: ['no-public-ssh@6'], mustNot: ['no-public-all-ports'], resource: 'aws_security_group_rule.ssh' },
  { dir: 'aws-vpc-ingress-rule', must: ['no-public-rdp@5'], mustNot: ['no-public-all-ports'], resource: 'aws_vpc_security_group_ingress_rule.rdp' },
  { dir: 'aws-narrow-public-ssh', must: [], mustNot: ['no-public-ssh'] },
  { dir: 'aws-rdp-udp', must: ['no-public-rdp@4'], mustNot: [] },
  { dir: 'aws-variables-locals-tfvars', must: ['no-public-ssh@9', 'no-public-rdp@9', 'no-public-database@19'], mustNot: [] },
  { dir: 'aws-unresolved-variable', must: [], mustNot: ['no-public-ssh'] },
  { dir: 'aws-for-each-rules', must: ['no-public-ssh@5', 'no-public-database@5'], mustNot: [] },
  { dir: 'aws-nacl-rule-order', must: ['no-public-rdp@24', 'no-wide-public-port-range@5'], mustNot: ['no-public-ssh'] },
  { dir: 'aws-suppressed', must: [], mustNot: ['no-public-ssh'] },
  // Azure, Terraform
  { dir: 'azure-world-rdp-internet-ssh', must: ['no-public-rdp@6', 'no-public-ssh@18'], mustNot: [], resource: 'azurerm_network_security_group.web' },
  { dir: 'azure-priority-deny-first', must: [], mustNot: ['no-public-ssh'] },
  { dir: 'azure-service-tags', must: [], mustNot: ['no-public-ssh', 'no-public-rdp'] },
  { dir: 'azure-separate-rule-udp-rdp', must: ['no-public-rdp@7'], mustNot: [], resource: 'azurerm_network_security_rule.rdp_udp' },
  // GCP, Terraform
  { dir: 'gcp-allow-no-ports', must: ['no-public-all-ports@1'], mustNot: ['no-public-ssh'] },
  { dir: 'gcp-deny-beats-allow', must: ['no-public-rdp@27'], mustNot: ['no-public-ssh'] },
  { dir: 'gcp-disabled-and-tags', must: ['no-public-ssh@18'], mustNot: ['no-public-database'], resource: 'google_compute_firewall.bastion_ssh' },
  // CloudFormation, ARM, CLI JSON
  { dir: 'cfn-intrinsics', must: ['no-public-ssh@31', 'no-public-database@46'], mustNot: ['no-public-rdp', 'no-public-all-ports'], resource: 'App' },
  { dir: 'cfn-json-template', must: ['no-telnet@9', 'no-public-rdp@15', 'no-public-vnc@47'], mustNot: [] },
  { dir: 'arm-nsg', must: ['no-public-rdp@29', 'no-public-ssh@58'], mustNot: ['no-public-database'], resource: 'app-nsg' },
  { dir: 'cli-azure-nsg-list', must: ['no-public-ssh@76', 'no-public-admin-service@116'], mustNot: ['no-public-rdp'], resource: 'vm-nsg' },
  { dir: 'cli-gcloud-firewall-rules', must: ['no-public-ssh@2'], mustNot: ['no-public-rdp', 'no-public-all-ports'] },
  { dir: 'cli-aws-network-acls', must: ['no-public-all-ports@31'], mustNot: [] },
  // The folder proposed for fixtures/demo: tfvars widen SSH, a forgotten rule opens a database group, WinRM from Internet.
  { dir: '../demo/cloud', must: ['no-public-ssh@25', 'no-public-all-ports@46', 'no-public-admin-service@72'], mustNot: ['no-public-database@86'], resource: 'aws_security_group.bastion' },
];

describe('cloud semantics, at the level of findings', () => {
  for (const c of cases) {
    it(c.dir, () => {
      const result = scanPaths([`${FIXTURES}/${c.dir}`]);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const keys = findingKeys(result);
      for (const m of c.must) expect(keys).toContain(m);
      for (const n of c.mustNot) expect(keys.filter((k) => k.startsWith(`${n}@`))).toEqual([]);
      if (c.resource) {
        const [rule, line] = c.must[0]!.split('@');
        const f = result.findings.find((x) => x.ruleId === rule && x.location.line === Number(line));
        expect(f?.location.resource).toBe(c.resource);
      }
    });
  }

  it('a suppression comment above a rule block suppresses its finding, with its reason', () => {
    const result = scanPaths([`${FIXTURES}/aws-suppressed`]);
    expect(result.findings.map((f) => [f.ruleId, f.location.line, f.suppressed, f.suppression?.reason])).toEqual([
      ['no-public-ssh', 5, true, 'the jump host, reviewed in SEC-42'],
    ]);
  });

  it('a finding covers the whole rule block', () => {
    const f = scanPaths([`${FIXTURES}/aws-separate-rule`]).findings.find((x) => x.ruleId === 'no-public-ssh')!;
    expect(f.location).toEqual({ file: `${FIXTURES}/aws-separate-rule/main.tf`, line: 6, column: 1, endLine: 13, resource: 'aws_security_group_rule.ssh' });
  });

  it('for_each instances are named as Terraform names them', () => {
    const result = scanPaths([`${FIXTURES}/aws-for-each-rules`]);
    expect(result.findings.map((f) => f.location.resource).sort()).toEqual(['aws_security_group_rule.public["postgres"]', 'aws_security_group_rule.public["ssh"]']);
  });

  it('shared corpus: the SSH-open-to-the-world groups are reported', () => {
    const result = scanPaths(['../shared/corpus/cloud/aws/batfish-hybrid-SecurityGroups.json']);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    // SSH open to the world, either by its own rule or inside "every port" (which then reports it once).
    const ssh = result.findings.filter((f) => f.ruleId === 'no-public-ssh' || f.ruleId === 'no-public-all-ports').map((f) => `${f.ruleId} ${f.location.resource}`);
    expect(ssh).toEqual([
      'no-public-ssh sg-331ad04e',
      'no-public-ssh sg-6c4d1408',
      'no-public-ssh sg-83b348fe',
      'no-public-ssh sg-94df21e9',
      'no-public-all-ports sg-adcd87d0',
      'no-public-ssh sg-bb550cdf',
    ]);
  });
});

describe('one estate, four inputs, the same findings', () => {
  const inputs = ['estate-terraform', 'estate-plan', 'estate-cloudformation', 'estate-aws-cli'];
  const summary = (dir: string): string[] =>
    scanPaths([`${FIXTURES}/${dir}`]).findings.map((f) => `${f.ruleId} ${f.exposure?.protocol} ${f.exposure?.ports} from ${f.exposure?.from.join(',')}`).sort();

  it('Terraform finds SSH, the database and RDP over IPv6', () => {
    expect(summary('estate-terraform')).toEqual([
      'no-public-database tcp 5432 from 0.0.0.0/0',
      'no-public-rdp tcp 3389 from ::/0',
      'no-public-ssh tcp 22 from 0.0.0.0/0',
    ]);
  });

  for (const dir of inputs.slice(1)) {
    it(`${dir} finds what Terraform finds`, () => {
      expect(summary(dir)).toEqual(summary('estate-terraform'));
    });
  }

  it('each input names the groups its own way', () => {
    const names = (dir: string): string[] => [...new Set(scanPaths([`${FIXTURES}/${dir}`]).findings.map((f) => f.location.resource ?? ''))].sort();
    expect(names('estate-terraform')).toEqual(['aws_security_group.db', 'aws_security_group.web', 'aws_security_group_rule.db_rdp']);
    expect(names('estate-plan')).toEqual(['aws_security_group.db', 'aws_security_group.web', 'aws_security_group_rule.db_rdp']);
    expect(names('estate-cloudformation')).toEqual(['Db', 'DbRdp', 'Web']);
    expect(names('estate-aws-cli')).toEqual(['sg-0aaa1111bbbb2222c', 'sg-0ddd3333eeee4444f']);
  });
});
