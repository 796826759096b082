import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { ids, validateResource, validateStack, type Declared } from './harness.js';

/*
 * A small Pulumi program, run against Pulumi's mocks: the resources it registers (by type token,
 * without the provider SDKs) are checked as CrossGuard would check them, each resource with its
 * inputs, then the stack with the resources' outputs. As with the Terraform-bridged providers, a
 * resource's outputs carry its `id`, which is how the rule finds its group here.
 */

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** A resource of any type token: what a provider SDK's classes are, without the SDK. */
class Resource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs) {
    super(type, name, props);
  }
}

async function runProgram(): Promise<{ registered: Registered[]; urns: Map<string, string> }> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args: pulumi.runtime.MockResourceArgs) => {
        const inputs = args.inputs as Record<string, unknown>;
        const id = `${args.name}-0a1b2c3d`;
        registered.push({ type: args.type, name: args.name, inputs, outputs: { ...inputs, id } });
        return { id, state: { ...inputs, id } };
      },
      call: (args: pulumi.runtime.MockCallArgs) => args.inputs as Record<string, unknown>,
    },
    'shop',
    'dev',
  );

  // The program: a Windows group with its RDP rule declared apart, and a VNC group with rules inline.
  const win = new Resource('aws:ec2/securityGroup:SecurityGroup', 'win', { description: 'no inline rules' });
  const rdp = new Resource('aws:ec2/securityGroupRule:SecurityGroupRule', 'rdp', {
    type: 'ingress',
    securityGroupId: win.id,
    protocol: 'tcp',
    fromPort: 3389,
    toPort: 3389,
    cidrBlocks: ['0.0.0.0/0'],
  });
  const vnc = new Resource('aws:ec2/securityGroup:SecurityGroup', 'vnc', {
    ingress: [{ protocol: 'tcp', fromPort: 5900, toPort: 5901, cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }],
  });
  const office = new Resource('aws:ec2/securityGroup:SecurityGroup', 'office', {
    ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['198.51.100.8/29'] }],
  });

  const urns = new Map<string, string>();
  await Promise.all(
    [win, rdp, vnc, office].map(
      (r) =>
        new Promise<void>((resolve) =>
          pulumi.all([r.urn, r.id]).apply(([urn]) => {
            urns.set(urn.slice(urn.lastIndexOf('::') + 2), urn);
            resolve();
          }),
        ),
    ),
  );
  return { registered, urns };
}

describe('a mocked Pulumi program, checked by the pack', () => {
  it('finds the separate RDP rule at stack level and the inline VNC rule at resource level, not the office /29', async () => {
    const { registered, urns } = await runProgram();
    expect(registered.map((r) => r.name).sort()).toEqual(['office', 'rdp', 'vnc', 'win']);

    const byResource: string[] = [];
    for (const r of registered) {
      const out = await validateResource({ type: r.type, name: r.name, urn: urns.get(r.name)!, props: r.inputs });
      expect(out.unknown).toEqual([]);
      byResource.push(...ids(out.violations).map((id) => `${id}@${r.name}`));
    }
    expect(byResource).toEqual(['no-public-vnc@vnc']);

    const stack: Declared[] = registered.map((r) => ({ type: r.type, name: r.name, urn: urns.get(r.name)!, props: r.outputs }));
    const out = await validateStack(stack);
    expect(out.unknown).toEqual([]);
    expect(out.violations).toEqual(['no-public-rdp@rdp: RDP (3389/tcp) on win is reachable from anywhere (0.0.0.0/0)']);
  });
});
