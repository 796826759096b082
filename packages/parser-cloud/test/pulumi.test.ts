import { describe, expect, it } from 'vitest';
import { PULUMI_UNKNOWN, parsePulumiResources, type PulumiResource } from '@portcullis/parser-cloud';
import { ruleView } from './helpers.js';

const urn = (type: string, name: string): string => `urn:pulumi:dev::shop::${type}::${name}`;
const resource = (type: string, name: string, props: Record<string, unknown>, propertyDependencies?: Record<string, string[]>): PulumiResource => ({
  type,
  name,
  urn: urn(type, name),
  props,
  ...(propertyDependencies ? { propertyDependencies } : {}),
});

const SG = 'aws:ec2/securityGroup:SecurityGroup';
const SG_RULE = 'aws:ec2/securityGroupRule:SecurityGroupRule';

describe('Pulumi resources into the model', () => {
  it('a group and its rule resource (joined by the dependency of an unknown id) are one device', () => {
    const result = parsePulumiResources([
      resource(SG, 'web', { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['0.0.0.0/0'], self: true }] }),
      resource(SG_RULE, 'rdp', { type: 'ingress', securityGroupId: PULUMI_UNKNOWN, protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: ['0.0.0.0/0'] }, { securityGroupId: [urn(SG, 'web')] }),
    ]);
    expect(result.devices.map((d) => d.name)).toEqual(['web']);
    const rules = result.devices[0]!.rulesets['ingress']!.rules.map(ruleView);
    expect(rules.map((r) => [r.sources, r.ports, r.symbolic])).toEqual([
      [['0.0.0.0/0'], '22', []],
      [[], '22', ['self']],
      [['0.0.0.0/0'], '3389', []],
    ]);
    expect(result.devices[0]!.rulesets['ingress']!.rules[2]!.origin).toEqual({ file: urn(SG_RULE, 'rdp'), line: 1, resource: 'rdp' });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['self-reference']);
  });

  it('an unknown CIDR stays symbolic, with a diagnostic on its resource that says why', () => {
    const result = parsePulumiResources([resource(SG, 'web', { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: [PULUMI_UNKNOWN] }] })]);
    const rules = result.devices[0]!.rulesets['ingress']!.rules.map(ruleView);
    expect(rules).toMatchObject([{ sources: [], symbolic: ['web.ingress[0].cidrBlocks[0]'], exact: false }]);
    expect(result.diagnostics).toEqual([
      {
        file: urn(SG, 'web'),
        line: 1,
        severity: 'warning',
        code: 'unresolved-reference',
        message: 'web.ingress[0].cidrBlocks[0]: not known until the deployment (unknown during preview); the source is kept symbolic and not counted as any address',
      },
    ]);
  });

  it('a rule resource whose group is not in the stack is a group of its own, said so', () => {
    const result = parsePulumiResources([resource(SG_RULE, 'ssh', { type: 'ingress', securityGroupId: 'sg-0123', protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['10.0.0.0/8'] })]);
    expect(result.devices.map((d) => d.name)).toEqual(['sg-0123']);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['external-container']);
  });

  it('GCP firewall rules of one network make one device, sorted by priority, deny first at a tie', () => {
    const FW = 'gcp:compute/firewall:Firewall';
    const result = parsePulumiResources([
      resource(FW, 'allow', { network: 'projects/p/global/networks/prod', allows: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: ['0.0.0.0/0'] }),
      resource(FW, 'deny', { network: 'prod', denies: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: ['0.0.0.0/0'] }),
    ]);
    expect(result.devices.map((d) => d.name)).toEqual(['prod (all instances)']);
    expect(result.devices[0]!.rulesets['ingress']!.rules.map((r) => [r.action, r.origin.resource])).toEqual([['deny', 'deny'], ['allow', 'allow']]);
  });
});
