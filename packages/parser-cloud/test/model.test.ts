import { describe, expect, it } from 'vitest';
import { armTemplate, awsCli, azureCli, cloudFormation, gcloudCli, terraform } from '../src/index.js';
import { deviceNamed, expectAccounted, parseText, readFixture, ruleView } from './helpers.js';

describe('the model of a security group', () => {
  const result = terraform.parse({ path: 'main.tf', text: readFixture('aws-prefix-list-and-world/main.tf') });
  const d = deviceNamed(result, 'aws_security_group.mixed');

  it('is a device with one ingress ruleset in its pipeline and egress beside it', () => {
    expect({ vendor: d.vendor, format: d.format, family: d.family, pipeline: d.pipeline }).toEqual({
      vendor: 'aws', format: 'terraform', family: 'mixed', pipeline: { prerouting: [], dnat: [], input: ['ingress'], forward: [] },
    });
    expect(Object.keys(d.rulesets).sort()).toEqual(['egress', 'ingress']);
    const ingress = d.rulesets['ingress']!;
    expect([ingress.semantics, ingress.defaultAction, ingress.builtin]).toEqual(['allow-union', 'deny', true]);
  });

  it('splits a rule with a prefix list and a CIDR into an exact CIDR rule and a symbolic one', () => {
    expect(d.rulesets['ingress']!.rules.map(ruleView)).toEqual([
      { id: 'ingress#1', action: 'allow', sources: ['0.0.0.0/0'], ports: '22', exact: true, symbolic: [], line: 10 },
      { id: 'ingress#2', action: 'allow', sources: [], ports: '22', exact: false, symbolic: ['aws_ec2_managed_prefix_list.office'], line: 10 },
    ]);
  });

  it('gives each rule its block\'s lines and the resource address', () => {
    expect(d.rulesets['ingress']!.rules[0]!.origin).toEqual({ file: 'main.tf', line: 10, column: 3, endLine: 16, resource: 'aws_security_group.mixed' });
  });

  it('accounts for every line', () => {
    expectAccounted(result, 17);
    // Headers and the attributes read are recognised; braces, blanks, `name` and the prefix list resource are ignored.
    expect(result.lines).toEqual({ total: 17, recognised: 7, ignored: 10, reported: 0 });
  });
});

