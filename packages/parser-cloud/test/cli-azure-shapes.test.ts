import type { ParseResult } from '@portcullis/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAzureCli, readAzureCli } from '../src/cli/azure.js';
import { azureCli } from '../src/index.js';
import { cliJson, layouts, piecewiseAndWhole, savedOutputFindings, unplaced, type Json } from './cli-output.js';
import { codes, deviceNamed, expectAccounted, ruleView } from './helpers.js';

/*
 * The Azure CLI's outputs as users save them: `az network nsg show` (one NSG), `az network nsg list`
 * (a list of them) and the REST shape (`{"value": [...]}`, each rule's fields under `properties`).
 * Each NSG's own rules and the default rules the output lists are read, each with its line; what
 * the reader does not know is reported at its line, and no rule goes missing unsaid.
 */


const SUB = '/subscriptions/5a1d0c3e-0000-4000-8000-00000000beef/resourceGroups/shop-rg/providers/Microsoft.Network';
const ETAG = 'W/"7f3c1a52-0d1e-4c55-9b8e-2a6d9c0e4b11"';

/** A rule as `az` prints it: the fields a rule does not set are printed empty. */
function rule(nsg: string, kind: 'securityRules' | 'defaultSecurityRules', fields: { [key: string]: Json }): { [key: string]: Json } {
  const name = fields['name'] as string;
  return {
    destinationAddressPrefix: '*', destinationAddressPrefixes: [], destinationPortRanges: [], sourceAddressPrefixes: [], sourcePortRange: '*', sourcePortRanges: [],
    etag: ETAG, id: `${SUB}/networkSecurityGroups/${nsg}/${kind}/${name}`, provisioningState: 'Succeeded', resourceGroup: 'shop-rg', type: `Microsoft.Network/networkSecurityGroups/${kind}`,
    ...fields,
  };
}

/** The six default rules every NSG lists. */
function defaults(nsg: string): Json[] {
  const d = (name: string, priority: number, direction: string, access: string, source: string, destination: string, description: string): Json =>
    rule(nsg, 'defaultSecurityRules', { name, priority, direction, access, protocol: '*', sourceAddressPrefix: source, destinationAddressPrefix: destination, destinationPortRange: '*', description });
  return [
    d('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork', 'Allow inbound traffic from all VMs in VNET'),
    d('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*', 'Allow inbound traffic from azure load balancer'),
    d('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*', 'Deny all inbound traffic'),
    d('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork', 'Allow outbound traffic from all VMs to all VMs in VNET'),
    d('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet', 'Allow outbound traffic from all VMs to Internet'),
    d('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*', 'Deny all outbound traffic'),
  ];
}

/** An NSG as `az network nsg show` prints it. */
function nsg(name: string, rules: { [key: string]: Json }[]): { [key: string]: Json } {
  return {
    defaultSecurityRules: defaults(name),
    etag: ETAG,
    id: `${SUB}/networkSecurityGroups/${name}`,
    location: 'westeurope',
    name,
    networkInterfaces: [{ id: `${SUB}/networkInterfaces/${name}-nic`, resourceGroup: 'shop-rg' }],
    provisioningState: 'Succeeded',
    resourceGroup: 'shop-rg',
    resourceGuid: '0c9a7e11-5b2d-4e7f-a3c4-1d2e3f405162',
    securityRules: rules.map((r) => rule(name, 'securityRules', r)),
    type: 'Microsoft.Network/networkSecurityGroups',
  };
}

