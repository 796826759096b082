import type { Origin } from '@portcullis/model';
import type { AwsAclEntry, AwsNetworkAcl, AwsPermission, AwsSecurityGroup, AwsSymbolicSource } from '../aws/representation.js';
import type { AzureNsg, AzureSecurityRule } from '../azure/representation.js';
import type { Reporter, Span } from '../common/report.js';
import { Unresolved, isUnresolved, type Maybe } from '../common/unresolved.js';
import type { GcpFirewallRule, GcpProtocolEntry } from '../gcp/representation.js';
import type { Value } from './evaluate.js';
import type { TfBlock, TfResource } from './view.js';

/*
 * The Terraform providers' resource schemas for what Portcullis reads, shared by the HCL reader and
 * the plan JSON reader: which attributes and nested blocks each resource type has, which of them
 * matter, and how they become the clouds' representations.
 */

export interface BlockSchema {
  used: readonly string[];
  ignored: readonly string[];
  blocks?: Readonly<Record<string, BlockSchema>>;
}

const AWS_PERMISSION: BlockSchema = {
  used: ['from_port', 'to_port', 'protocol', 'cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'security_groups', 'self'],
  ignored: ['description'],
};
const AWS_ACL_ENTRY: BlockSchema = {
  used: ['rule_no', 'action', 'protocol', 'from_port', 'to_port', 'cidr_block', 'ipv6_cidr_block', 'icmp_type', 'icmp_code'],
  ignored: [],
};
const AWS_GROUP: BlockSchema = {
  used: ['ingress', 'egress'],
  ignored: ['name', 'name_prefix', 'description', 'vpc_id', 'tags', 'tags_all', 'revoke_rules_on_delete', 'region'],
  blocks: { ingress: AWS_PERMISSION, egress: AWS_PERMISSION, timeouts: { used: [], ignored: ['create', 'delete'] } },
};
const AWS_ACL: BlockSchema = {
  used: ['ingress', 'egress'],
  ignored: ['vpc_id', 'subnet_ids', 'tags', 'tags_all', 'default_network_acl_id', 'region'],
  blocks: { ingress: AWS_ACL_ENTRY, egress: AWS_ACL_ENTRY },
};
const AZURE_RULE_FIELDS = [
  'name', 'priority', 'direction', 'access', 'protocol', 'source_port_range', 'source_port_ranges', 'destination_port_range',
  'destination_port_ranges', 'source_address_prefix', 'source_address_prefixes', 'destination_address_prefix',
  'destination_address_prefixes', 'source_application_security_group_ids', 'destination_application_security_group_ids',
];
const AZURE_RULE: BlockSchema = { used: AZURE_RULE_FIELDS, ignored: ['description'] };
const GCP_ENTRY: BlockSchema = { used: ['protocol', 'ports'], ignored: [] };
const TIMEOUTS: BlockSchema = { used: [], ignored: ['create', 'read', 'update', 'delete'] };

export const SCHEMAS: Readonly<Record<string, BlockSchema>> = {
  aws_security_group: AWS_GROUP,
  aws_default_security_group: AWS_GROUP,
  aws_security_group_rule: {
    used: ['type', 'security_group_id', 'from_port', 'to_port', 'protocol', 'cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'source_security_group_id', 'self'],
    ignored: ['description', 'region'],
    blocks: { timeouts: TIMEOUTS },
  },
  aws_vpc_security_group_ingress_rule: {
    used: ['security_group_id', 'ip_protocol', 'from_port', 'to_port', 'cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'],
    ignored: ['description', 'tags', 'tags_all', 'region'],
  },
  aws_vpc_security_group_egress_rule: {
    used: ['security_group_id', 'ip_protocol', 'from_port', 'to_port', 'cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'],
    ignored: ['description', 'tags', 'tags_all', 'region'],
  },
  aws_network_acl: AWS_ACL,
  aws_default_network_acl: AWS_ACL,
  aws_network_acl_rule: {
    used: ['network_acl_id', 'rule_number', 'egress', 'protocol', 'rule_action', 'cidr_block', 'ipv6_cidr_block', 'from_port', 'to_port', 'icmp_type', 'icmp_code'],
    ignored: ['region'],
  },
  azurerm_network_security_group: {
    used: ['name', 'security_rule'],
    ignored: ['location', 'resource_group_name', 'tags'],
    blocks: { security_rule: AZURE_RULE, timeouts: TIMEOUTS },
  },
  azurerm_network_security_rule: {
    used: [...AZURE_RULE_FIELDS, 'network_security_group_name'],
    ignored: ['description', 'resource_group_name'],
    blocks: { timeouts: TIMEOUTS },
  },
  google_compute_firewall: {
    used: [
      'name', 'network', 'direction', 'priority', 'allow', 'deny', 'source_ranges', 'source_tags', 'source_service_accounts',
      'destination_ranges', 'target_tags', 'target_service_accounts', 'disabled',
    ],
    ignored: ['project', 'description', 'enable_logging'],
    blocks: { allow: GCP_ENTRY, deny: GCP_ENTRY, log_config: { used: [], ignored: ['metadata'] }, timeouts: TIMEOUTS },
  },
};

/** Meta-arguments every resource may have. */
export const META_ATTRIBUTES = ['count', 'for_each', 'provider', 'depends_on'];
export const META_BLOCKS = ['lifecycle', 'connection', 'provisioner', 'dynamic'];

export interface CloudEstate {
  groups: AwsSecurityGroup[];
  acls: AwsNetworkAcl[];
  nsgs: AzureNsg[];
  firewalls: GcpFirewallRule[];
}

// ---- values ----------------------------------------------------------------------------------

function text(v: Value): string {
  if (v instanceof Unresolved) return v.text;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function asString(v: Value | undefined, what: string): Maybe<string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Unresolved) return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return new Unresolved(text(v), `${what} is not a string`);
}

function asNumber(v: Value | undefined, what: string): Maybe<number> | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Unresolved) return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?\d{1,6}\s*$/.test(v)) return Number(v);
  return new Unresolved(text(v), `${what} is not a number`);
}