describe('semantics expressed in rulesets', () => {
  it('Azure: priority order, then the default rules', () => {
    const r = terraform.parse({ path: 'main.tf', text: readFixture('azure-priority-deny-first/main.tf') });
    const rules = deviceNamed(r, 'azurerm_network_security_group.locked').rulesets['ingress']!.rules;
    expect(rules.map((x) => `${x.action} ${x.text.split(' ')[1]}`)).toEqual([
      'deny deny-ssh', 'allow allow-ssh', 'allow AllowVnetInBound', 'allow AllowAzureLoadBalancerInBound', 'deny DenyAllInBound',
    ]);
    expect(rules.slice(2, 4).map((x) => x.symbolic)).toEqual([['VirtualNetwork'], ['AzureLoadBalancer']]);
  });

  it('GCP: deny before allow at equal priority, lower numbers first, disabled rules kept disabled', () => {
    const r = terraform.parse({ path: 'main.tf', text: readFixture('gcp-deny-beats-allow/main.tf') });
    const d = deviceNamed(r, 'prod (all instances)');
    expect(d.rulesets['ingress']!.rules.map((x) => x.text.split(' ').slice(1, 5).join(' '))).toEqual([
      'allow-rdp allow priority 900', 'deny-ssh deny priority 1000', 'deny-rdp deny priority 1000', 'allow-ssh allow priority 1000',
    ]);
    expect(d.rulesets['ingress']!.defaultAction).toBe('deny');
    const t = terraform.parse({ path: 'main.tf', text: readFixture('gcp-disabled-and-tags/main.tf') });
    expect(t.devices.map((x) => x.name)).toEqual(['shop (all instances)', 'shop (tag bastion)', 'shop (tag db)']);
    expect(deviceNamed(t, 'shop (all instances)').rulesets['ingress']!.rules.map((x) => x.enabled)).toEqual([false]);
  });

  it('NACL: by rule number, the implicit deny as default', () => {
    const r = terraform.parse({ path: 'main.tf', text: readFixture('aws-nacl-rule-order/main.tf') });
    const ingress = deviceNamed(r, 'aws_network_acl.public').rulesets['ingress']!;
    expect([ingress.semantics, ingress.defaultAction]).toEqual(['priority', 'deny']);
    expect(ingress.rules.map((x) => `${x.action}@${x.origin.line}`)).toEqual(['deny@14', 'allow@5', 'allow@24']);
  });

  it('CLI JSON: a rule that names its own group is "self", another group stays symbolic', () => {
    const r = awsCli.parse({ path: 'sgs.json', text: readFixture('estate-aws-cli/describe-security-groups.json') });
    const rules = deviceNamed(r, 'sg-0ddd3333eeee4444f').rulesets['ingress']!.rules.map((x) => x.symbolic).filter((s) => s.length > 0);
    expect(rules).toEqual([['sg-0aaa1111bbbb2222c'], ['self']]);
  });

  it('CloudFormation: list items keep their lines; separate ingress resources join their group', () => {
    const r = cloudFormation.parse({ path: 'stack.yaml', text: readFixture('estate-cloudformation/stack.yaml') });
    expect(deviceNamed(r, 'Db').rulesets['ingress']!.rules.map((x) => `${x.origin.line}-${x.origin.endLine} ${x.origin.resource}`)).toEqual([
      '31-34 Db', '35-38 Db', '39-44 DbSelf', '45-52 DbRdp',
    ]);
  });

  it('ARM: parameters, variables and concat() are evaluated; nested and separate rules join their NSG', () => {
    const r = armTemplate.parse({ path: 'azuredeploy.json', text: readFixture('arm-nsg/azuredeploy.json') });
    expect(r.devices.map((d) => d.name)).toEqual(['app-nsg']);
    expect(r.devices[0]!.rulesets['ingress']!.rules.slice(0, 3).map((x) => x.text)).toEqual([
      'inbound rdp allow Tcp from * to * port 3389',
      // A source that depends on a parameter without a default: only its symbolic part remains.
      'inbound sql allow Tcp from [parameters(\'sqlSource\')] to * port 1433 (symbolic part)',
      'inbound ssh allow * from Internet to * port 22,80',
    ]);
  });

  it('az CLI: the listed default rules are used as written', () => {
    const r = azureCli.parse({ path: 'nsg.json', text: readFixture('cli-azure-nsg-list/nsg-list.json') });
    const rules = r.devices[0]!.rulesets['ingress']!.rules;
    expect(rules.slice(-3).map((x) => x.origin.line)).toEqual([4, 25, 46]);
  });

  it('gcloud: networks by name, targets as devices', () => {
    const r = gcloudCli.parse({ path: 'fw.json', text: readFixture('cli-gcloud-firewall-rules/firewall-rules.json') });
    expect(r.devices.map((d) => d.name)).toEqual(['default (all instances)', 'default (tag db)']);
  });

  it('a Terraform folder is one module: variables, tfvars and resources in different files', () => {
    const dir = 'aws-variables-locals-tfvars';
    const r = terraform.parseFolder!(['main.tf', 'variables.tf', 'terraform.tfvars'].map((f) => ({ path: `${dir}/${f}`, text: readFixture(`${dir}/${f}`) })));
    expect(r.files?.map((f) => f.path)).toEqual([`${dir}/main.tf`, `${dir}/terraform.tfvars`, `${dir}/variables.tf`]);
    const rules = deviceNamed(r, 'aws_security_group.app').rulesets['ingress']!.rules.map(ruleView);
    expect(rules.map((x) => `${x.ports} from ${x.sources.join(',')} @${x.line}`)).toEqual(['22 from 0.0.0.0/0 @9', '3389 from 0.0.0.0/0 @9', '5432 from 0.0.0.0/0 @19']);
  });

  it('a text parse of the CLI JSON without findings-level setup stays stable', () => {
    expect(parseText(awsCli, 'x.json', '{"SecurityGroups": []}').devices).toEqual([]);
  });
});

describe('shared parts of cloud devices', () => {
  const group = (id: string, ports: number[]): unknown => ({ GroupId: id, IpPermissions: ports.map((p) => ({ IpProtocol: 'tcp', FromPort: p, ToPort: p, IpRanges: [{ CidrIp: '10.0.0.0/8' }] })) });
  const result = parseText(awsCli, 'sgs.json', JSON.stringify({ SecurityGroups: [group('sg-1', [22, 80]), group('sg-2', Array.from({ length: 1100 }, (_, i) => i + 1))] }, null, 2));

  it('numbers the rules of every ruleset from 1, past the ids it shares between groups', () => {
    for (const [name, count] of [['sg-1', 2], ['sg-2', 1100]] as const) {
      const rules = deviceNamed(result, name).rulesets['ingress']!.rules;
      expect(rules.map((r) => r.id)).toEqual(Array.from({ length: count }, (_, i) => `ingress#${i + 1}`));
    }
  });

  it('shares a pipeline that cannot be changed, and one address set for rules naming one CIDR', () => {
    const [a, b] = [deviceNamed(result, 'sg-1'), deviceNamed(result, 'sg-2')];
    expect(a.pipeline).toBe(b.pipeline);
    expect(() => a.pipeline.input.push('egress')).toThrow(TypeError);
    expect(a.rulesets['ingress']!.rules[0]!.sources).toBe(b.rulesets['ingress']!.rules[0]!.sources);
  });
});
