import { describe, expect, it } from 'vitest';
import { UNKNOWN, ids, policies, validateResource, validateStack, type Declared } from './harness.js';

/*
 * The cloud cases of fixtures/cloud, as Pulumi programs state them. Each case: the resources, the
 * policies that must report (resource check: `rule`; stack check: `rule@resource`), and those that
 * must not. The expectations are the fixtures' (packages/parser-cloud/test/semantics.test.ts).
 */

const SG = 'aws:ec2/securityGroup:SecurityGroup';
const SG_RULE = 'aws:ec2/securityGroupRule:SecurityGroupRule';
const VPC_INGRESS = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
const NACL = 'aws:ec2/networkAcl:NetworkAcl';
const NACL_RULE = 'aws:ec2/networkAclRule:NetworkAclRule';
const NATIVE_NSG = 'azure-native:network:NetworkSecurityGroup';
const NATIVE_RULE = 'azure-native:network:SecurityRule';
const CLASSIC_NSG = 'azure:network/networkSecurityGroup:NetworkSecurityGroup';
const CLASSIC_RULE = 'azure:network/networkSecurityRule:NetworkSecurityRule';
const FIREWALL = 'gcp:compute/firewall:Firewall';

const world = ['0.0.0.0/0'];

/** Cases one resource decides: a group, ACL or NSG with its rules inline. */
const resourceCases: { title: string; resource: Declared; must: string[]; mustNot: string[] }[] = [
  {
    title: 'protocol -1 with ports 100-200 is every port',
    resource: { type: SG, name: 'wide', props: { name: 'wide', ingress: [{ protocol: '-1', fromPort: 100, toPort: 200, cidrBlocks: world }] } },
    must: ['no-public-all-ports'],
    mustNot: ['no-public-ssh', 'no-public-rdp', 'no-wide-public-port-range'],
  },
  {
    title: 'protocol all, ports 0-0, to the world',
    resource: { type: SG, name: 'everything', props: { ingress: [{ protocol: 'all', fromPort: 0, toPort: 0, cidrBlocks: world }] } },
    must: ['no-public-all-ports'],
    mustNot: ['no-telnet', 'no-public-rdp'],
  },
  {
    title: 'port ranges that contain 22 and 3389 (protocol "6" is tcp)',
    resource: {
      type: SG,
      name: 'ranges',
      props: { ingress: [{ protocol: 'tcp', fromPort: 20, toPort: 30, cidrBlocks: world }, { protocol: '6', fromPort: 3380, toPort: 3390, cidrBlocks: world }] },
    },
    must: ['no-public-ssh', 'no-public-rdp'],
    mustNot: ['no-public-all-ports'],
  },
  {
    title: '::/0 in ipv6CidrBlocks is the world',
    resource: { type: SG, name: 'v6', props: { ingress: [{ protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: [], ipv6CidrBlocks: ['::/0'] }] } },
    must: ['no-public-rdp'],
    mustNot: ['no-public-ssh'],
  },
  {
    title: '1.2.3.4/0 is the world',
    resource: { type: SG, name: 'sloppy', props: { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['1.2.3.4/0'] }] } },
    must: ['no-public-ssh'],
    mustNot: [],
  },
  {
    title: 'self opens nothing to the world; the open rule beside it is still found',
    resource: {
      type: SG,
      name: 'cluster',
      props: { ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, self: true }, { protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: world }] },
    },
    must: ['no-public-ssh'],
    mustNot: ['no-public-all-ports'],
  },
  {
    title: 'a prefix list does not hide the CIDR in the same rule',
    resource: { type: SG, name: 'mixed', props: { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, prefixListIds: ['pl-0a1b2c3d'], cidrBlocks: world }] } },
    must: ['no-public-ssh'],
    mustNot: [],
  },
  {
    title: 'a security group reference alone is symbolic, not the world',
    resource: { type: SG, name: 'app', props: { ingress: [{ protocol: 'tcp', fromPort: 3389, toPort: 3389, securityGroups: ['sg-0123456789abcdef0'] }] } },
    must: [],
    mustNot: ['no-public-rdp'],
  },
  {
    title: 'a narrow public /29 on 22 is not "anywhere"',
    resource: { type: SG, name: 'office-ssh', props: { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['198.51.100.8/29'] }] } },
    must: [],
    mustNot: ['no-public-ssh'],
  },
  {
    title: 'RDP over UDP',
    resource: { type: SG, name: 'rdp-udp', props: { ingress: [{ protocol: 'udp', fromPort: 3389, toPort: 3389, cidrBlocks: world }] } },
    must: ['no-public-rdp'],
    mustNot: [],
  },
  {
    title: 'network ACL: the deny numbered first decides 22; 0-1023 is a wide range',
    resource: {
      type: NACL,
      name: 'public',
      props: {
        ingress: [
          { ruleNo: 200, action: 'allow', protocol: 'tcp', fromPort: 0, toPort: 1023, cidrBlock: '0.0.0.0/0' },
          { ruleNo: 100, action: 'deny', protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlock: '0.0.0.0/0' },
        ],
      },
    },
    must: ['no-wide-public-port-range'],
    mustNot: ['no-public-ssh'],
  },
  {
    title: 'Azure (native): 0.0.0.0/0 and Internet are the world',
    resource: {
      type: NATIVE_NSG,
      name: 'web-nsg',
      props: {
        resourceGroupName: 'rg-web',
        securityRules: [
          { name: 'rdp', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '3389', sourceAddressPrefix: '0.0.0.0/0', destinationAddressPrefix: '*' },
          { name: 'ssh', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '22', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*' },
        ],
      },
    },
    must: ['no-public-rdp', 'no-public-ssh'],
    mustNot: [],
  },
  {
    title: 'Azure (classic): *, Any and ::/0 are the world',
    resource: {
      type: CLASSIC_NSG,
      name: 'app-nsg',
      props: {
        name: 'app-nsg',
        securityRules: [
          { name: 'vnc', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRanges: ['5900-5901'], sourceAddressPrefix: '*', destinationAddressPrefix: '*' },
          { name: 'db', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '5432', sourceAddressPrefix: 'Any', destinationAddressPrefix: '*' },
          { name: 'rdp6', priority: 120, direction: 'Inbound', access: 'Allow', protocol: '*', sourcePortRange: '*', destinationPortRange: '3389', sourceAddressPrefixes: ['::/0'], destinationAddressPrefix: '*' },
        ],
      },
    },
    must: ['no-public-vnc', 'no-public-database', 'no-public-rdp'],
    mustNot: ['no-public-all-ports'],
  },
  {
    title: 'Azure: a deny with a lower priority number shadows a later allow',
    resource: {
      type: NATIVE_NSG,
      name: 'locked-nsg',
      props: {
        securityRules: [
          { name: 'allow-ssh', priority: 300, direction: 'Inbound', access: 'Allow', protocol: '*', sourcePortRange: '*', destinationPortRange: '22', sourceAddressPrefix: '*', destinationAddressPrefix: '*' },
          { name: 'deny-ssh', priority: 200, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '22', sourceAddressPrefix: '*', destinationAddressPrefix: '*' },
        ],
      },
    },
    must: [],
    mustNot: ['no-public-ssh'],
  },
  {
    title: 'Azure: service tags other than Internet are not the world',
    resource: {
      type: NATIVE_NSG,
      name: 'internal-nsg',
      props: {
        securityRules: [
          { name: 'ssh-from-vnet', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '22', sourceAddressPrefix: 'VirtualNetwork', destinationAddressPrefix: '*' },
          { name: 'rdp-from-lb', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '3389', sourceAddressPrefix: 'AzureLoadBalancer', destinationAddressPrefix: '*' },
        ],
      },
    },
    must: [],
    mustNot: ['no-public-ssh', 'no-public-rdp'],
  },
];