function asBool(v: Value | undefined): Maybe<boolean> | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Unresolved) return v;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return new Unresolved(text(v), 'not a boolean');
}

/** A list attribute's elements: strings, or Unresolved for what is not known. */
function stringList(v: Value | undefined, what: string): Maybe<string>[] {
  if (v === undefined || v === null) return [];
  if (v instanceof Unresolved) return [v];
  if (!Array.isArray(v)) return [asString(v, what)!];
  return v.filter((x) => x !== null).map((x) => asString(x, what)!);
}

function origin(block: TfBlock, resource: string, span: Span = block.span): Origin {
  const o: Origin = { file: block.file, line: span.line, endLine: span.endLine, resource };
  if (span.column !== undefined) o.column = span.column;
  return o;
}

// ---- reading ----------------------------------------------------------------------------------

/** A static attribute of any resource of the module or plan (a network's `name`), if known. */
export type AttributeLookup = (address: string, attribute: string) => Value | undefined;

/** Turns the resources of a module (or a plan) into the clouds' representations. */
export function readResources(resources: TfResource[], format: string, reporter: Reporter, lookup: AttributeLookup = () => undefined): CloudEstate {
  const estate: CloudEstate = { groups: [], acls: [], nsgs: [], firewalls: [] };
  const groups = new Map<string, AwsSecurityGroup>();
  const acls = new Map<string, AwsNetworkAcl>();
  const nsgs = new Map<string, AzureNsg>();
  const byAddress = new Map(resources.map((r) => [r.address, r]));

  for (const r of resources) {
    switch (r.type) {
      case 'aws_security_group':
      case 'aws_default_security_group': {
        const g: AwsSecurityGroup = {
          name: r.address, format, file: r.file, origin: origin(r, r.address),
          ingress: r.blocks('ingress').map((b) => permission(b, r.address, r.address)),
          egress: r.blocks('egress').map((b) => permission(b, r.address, r.address)),
        };
        groups.set(r.address, g);
        estate.groups.push(g);
        break;
      }
      case 'aws_network_acl':
      case 'aws_default_network_acl': {
        const a: AwsNetworkAcl = { name: r.address, format, file: r.file, origin: origin(r, r.address), entries: [] };
        for (const dir of ['ingress', 'egress'] as const) {
          for (const b of r.blocks(dir)) a.entries.push(aclEntry(b, r.address, dir === 'egress', 'rule_no', 'action'));
        }
        acls.set(r.address, a);
        estate.acls.push(a);
        break;
      }
      case 'azurerm_network_security_group': {
        const n: AzureNsg = { name: r.address, format, origin: origin(r, r.address), rules: r.blocks('security_rule').map((b) => azureRule(b, r.address)) };
        nsgs.set(r.address, n);
        estate.nsgs.push(n);
        break;
      }
    }
  }

  /** The container a separate rule names: one read here (by reference or by its id/name), or an external one. */
  const container = <T extends { name: string; origin: Origin; external?: boolean }>(
    map: Map<string, T>, value: Value | undefined, r: TfResource, kind: string, make: (name: string) => T, list: T[], matchAttr: string,
  ): T => {
    let name: string;
    if (value instanceof Unresolved) {
      name = value.refs.find((ref) => map.has(ref)) ?? value.refs[0] ?? value.text;
    } else if (typeof value === 'string') {
      // Plan JSON knows the ids of existing groups; HCL may name an NSG by its `name`.
      const found = [...map.keys()].find((address) => {
        const v = byAddress.get(address)?.attr(matchAttr)?.value;
        return v === value;
      });
      name = found ?? value;
    } else name = `${r.address} (no ${kind})`;
    let c = map.get(name);
    if (!c) {
      c = make(name);
      c.external = true;
      reporter.note(origin(r, r.address), 'info', 'external-container', `${r.address} belongs to ${name}, which is not declared here: its rules are read as a ${kind} of their own`);
      map.set(name, c);
      list.push(c);
    }
    return c;
  };

  for (const r of resources) {
    switch (r.type) {
      case 'aws_security_group_rule': {
        const g = container(groups, r.attr('security_group_id')?.value, r, 'security group', (name) => ({ name, format, file: r.file, origin: origin(r, r.address), ingress: [], egress: [] }), estate.groups, 'id');
        const type = asString(r.attr('type')?.value, 'type');
        const p = permission(r, g.name, r.address, 'source_security_group_id');
        if (isUnresolved(type) || (type !== 'ingress' && type !== 'egress')) {
          reporter.report(origin(r, r.address), 'warning', 'invalid-value', `type is ${type === undefined ? 'missing' : isUnresolved(type) ? type.text : `'${type}'`}, not ingress or egress; the rule is read as ingress`);
        }
        (type === 'egress' ? g.egress : g.ingress).push(p);
        break;
      }
      case 'aws_vpc_security_group_ingress_rule':
      case 'aws_vpc_security_group_egress_rule': {
        const g = container(groups, r.attr('security_group_id')?.value, r, 'security group', (name) => ({ name, format, file: r.file, origin: origin(r, r.address), ingress: [], egress: [] }), estate.groups, 'id');
        const p = vpcRule(r, g.name);
        (r.type.endsWith('egress_rule') ? g.egress : g.ingress).push(p);
        break;
      }
      case 'aws_network_acl_rule': {
        const a = container(acls, r.attr('network_acl_id')?.value, r, 'network ACL', (name) => ({ name, format, file: r.file, origin: origin(r, r.address), entries: [] }), estate.acls, 'id');
        const egress = asBool(r.attr('egress')?.value);
        a.entries.push(aclEntry(r, r.address, egress === true, 'rule_number', 'rule_action'));
        break;
      }
      case 'azurerm_network_security_rule': {
        const n = container(nsgs, r.attr('network_security_group_name')?.value, r, 'network security group', (name) => ({ name, format, origin: origin(r, r.address), rules: [] }), estate.nsgs, 'name');
        n.rules.push(azureRule(r, r.address));
        break;
      }
      case 'google_compute_firewall':
        estate.firewalls.push(firewall(r, format, lookup));
        break;
    }
  }
  return estate;
}