const WEB_RULES: { [key: string]: Json }[] = [
  { name: 'ssh-from-anywhere', priority: 120, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', destinationPortRange: '22' },
  { name: 'web-ports', priority: 130, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: 'Internet', destinationPortRanges: ['80', '443', '8000-8080'], description: 'public web' },
  // A field this reader does not know (a newer CLI's, say): reported at its line, the rule still read.
  { name: 'block-partners', priority: 100, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefixes: ['203.0.113.0/24', '198.51.100.7'], destinationPortRange: '*', sharedScope: 'ops' },
  { name: 'to-sql', priority: 200, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', destinationAddressPrefix: '10.1.0.0/16', destinationPortRange: '1433' },
];

const DB_RULES: { [key: string]: Json }[] = [
  // The members of an application security group are not known here: a symbolic source, and a note.
  { name: 'app-to-postgres', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceApplicationSecurityGroups: [{ id: `${SUB}/applicationSecurityGroups/app-asg`, resourceGroup: 'shop-rg' }], destinationPortRange: '5432' },
  { name: 'postgres-from-anywhere', priority: 4000, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '0.0.0.0/0', destinationPortRange: '5432' },
];

// The lines the tests name are lines of these texts: 233 and 571 of them, a rule every 20 or so.
const SHOW = cliJson(nsg('web-nsg', WEB_RULES));
const LIST = cliJson([nsg('web-nsg', WEB_RULES), nsg('db-nsg', DB_RULES), nsg('empty-nsg', [])]);

/**
 * The rules of one ruleset, one line each: id, action, the rule's name, ports, sources (the first
 * three blocks, then how many more: `Internet` is dozens), symbolic sources, and the line.
 */
function rules(r: ParseResult, device: string, set: 'ingress' | 'egress'): string[] {
  return deviceNamed(r, device).rulesets[set]!.rules.map((rule) => {
    const v = ruleView(rule);
    const sources = v.sources.length > 3 ? `${v.sources.slice(0, 3).join(',')} and ${v.sources.length - 3} more` : v.sources.join(',');
    // An application security group by its name, the end of its id.
    const symbolic = v.symbolic.length > 0 ? ` symbolic ${v.symbolic.map((s) => s.replace(/^\/subscriptions\/.*\//, '…/')).join(',')}` : '';
    return `${v.id} ${v.action} ${rule.text.split(' ')[1]} port ${v.ports} from ${sources || '-'}${symbolic} @${v.line}`;
  });
}

describe('az network nsg show: one NSG, its rules and default rules in nested lists', () => {
  const r = azureCli.parse({ path: 'nsg-show.json', text: SHOW });

  it('is one device', () => {
    expect(r.devices.map((d) => d.name)).toEqual(['web-nsg']);
  });

  it('reads every rule of securityRules, by priority, then the default rules as listed, each at its line', () => {
    expect(rules(r, 'web-nsg', 'ingress')).toEqual([
      'ingress#1 deny block-partners port all from 198.51.100.7/32,203.0.113.0/24 @188',
      'ingress#2 allow ssh-from-anywhere port 22 from 0.0.0.0/0,::/0 @144',
      'ingress#3 allow web-ports port 80,443,8000-8080 from 0.0.0.0/5,8.0.0.0/7,11.0.0.0/8 and 182 more @164',
      'ingress#4 allow AllowVnetInBound port all from - symbolic VirtualNetwork @3',
      'ingress#5 allow AllowAzureLoadBalancerInBound port all from - symbolic AzureLoadBalancer @24',
      'ingress#6 deny DenyAllInBound port all from 0.0.0.0/0,::/0 @45',
    ]);
  });

  it('reads the outbound rules and the outbound default rules', () => {
    expect(rules(r, 'web-nsg', 'egress')).toEqual([
      'egress#1 allow to-sql port 1433 from 0.0.0.0/0,::/0 @211',
      'egress#2 allow AllowVnetOutBound port all from 0.0.0.0/0,::/0 symbolic VirtualNetwork @66',
      'egress#3 allow AllowInternetOutBound port all from 0.0.0.0/0,::/0 @87',
      'egress#4 deny DenyAllOutBound port all from 0.0.0.0/0,::/0 @108',
    ]);
  });

  it('reports the field it does not know at its line, and accounts for every line', () => {
    expect(codes(r)).toEqual(['unsupported-field@202']);
    expectAccounted(r, SHOW.split('\n').length - 1);
    expect(r.lines).toEqual({ total: 233, recognised: 218, ignored: 14, reported: 1 });
  });
});

describe('az network nsg list: several NSGs, each with its nested lists', () => {
  const r = azureCli.parse({ path: 'nsg-list.json', text: LIST });

  it('is one device per NSG, in order', () => {
    expect(r.devices.map((d) => d.name)).toEqual(['web-nsg', 'db-nsg', 'empty-nsg']);
  });

  it('reads each NSG\'s own rules and default rules, at their lines', () => {
    expect(rules(r, 'web-nsg', 'ingress')).toEqual([
      'ingress#1 deny block-partners port all from 198.51.100.7/32,203.0.113.0/24 @189',
      'ingress#2 allow ssh-from-anywhere port 22 from 0.0.0.0/0,::/0 @145',
      'ingress#3 allow web-ports port 80,443,8000-8080 from 0.0.0.0/5,8.0.0.0/7,11.0.0.0/8 and 182 more @165',
      'ingress#4 allow AllowVnetInBound port all from - symbolic VirtualNetwork @4',
      'ingress#5 allow AllowAzureLoadBalancerInBound port all from - symbolic AzureLoadBalancer @25',
      'ingress#6 deny DenyAllInBound port all from 0.0.0.0/0,::/0 @46',
    ]);
    expect(rules(r, 'db-nsg', 'ingress')).toEqual([
      'ingress#1 allow app-to-postgres port 5432 from - symbolic …/app-asg @378',
      'ingress#2 allow postgres-from-anywhere port 5432 from 0.0.0.0/0 @403',
      'ingress#3 allow AllowVnetInBound port all from - symbolic VirtualNetwork @237',
      'ingress#4 allow AllowAzureLoadBalancerInBound port all from - symbolic AzureLoadBalancer @258',
      'ingress#5 deny DenyAllInBound port all from 0.0.0.0/0,::/0 @279',
    ]);
    // No rules of its own: the default rules it lists, at their lines.
    expect(rules(r, 'empty-nsg', 'ingress')).toEqual([
      'ingress#1 allow AllowVnetInBound port all from - symbolic VirtualNetwork @428',
      'ingress#2 allow AllowAzureLoadBalancerInBound port all from - symbolic AzureLoadBalancer @449',
      'ingress#3 deny DenyAllInBound port all from 0.0.0.0/0,::/0 @470',
    ]);
  });

  it('reports what it does not know or cannot count, at its line, and accounts for every line', () => {
    expect(codes(r)).toEqual(['unsupported-field@203', 'application-security-group@378']);
    expectAccounted(r, LIST.split('\n').length - 1);
    expect(r.lines).toEqual({ total: 571, recognised: 526, ignored: 44, reported: 1 });
  });
});

describe('the REST shape: {"value": [...]}, each rule\'s fields under properties', () => {
  const text = `{
  "value": [
    {
      "name": "rest-nsg",
      "properties": {
        "securityRules": [
          {
            "name": "rdp",
            "properties": {
              "access": "Allow",
              "destinationAddressPrefix": "*",
              "destinationPortRange": "3389",
              "direction": "Inbound",
              "priority": 300,
              "protocol": "Tcp",
              "sourceAddressPrefix": "Internet",
              "sourcePortRange": "*"
            }
          }
        ],
        "defaultSecurityRules": [
          {
            "name": "DenyAllInBound",
            "properties": {
              "access": "Deny",
              "destinationAddressPrefix": "*",
              "destinationPortRange": "*",
              "direction": "Inbound",
              "priority": 65500,
              "protocol": "*",
              "sourceAddressPrefix": "*",
              "sourcePortRange": "*"
            }
          }
        ]
      }
    }
  ]
}
`;
  const r = azureCli.parse({ path: 'nsgs.json', text });

  it('reads the rules under properties, at their lines', () => {
    expect(r.devices.map((d) => d.name)).toEqual(['rest-nsg']);
    expect(rules(r, 'rest-nsg', 'ingress')).toEqual([
      'ingress#1 allow rdp port 3389 from 0.0.0.0/5,8.0.0.0/7,11.0.0.0/8 and 182 more @7',
      'ingress#2 deny DenyAllInBound port all from 0.0.0.0/0,::/0 @22',
    ]);
    expect(codes(r)).toEqual([]);
    expectAccounted(r, 39);
  });
});

describe('one NSG, however the output holds it: the same devices and diagnostics', () => {
  const ports = fc.oneof(fc.constantFrom('*', '22', '443', '1000-2000'), fc.integer({ min: 1, max: 65535 }).map(String));
  const prefix = fc.constantFrom('*', 'Internet', 'VirtualNetwork', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '198.51.100.7');
  const ruleFields = fc.record(
    {
      access: fc.constantFrom('Allow', 'Deny'),
      direction: fc.constantFrom('Inbound', 'Outbound'),
      protocol: fc.constantFrom('Tcp', 'Udp', '*', 'Icmp'),
      sourceAddressPrefixes: fc.array(prefix, { minLength: 1, maxLength: 3 }),
      destinationPortRanges: fc.array(ports, { minLength: 1, maxLength: 3 }),
      sharedScope: fc.constant('ops'),
    },
    { requiredKeys: ['access', 'direction', 'protocol', 'sourceAddressPrefixes', 'destinationPortRanges'] },
  );
  const ruleList = fc.array(ruleFields, { maxLength: 6 }).map((list) => list.map((r, i) => ({ ...r, name: `rule-${i}`, priority: 100 + i })));

  it('show, list and the REST value list of one NSG: the same result, every rule read', () => {
    fc.assert(
      fc.property(ruleList, (list) => {
        const one = nsg('gen-nsg', list);
        const show = azureCli.parse({ path: 'n.json', text: cliJson(one) });
        expect(unplaced(azureCli.parse({ path: 'n.json', text: cliJson([one]) }))).toBe(unplaced(show));
        expect(unplaced(azureCli.parse({ path: 'n.json', text: cliJson({ value: [one] }) }))).toBe(unplaced(show));
        // On one line, as `--output json` piped through a tool that compacts it.
        expect(unplaced(azureCli.parse({ path: 'n.json', text: JSON.stringify(one) }))).toBe(unplaced(show));
        // Every rule given is in the device, and the default rules listed (not Azure's own, at the NSG's line).
        const [device] = show.devices;
        const names = Object.values(device!.rulesets).flatMap((set) => set.rules.map((x) => x.text.split(' ')[1]));
        expect(new Set(names)).toEqual(new Set([...list.map((x) => x.name), 'AllowVnetInBound', 'AllowAzureLoadBalancerInBound', 'DenyAllInBound', 'AllowVnetOutBound', 'AllowInternetOutBound', 'DenyAllOutBound']));
        expect(Object.values(device!.rulesets).flatMap((set) => set.rules).filter((x) => x.origin.line === 1)).toEqual([]);
        // A field the reader does not know, in any rule, is reported.
        expect(show.diagnostics.filter((d) => d.code === 'unsupported-field')).toHaveLength(list.filter((x) => 'sharedScope' in x).length);
      }),
      { numRuns: 100, seed: 21 },
    );
  });
});

describe('read an NSG or a rule at a time: the same result as the document read whole', () => {
  const prefix = fc.constantFrom('*', 'Internet', '10.0.0.0/8', 'not-an-address', '::/0');
  const extra = fc.option(fc.constantFrom('sharedScope', 'etag'), { nil: undefined });
  const withExtra = <T extends { [key: string]: Json }>(value: T, key: string | undefined): T => (key === undefined ? value : { ...value, [key]: [{ k: 'v' }] });
  const fields = fc
    .record(
      {
        name: fc.constantFrom('a', 'b'),
        access: fc.constantFrom('Allow', 'Deny', 'Maybe'),
        direction: fc.constantFrom('Inbound', 'Outbound', 'Sideways'),
        priority: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant('300')),
        protocol: fc.constantFrom('Tcp', '*', 'Gre'),
        sourceAddressPrefix: prefix,
        sourceAddressPrefixes: fc.array(prefix, { maxLength: 2 }),
        destinationPortRange: fc.constantFrom('22', '*', '1000-2000', 'x'),
        destinationPortRanges: fc.array(fc.constantFrom('80', '443'), { maxLength: 2 }),
        sourceApplicationSecurityGroups: fc.array(fc.record({ id: fc.constantFrom('asg-1', 'asg-2') }), { maxLength: 1 }),
      },
      { requiredKeys: [] },
    )
    .chain((r) => extra.map((k) => withExtra(r, k)));
  // A rule as the CLI prints it, or as REST does (its fields under properties).
  const rule = fc.oneof(fields, fields.map((p): { [key: string]: Json } => ({ name: 'rest', properties: p })));
  // Lists also hold what is not a rule or an NSG: scalars and lists, which the reader skips.
  const stray = fc.constantFrom<Json>(1, 'x', null, [], [{ name: 'in-a-list' }]);
  const rules = fc.array(fc.oneof({ weight: 5, arbitrary: rule }, { weight: 1, arbitrary: stray }), { maxLength: 4 });
  const group = fc
    .record({ name: fc.constantFrom('n1', 'n2'), location: fc.constant('westeurope'), securityRules: rules, defaultSecurityRules: rules }, { requiredKeys: [] })
    .chain((g) => fc.oneof(fc.constant<{ [key: string]: Json }>(g), fc.constant<{ [key: string]: Json }>({ name: 'rest-nsg', properties: g })))
    .chain((g) => extra.map((k) => withExtra(g, k)));
  const groups = fc.array(fc.oneof({ weight: 5, arbitrary: group }, { weight: 1, arbitrary: stray }), { maxLength: 4 });
  const output = fc.oneof(groups, group, groups.map((value): Json => ({ value, nextLink: 'x' })));

  it('generated outputs of every shape, indented, on one line, with CRLF', () => {
    fc.assert(
      fc.property(output, layouts, (value, print) => {
        const file = { path: 'nsgs.json', text: print(value) };
        const { piecewise, whole } = piecewiseAndWhole(file, parseAzureCli, readAzureCli);
        expect(piecewise).toBe(whole);
      }),
      { numRuns: 300, seed: 23 },
    );
  });

  it('the show and list outputs above', () => {
    for (const text of [SHOW, LIST]) {
      const file = { path: 'nsgs.json', text };
      const { piecewise, whole } = piecewiseAndWhole(file, parseAzureCli, readAzureCli);
        expect(piecewise).toBe(whole);
    }
  });
});

describe('findings from the saved outputs', () => {
  const findings = savedOutputFindings('portcullis-az-');

  it('show: at the lines of the rules that open the ports', () => {
    expect(findings('nsg-show.json', SHOW)).toEqual(['no-public-ssh@144 web-nsg']);
  });

  it('list: at the lines of the rules that open the ports, in each NSG', () => {
    expect(findings('nsg-list.json', LIST)).toEqual(['no-public-ssh@145 web-nsg', 'no-public-database@403 db-nsg']);
  });
});