describe('resource checks: one resource with its rules inline', () => {
  for (const c of resourceCases) {
    it(c.title, async () => {
      const out = await validateResource(c.resource);
      expect(out.unknown).toEqual([]);
      const reported = ids(out.violations);
      for (const m of c.must) expect(reported).toContain(m);
      for (const n of c.mustNot) expect(reported).not.toContain(n);
    });
  }

  it('a violation says what is open, from where, on which group', async () => {
    const out = await validateResource({ type: SG, name: 'web', props: { ingress: [{ protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: world }] } });
    expect(out.violations).toEqual(['no-public-rdp: RDP (3389/tcp) on web is reachable from anywhere (0.0.0.0/0)']);
  });

  it('rule resources, GCP firewall rules and other types are left to the stack check or not applicable', async () => {
    for (const type of [SG_RULE, FIREWALL, 'aws:s3/bucket:Bucket']) {
      const out = await validateResource({ type, name: 'x', props: {} });
      expect(out.violations).toEqual([]);
      expect(out.notApplicable).toHaveLength(policies.length);
    }
  });
});

/** Cases only the stack shows: rule resources with what they belong to, GCP rules per network. */
const stackCases: { title: string; resources: Declared[]; must: string[]; mustNot: string[] }[] = [
  {
    title: 'a group with no inline rules and a separate rule opening 3389 to 0.0.0.0/0 (id unknown in preview)',
    resources: [
      { type: SG, name: 'win', props: { name: 'win', description: 'no inline rules' } },
      { type: SG_RULE, name: 'rdp', props: { type: 'ingress', securityGroupId: UNKNOWN, protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: world }, dependsOn: { securityGroupId: ['win'] } },
    ],
    must: ['no-public-rdp@rdp'],
    mustNot: ['no-public-all-ports'],
  },
  {
    title: 'a separate rule found by its group id, and an egress rule that opens nothing inbound',
    resources: [
      { type: SG, name: 'bastion', props: { id: 'sg-0aaa1111bbbb2222c', name: 'bastion' } },
      { type: SG_RULE, name: 'ssh', props: { type: 'ingress', securityGroupId: 'sg-0aaa1111bbbb2222c', protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: world } },
      { type: SG_RULE, name: 'out', props: { type: 'egress', securityGroupId: 'sg-0aaa1111bbbb2222c', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: world } },
    ],
    must: ['no-public-ssh@ssh'],
    mustNot: ['no-public-all-ports'],
  },
  {
    title: 'vpc ingress rules: cidrIpv4 to the world, a referenced group with -1 is symbolic',
    resources: [
      { type: SG, name: 'win', props: {} },
      { type: VPC_INGRESS, name: 'rdp', props: { securityGroupId: UNKNOWN, ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv4: '0.0.0.0/0' }, dependsOn: { securityGroupId: ['win'] } },
      { type: VPC_INGRESS, name: 'from-lb', props: { securityGroupId: UNKNOWN, ipProtocol: '-1', referencedSecurityGroupId: 'sg-0123456789abcdef0' }, dependsOn: { securityGroupId: ['win'] } },
    ],
    must: ['no-public-rdp@rdp'],
    mustNot: ['no-public-all-ports'],
  },
  {
    title: 'a network ACL rule resource joins the ACL: RDP numbered after the inline entries',
    resources: [
      { type: NACL, name: 'public', props: { ingress: [{ ruleNo: 100, action: 'deny', protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlock: '0.0.0.0/0' }] } },
      { type: NACL_RULE, name: 'rdp', props: { networkAclId: UNKNOWN, ruleNumber: 300, egress: false, protocol: 'tcp', ruleAction: 'allow', cidrBlock: '0.0.0.0/0', fromPort: 3389, toPort: 3389 }, dependsOn: { networkAclId: ['public'] } },
    ],
    must: ['no-public-rdp@rdp'],
    mustNot: ['no-public-ssh'],
  },
  {
    title: 'Azure (native): a separate SecurityRule, RDP over UDP',
    resources: [
      { type: NATIVE_NSG, name: 'app-nsg', props: { resourceGroupName: 'rg', networkSecurityGroupName: 'app-nsg' } },
      {
        type: NATIVE_RULE,
        name: 'rdp-udp',
        props: { securityRuleName: 'rdp-udp', networkSecurityGroupName: 'app-nsg', resourceGroupName: 'rg', priority: 120, direction: 'Inbound', access: 'Allow', protocol: 'Udp', sourcePortRange: '*', destinationPortRanges: ['3389', '5000-5010'], sourceAddressPrefix: '*', destinationAddressPrefix: '*' },
      },
    ],
    must: ['no-public-rdp@rdp-udp'],
    mustNot: [],
  },
  {
    title: 'Azure (classic): a separate rule denies first, by priority, what another allows',
    resources: [
      { type: CLASSIC_NSG, name: 'nsg', props: { name: 'edge-nsg' } },
      { type: CLASSIC_RULE, name: 'deny-ssh', props: { name: 'deny-ssh', networkSecurityGroupName: 'edge-nsg', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '22', sourceAddressPrefix: '*', destinationAddressPrefix: '*' } },
      { type: CLASSIC_RULE, name: 'allow-ssh', props: { name: 'allow-ssh', networkSecurityGroupName: 'edge-nsg', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '22', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*' } },
      { type: CLASSIC_RULE, name: 'allow-rdp', props: { name: 'allow-rdp', networkSecurityGroupName: 'edge-nsg', priority: 210, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '3389', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*' } },
    ],
    must: ['no-public-rdp@allow-rdp'],
    mustNot: ['no-public-ssh'],
  },
  {
    title: 'GCP: an allow with no ports is every port of that protocol',
    resources: [{ type: FIREWALL, name: 'allow-tcp', props: { name: 'allow-tcp', network: 'default', allows: [{ protocol: 'tcp' }], sourceRanges: world } }],
    must: ['no-public-all-ports@allow-tcp'],
    mustNot: ['no-public-ssh'],
  },
  {
    title: 'GCP: deny beats allow at equal priority; an earlier allow beats a later deny; protocol all',
    resources: [
      { type: FIREWALL, name: 'allow-ssh', props: { network: 'prod', priority: 1000, allows: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: world } },
      { type: FIREWALL, name: 'deny-ssh', props: { network: 'prod', priority: 1000, denies: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: world } },
      { type: FIREWALL, name: 'allow-rdp', props: { network: 'prod', priority: 900, allows: [{ protocol: 'tcp', ports: ['3389'] }], sourceRanges: world } },
      { type: FIREWALL, name: 'deny-rdp', props: { network: 'prod', priority: 1000, denies: [{ protocol: 'all' }], sourceRanges: world } },
    ],
    must: ['no-public-rdp@allow-rdp'],
    mustNot: ['no-public-ssh'],
  },
  {
    title: 'GCP: a disabled rule is ignored; tags are symbolic; the network comes from its resource',
    resources: [
      { type: 'gcp:compute/network:Network', name: 'vpc', props: { name: 'shop' } },
      { type: FIREWALL, name: 'old-ssh', props: { network: UNKNOWN, disabled: true, allows: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: world }, dependsOn: { network: ['vpc'] } },
      { type: FIREWALL, name: 'bastion-ssh', props: { network: UNKNOWN, allows: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: ['::/0'], targetTags: ['bastion'] }, dependsOn: { network: ['vpc'] } },
      { type: FIREWALL, name: 'db-from-web', props: { network: UNKNOWN, allows: [{ protocol: 'tcp', ports: ['5432'] }], sourceTags: ['web'], targetTags: ['db'] }, dependsOn: { network: ['vpc'] } },
    ],
    must: ['no-public-ssh@bastion-ssh'],
    mustNot: ['no-public-ssh@old-ssh', 'no-public-database'],
  },
];

describe('stack checks: what only the whole stack shows', () => {
  for (const c of stackCases) {
    it(c.title, async () => {
      const out = await validateStack(c.resources);
      expect(out.unknown).toEqual([]);
      const reported = out.violations.map((v) => v.slice(0, v.indexOf(':')));
      for (const m of c.must) expect(reported).toContain(m);
      for (const n of c.mustNot) expect(reported.filter((r) => r === n || r.startsWith(`${n}@`))).toEqual([]);
    });
  }

  it('reports on the rule resource, once, and not what the resource checks already report', async () => {
    const out = await validateStack([
      { type: SG, name: 'web', props: { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: world }] } },
      { type: SG_RULE, name: 'rdp', props: { type: 'ingress', securityGroupId: UNKNOWN, protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: world }, dependsOn: { securityGroupId: ['web'] } },
    ]);
    expect(out.violations).toEqual(['no-public-rdp@rdp: RDP (3389/tcp) on web is reachable from anywhere (0.0.0.0/0)']);
  });

  it('is not applicable to a stack without network boundaries', async () => {
    const out = await validateStack([{ type: 'aws:s3/bucket:Bucket', name: 'logs', props: { bucket: 'logs' } }]);
    expect(out.violations).toEqual([]);
    expect(out.notApplicable).toHaveLength(policies.length);
  });
});

describe('unknown values during preview', () => {
  it('an unknown CIDR is reported as not checked, and the known open rule beside it still is a violation', async () => {
    const out = await validateResource({
      type: SG,
      name: 'web',
      props: { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: [UNKNOWN] }, { protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: world }] },
    });
    expect(ids(out.violations)).toEqual(['no-public-rdp']);
    expect(out.unknown.map((u) => u.policy)).toEqual(policies.map((p) => p.name));
    expect(out.unknown[0]!.message).toContain('web.ingress[0].cidrBlocks[0]: not known until the deployment (unknown during preview)');
  });

  it('an unknown rule list, port or protocol is never read as open or as closed', async () => {
    for (const props of [
      { ingress: UNKNOWN },
      { ingress: [{ protocol: 'tcp', fromPort: UNKNOWN, toPort: UNKNOWN, cidrBlocks: world }] },
      { ingress: [{ protocol: UNKNOWN, fromPort: 22, toPort: 22, cidrBlocks: world }] },
    ]) {
      const out = await validateResource({ type: SG, name: 'web', props });
      expect(out.violations).toEqual([]);
      expect(out.unknown).toHaveLength(policies.length);
    }
  });

  it('at stack level: an unknown source range is named with its resource; a known id join is not an unknown', async () => {
    const out = await validateStack([
      { type: 'aws:ec2/vpc:Vpc', name: 'vpc', props: { cidrBlock: UNKNOWN } },
      { type: SG, name: 'db', props: {} },
      { type: SG_RULE, name: 'pg', props: { type: 'ingress', securityGroupId: UNKNOWN, protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: UNKNOWN }, dependsOn: { securityGroupId: ['db'], cidrBlocks: ['vpc'] } },
      { type: FIREWALL, name: 'ssh', props: { network: 'default', allows: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: world } },
    ]);
    expect(out.violations.map((v) => v.slice(0, v.indexOf(':')))).toEqual(['no-public-ssh@ssh']);
    expect(out.unknown).toHaveLength(policies.length);
    expect(out.unknown[0]!.message).toContain('pg.cidrBlocks: not known until the deployment');
  });
});