function permission(b: TfBlock, group: string, resource: string, sourceGroupAttr = 'security_groups'): AwsPermission {
  const o = origin(b, resource);
  if (b.unexpanded) {
    return { origin: o, protocol: b.unexpanded, cidrs: [], symbolic: [] };
  }
  const cidrs: string[] = [];
  const symbolic: AwsSymbolicSource[] = [];
  for (const key of ['cidr_blocks', 'ipv6_cidr_blocks']) {
    for (const c of stringList(b.attr(key)?.value, key)) {
      if (isUnresolved(c)) symbolic.push({ kind: 'unresolved', text: c.text, reason: c.reason });
      else cidrs.push(c);
    }
  }
  for (const pl of stringList(b.attr('prefix_list_ids')?.value, 'prefix_list_ids')) symbolic.push({ kind: 'prefix-list', text: isUnresolved(pl) ? (pl.refs[0] ?? pl.text) : pl });
  for (const sg of stringList(b.attr(sourceGroupAttr)?.value, sourceGroupAttr)) {
    const name = isUnresolved(sg) ? (sg.refs[0] ?? sg.text) : sg;
    symbolic.push(name === group ? { kind: 'self', text: 'self' } : { kind: 'security-group', text: name });
  }
  const self = asBool(b.attr('self')?.value);
  if (self === true) symbolic.push({ kind: 'self', text: 'self' });
  else if (isUnresolved(self)) symbolic.push({ kind: 'unresolved', text: self.text, reason: self.reason });
  const p: AwsPermission = { origin: o, protocol: asString(b.attr('protocol')?.value, 'protocol') ?? new Unresolved('protocol', 'the rule has no protocol'), cidrs, symbolic };
  const from = asNumber(b.attr('from_port')?.value, 'from_port');
  const to = asNumber(b.attr('to_port')?.value, 'to_port');
  if (from !== undefined) p.fromPort = from;
  if (to !== undefined) p.toPort = to;
  const d = b.attr('description')?.value;
  if (typeof d === 'string' && d !== '') p.description = d;
  return p;
}

/** `aws_vpc_security_group_ingress_rule` / `_egress_rule`: one source each. */
function vpcRule(r: TfResource, group: string): AwsPermission {
  const cidrs: string[] = [];
  const symbolic: AwsSymbolicSource[] = [];
  for (const key of ['cidr_ipv4', 'cidr_ipv6']) {
    const c = asString(r.attr(key)?.value, key);
    if (isUnresolved(c)) symbolic.push({ kind: 'unresolved', text: c.text, reason: c.reason });
    else if (c !== undefined) cidrs.push(c);
  }
  const pl = asString(r.attr('prefix_list_id')?.value, 'prefix_list_id');
  if (pl !== undefined) symbolic.push({ kind: 'prefix-list', text: isUnresolved(pl) ? (pl.refs[0] ?? pl.text) : pl });
  const sg = asString(r.attr('referenced_security_group_id')?.value, 'referenced_security_group_id');
  if (sg !== undefined) {
    const name = isUnresolved(sg) ? (sg.refs[0] ?? sg.text) : sg;
    symbolic.push(name === group ? { kind: 'self', text: 'self' } : { kind: 'security-group', text: name });
  }
  const p: AwsPermission = { origin: origin(r, r.address), protocol: asString(r.attr('ip_protocol')?.value, 'ip_protocol') ?? new Unresolved('ip_protocol', 'the rule has no ip_protocol'), cidrs, symbolic };
  const from = asNumber(r.attr('from_port')?.value, 'from_port');
  const to = asNumber(r.attr('to_port')?.value, 'to_port');
  if (from !== undefined) p.fromPort = from;
  if (to !== undefined) p.toPort = to;
  const d = r.attr('description')?.value;
  if (typeof d === 'string' && d !== '') p.description = d;
  return p;
}

function aclEntry(b: TfBlock, resource: string, egress: boolean, numberAttr: string, actionAttr: string): AwsAclEntry {
  const o = origin(b, resource);
  if (b.unexpanded) return { origin: o, ruleNumber: b.unexpanded, egress, action: b.unexpanded, protocol: b.unexpanded };
  const e: AwsAclEntry = {
    origin: o,
    ruleNumber: asNumber(b.attr(numberAttr)?.value, numberAttr) ?? new Unresolved(numberAttr, `the entry has no ${numberAttr}`),
    egress,
    action: asString(b.attr(actionAttr)?.value, actionAttr) ?? new Unresolved(actionAttr, `the entry has no ${actionAttr}`),
    protocol: asString(b.attr('protocol')?.value, 'protocol') ?? '-1',
  };
  const from = asNumber(b.attr('from_port')?.value, 'from_port');
  const to = asNumber(b.attr('to_port')?.value, 'to_port');
  if (from !== undefined) e.fromPort = from;
  if (to !== undefined) e.toPort = to;
  const cidr = asString(b.attr('cidr_block')?.value, 'cidr_block') ?? asString(b.attr('ipv6_cidr_block')?.value, 'ipv6_cidr_block');
  if (cidr !== undefined && cidr !== '') e.cidr = cidr;
  return e;
}