describe('metadata and configuration', () => {
  it('one policy per rule, named by its id, mandatory for critical and high', () => {
    const rdp = policies.find((p) => p.name === 'no-public-rdp')!;
    expect(rdp).toMatchObject({ severity: 'high', enforcementLevel: 'mandatory', url: 'docs/rules/no-public-rdp.md', description: 'Remote Desktop is reachable from anywhere' });
    expect(rdp.remediationSteps).toBeTruthy();
    expect(policies.find((p) => p.name === 'no-public-ssh')).toMatchObject({ severity: 'medium', enforcementLevel: 'advisory' });
    expect(policies.find((p) => p.name === 'no-public-all-ports')).toMatchObject({ severity: 'critical', enforcementLevel: 'mandatory' });
  });

  it("a rule's options are its policy's config schema, and config changes what it reports", async () => {
    const wide = policies.find((p) => p.name === 'no-wide-public-port-range')!;
    expect(Object.keys(wide.configSchema!.properties)).toEqual(['portCountAbove']);
    const group: Declared = { type: SG, name: 'svc', props: { ingress: [{ protocol: 'tcp', fromPort: 8000, toPort: 8050, cidrBlocks: world }] } };
    expect(ids((await validateResource(group)).violations)).not.toContain('no-wide-public-port-range');
    const configured = await validateResource(group, { 'no-wide-public-port-range': { portCountAbove: 10 } });
    expect(ids(configured.violations)).toContain('no-wide-public-port-range');
  });
});