function azureRule(b: TfBlock, resource: string): AzureSecurityRule {
  const o = origin(b, resource);
  const both = (one: string, many: string): Maybe<string>[] => {
    const out = stringList(b.attr(many)?.value, many);
    const single = asString(b.attr(one)?.value, one);
    if (single !== undefined && single !== '') out.unshift(single);
    return out;
  };
  const groups = (key: string): string[] => stringList(b.attr(key)?.value, key).map((g) => (isUnresolved(g) ? (g.refs[0] ?? g.text) : g));
  const u = b.unexpanded;
  const nameValue = asString(b.attr('name')?.value, 'name');
  const rule: AzureSecurityRule = {
    origin: o,
    name: typeof nameValue === 'string' ? nameValue : resource,
    priority: u ?? asNumber(b.attr('priority')?.value, 'priority') ?? new Unresolved('priority', 'the rule has no priority'),
    direction: u ?? asString(b.attr('direction')?.value, 'direction') ?? new Unresolved('direction', 'the rule has no direction'),
    access: u ?? asString(b.attr('access')?.value, 'access') ?? new Unresolved('access', 'the rule has no access'),
    protocol: u ?? asString(b.attr('protocol')?.value, 'protocol') ?? new Unresolved('protocol', 'the rule has no protocol'),
    sourcePrefixes: both('source_address_prefix', 'source_address_prefixes'),
    sourcePortRanges: both('source_port_range', 'source_port_ranges'),
    destinationPrefixes: both('destination_address_prefix', 'destination_address_prefixes'),
    destinationPortRanges: both('destination_port_range', 'destination_port_ranges'),
    sourceGroups: groups('source_application_security_group_ids'),
    destinationGroups: groups('destination_application_security_group_ids'),
  };
  const d = b.attr('description')?.value;
  if (typeof d === 'string' && d !== '') rule.description = d;
  return rule;
}

/** The network's name: a name or URL as written, or the name of the network resource it refers to. */
function networkOf(v: Value | undefined, lookup: AttributeLookup): Maybe<string> {
  if (v === undefined || v === null) return 'default';
  if (v instanceof Unresolved) {
    for (const ref of v.refs) {
      const name = lookup(ref, 'name');
      if (typeof name === 'string') return name;
    }
    return v.refs[0] ?? v;
  }
  if (typeof v !== 'string') return new Unresolved(text(v), 'network is not a string');
  return v.slice(v.lastIndexOf('/') + 1);
}

function firewall(r: TfResource, format: string, lookup: AttributeLookup): GcpFirewallRule {
  const deny = r.blocks('deny');
  const entries = (deny.length > 0 ? deny : r.blocks('allow')).map((b): GcpProtocolEntry => {
    if (b.unexpanded) return { protocol: b.unexpanded, ports: [] };
    return { protocol: asString(b.attr('protocol')?.value, 'protocol') ?? 'all', ports: stringList(b.attr('ports')?.value, 'ports') };
  });
  const name = asString(r.attr('name')?.value, 'name');
  const rule: GcpFirewallRule = {
    origin: origin(r, r.address),
    name: typeof name === 'string' ? name : r.address,
    format,
    network: networkOf(r.attr('network')?.value, lookup),
    direction: asString(r.attr('direction')?.value, 'direction') ?? 'INGRESS',
    priority: asNumber(r.attr('priority')?.value, 'priority') ?? 1000,
    action: deny.length > 0 ? 'deny' : 'allow',
    entries,
    sourceTags: stringList(r.attr('source_tags')?.value, 'source_tags'),
    sourceServiceAccounts: stringList(r.attr('source_service_accounts')?.value, 'source_service_accounts'),
    targetTags: stringList(r.attr('target_tags')?.value, 'target_tags'),
    targetServiceAccounts: stringList(r.attr('target_service_accounts')?.value, 'target_service_accounts'),
    disabled: asBool(r.attr('disabled')?.value) ?? false,
  };
  const ranges = r.attr('source_ranges');
  if (ranges && !(Array.isArray(ranges.value) && ranges.value.length === 0)) rule.sourceRanges = stringList(ranges.value, 'source_ranges');
  const dst = r.attr('destination_ranges');
  if (dst && !(Array.isArray(dst.value) && dst.value.length === 0)) rule.destinationRanges = stringList(dst.value, 'destination_ranges');
  const d = r.attr('description')?.value;
  if (typeof d === 'string' && d !== '') rule.description = d;
  return rule;
}
