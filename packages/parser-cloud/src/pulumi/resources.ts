import type { Origin } from '@portcullis/model';
import type { AwsAclEntry, AwsNetworkAcl, AwsPermission, AwsSecurityGroup, AwsSymbolicSource } from '../aws/representation.js';
import type { AzureNsg, AzureSecurityRule } from '../azure/representation.js';
import { isRecord } from '../common/document.js';
import type { Reporter } from '../common/report.js';
import { Unresolved, isUnresolved, type Maybe } from '../common/unresolved.js';
import type { CloudEstate } from '../terraform/schema.js';
import type { GcpFirewallRule, GcpProtocolEntry } from '../gcp/representation.js';

/*
 * Pulumi resources (type token, name, URN and properties in the providers' camelCase shapes) into
 * the clouds' representations. A value Pulumi does not know yet (during a preview) is the engine's
 * unknown sentinel; it becomes an Unresolved value, which the converters keep symbolic and report.
 */

/** How the Pulumi engine writes a value that is not known until the deployment. */
export const PULUMI_UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export const FORMAT = 'pulumi';

/** One resource as a policy pack, `pulumi stack export` or `pulumi preview --json` states it. */
export interface PulumiResource {
  /** The type token: `aws:ec2/securityGroup:SecurityGroup`. */
  type: string;
  urn: string;
  /** The resource's logical name in the program. */
  name: string;
  /** Inputs or outputs, as the provider names them; unknown values are PULUMI_UNKNOWN. */
  props: Record<string, unknown>;
  /** The provider's id of the resource, when known (a stack export has it). */
  id?: string;
  /** For each property, the URNs of the resources its value came from. */
  propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** Where the resource is written; by default its URN, line 1. */
  origin?: Origin;
}

/**
 * The types read and what each one is: a `container` states its whole ruleset (its inline rules) and
 * can be judged alone; a `rule` is one rule of a container declared elsewhere, and a `firewall` (GCP)
 * is judged with the other firewall rules of its network.
 */
export const PULUMI_TYPES: Readonly<Record<string, 'container' | 'rule' | 'firewall'>> = {
  'aws:ec2/securityGroup:SecurityGroup': 'container',
  'aws:ec2/defaultSecurityGroup:DefaultSecurityGroup': 'container',
  'aws:ec2/securityGroupRule:SecurityGroupRule': 'rule',
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': 'rule',
  'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule': 'rule',
  'aws:ec2/networkAcl:NetworkAcl': 'container',
  'aws:ec2/defaultNetworkAcl:DefaultNetworkAcl': 'container',
  'aws:ec2/networkAclRule:NetworkAclRule': 'rule',
  'azure-native:network:NetworkSecurityGroup': 'container',
  'azure-native:network:SecurityRule': 'rule',
  'azure:network/networkSecurityGroup:NetworkSecurityGroup': 'container',
  'azure:network/networkSecurityRule:NetworkSecurityRule': 'rule',
  'gcp:compute/firewall:Firewall': 'firewall',
};

/** Why an unknown value could not be read: diagnostics about unknowns say this. */
export const PULUMI_UNKNOWN_REASON = 'not known until the deployment (unknown during preview)';

/** Reads one resource's properties, naming each unknown value by its path (`web.ingress[0].cidrBlocks`). */
class Props {
  constructor(
    readonly resource: PulumiResource,
    readonly values: Record<string, unknown>,
    readonly path: string,
  ) {}

  static of(r: PulumiResource): Props {
    return new Props(r, r.props, r.name);
  }

  private at(key: string): string {
    return `${this.path}.${key}`;
  }

  raw(key: string): unknown {
    const v = this.values[key];
    return v === null ? undefined : v;
  }

  unknown(key: string): Unresolved | undefined {
    return this.raw(key) === PULUMI_UNKNOWN ? this.unresolved(key) : undefined;
  }

  unresolved(key: string, reason = PULUMI_UNKNOWN_REASON): Unresolved {
    return new Unresolved(this.at(key), reason, this.resource.propertyDependencies?.[key] ?? []);
  }

  string(key: string): Maybe<string> | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (v === PULUMI_UNKNOWN) return this.unresolved(key);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.unresolved(key, `${JSON.stringify(v)} is not a string`);
  }

  number(key: string): Maybe<number> | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (v === PULUMI_UNKNOWN) return this.unresolved(key);
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /^\s*-?\d{1,6}\s*$/.test(v)) return Number(v);
    return this.unresolved(key, `${JSON.stringify(v)} is not a number`);
  }

  bool(key: string): Maybe<boolean> | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (v === PULUMI_UNKNOWN) return this.unresolved(key);
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.unresolved(key, `${JSON.stringify(v)} is not a boolean`);
  }

  /** A list of strings; an unknown list is one unresolved element, an unknown element its own. */
  strings(key: string): Maybe<string>[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (v === PULUMI_UNKNOWN) return [this.unresolved(key)];
    if (!Array.isArray(v)) return [this.string(key)!];
    return v
      .map((x, i): Maybe<string> | undefined => {
        if (x === null || x === undefined) return undefined;
        if (x === PULUMI_UNKNOWN) return this.unresolved(`${key}[${i}]`);
        return typeof x === 'string' || typeof x === 'number' ? String(x) : this.unresolved(`${key}[${i}]`, `${JSON.stringify(x)} is not a string`);
      })
      .filter((x): x is Maybe<string> => x !== undefined);
  }

  /** Nested objects (`ingress`, `securityRules`, `allows`); an unknown list is reported by the caller. */
  objects(key: string): Props[] {
    const v = this.raw(key);
    if (!Array.isArray(v)) return [];
    const out: Props[] = [];
    v.forEach((item, i) => {
      if (isRecord(item)) out.push(new Props(this.resource, item, `${this.at(key)}[${i}]`));
    });
    return out;
  }
}

function originOf(r: PulumiResource): Origin {
  return r.origin ?? { file: r.urn, line: 1, resource: r.name };
}

/** The resource name behind a dependency URN (what an unknown id refers to). */
function dependencyName(urn: string, byUrn: Map<string, PulumiResource>): string {
  return byUrn.get(urn)?.name ?? urn.slice(urn.lastIndexOf('::') + 2);
}

/** Turns the resources of a stack (or one resource) into the clouds' representations. */
export function readPulumiResources(resources: readonly PulumiResource[], reporter: Reporter): CloudEstate {
  const estate: CloudEstate = { groups: [], acls: [], nsgs: [], firewalls: [] };
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // Containers by URN, and the names other resources may use for them (id, cloud-side name).
  const groups = new Map<string, AwsSecurityGroup>();
  const acls = new Map<string, AwsNetworkAcl>();
  const nsgs = new Map<string, AzureNsg>();
  const aliases = new Map<string, string>();
  // What each group is known by (URN, ids), to tell `self` from a reference to another group.
  const known = new Map<AwsSecurityGroup, Set<string>>();
  const idsOf = (g: AwsSecurityGroup): Set<string> => known.get(g) ?? new Set([g.name]);
  const alias = (kind: string, name: Maybe<string> | undefined, urn: string): void => {
    if (typeof name === 'string' && name !== '') aliases.set(`${kind}|${name}`, urn);
  };

  for (const r of resources) {
    const p = Props.of(r);
    const o = originOf(r);
    switch (r.type) {
      case 'aws:ec2/securityGroup:SecurityGroup':
      case 'aws:ec2/defaultSecurityGroup:DefaultSecurityGroup': {
        const g: AwsSecurityGroup = { name: r.name, format: FORMAT, file: o.file, origin: o, ingress: [], egress: [] };
        const id = p.string('id');
        const ids = new Set([r.urn, r.id, typeof id === 'string' ? id : undefined].filter((x): x is string => !!x));
        known.set(g, ids);
        for (const dir of ['ingress', 'egress'] as const) {
          unknownList(p, dir, o, reporter);
          for (const item of p.objects(dir)) g[dir].push(permission(item, o, g.name, ids, byUrn));
        }
        groups.set(r.urn, g);
        for (const x of ids) alias('sg', x, r.urn);
        estate.groups.push(g);
        break;
      }
      case 'aws:ec2/networkAcl:NetworkAcl':
      case 'aws:ec2/defaultNetworkAcl:DefaultNetworkAcl': {
        const a: AwsNetworkAcl = { name: r.name, format: FORMAT, file: o.file, origin: o, entries: [] };
        for (const dir of ['ingress', 'egress'] as const) {
          unknownList(p, dir, o, reporter);
          for (const item of p.objects(dir)) a.entries.push(aclEntry(item, o, dir === 'egress', 'ruleNo', 'action'));
        }
        acls.set(r.urn, a);
        alias('acl', r.id, r.urn);
        alias('acl', p.string('id'), r.urn);
        estate.acls.push(a);
        break;
      }
      case 'azure-native:network:NetworkSecurityGroup':
      case 'azure:network/networkSecurityGroup:NetworkSecurityGroup': {
        unknownList(p, 'securityRules', o, reporter);
        const n: AzureNsg = { name: r.name, format: FORMAT, origin: o, rules: p.objects('securityRules').map((x) => azureRule(x, o)) };
        nsgs.set(r.urn, n);
        alias('nsg', p.string('networkSecurityGroupName'), r.urn);
        alias('nsg', p.string('name'), r.urn);
        estate.nsgs.push(n);
        break;
      }
    }
  }

  /** The container a rule resource belongs to: by the dependency of its reference, by id or name, or an external one. */
  const container = <T extends { name: string; origin: Origin; external?: boolean }>(
    r: PulumiResource, key: string, kind: string, aliasKind: string, map: Map<string, T>, list: T[], make: (name: string) => T,
  ): T => {
    const p = Props.of(r);
    const fromDependency = (r.propertyDependencies?.[key] ?? []).find((urn) => map.has(urn));
    const value = p.string(key);
    const urn = fromDependency ?? (typeof value === 'string' ? aliases.get(`${aliasKind}|${value}`) : undefined);
    if (urn) return map.get(urn)!;
    const deps = r.propertyDependencies?.[key] ?? [];
    const name = value === undefined ? `${r.name} (no ${kind})` : isUnresolved(value) ? (deps[0] ? dependencyName(deps[0], byUrn) : value.text) : value;
    const key2 = `external|${name}`;
    let c = map.get(key2);
    if (!c) {
      c = make(name);
      c.external = true;
      reporter.note(originOf(r), 'info', 'external-container', `${r.name} belongs to ${name}, which is not in this stack: its rules are read as a ${kind} of their own`);
      map.set(key2, c);
      list.push(c);
    }
    return c;
  };

  for (const r of resources) {
    const p = Props.of(r);
    const o = originOf(r);
    const newGroup = (name: string): AwsSecurityGroup => ({ name, format: FORMAT, file: o.file, origin: o, ingress: [], egress: [] });
    switch (r.type) {
      case 'aws:ec2/securityGroupRule:SecurityGroupRule': {
        const g = container(r, 'securityGroupId', 'security group', 'sg', groups, estate.groups, newGroup);
        const type = p.string('type');
        if (isUnresolved(type) || (type !== 'ingress' && type !== 'egress')) {
          const shown = type === undefined ? 'missing' : isUnresolved(type) ? `${type.text} (${type.reason})` : `'${type}'`;
          reporter.note(o, 'warning', 'invalid-value', `type is ${shown}, not ingress or egress; the rule is read as ingress`);
        }
        (type === 'egress' ? g.egress : g.ingress).push(permission(p, o, g.name, idsOf(g), byUrn, 'sourceSecurityGroupId'));
        break;
      }
      case 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule':
      case 'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule': {
        const g = container(r, 'securityGroupId', 'security group', 'sg', groups, estate.groups, newGroup);
        (r.type.includes('Egress') ? g.egress : g.ingress).push(vpcRule(p, o, g.name, idsOf(g), byUrn));
        break;
      }
      case 'aws:ec2/networkAclRule:NetworkAclRule': {
        const a = container(r, 'networkAclId', 'network ACL', 'acl', acls, estate.acls, (name) => ({ name, format: FORMAT, file: o.file, origin: o, entries: [] }));
        a.entries.push(aclEntry(p, o, p.bool('egress') === true, 'ruleNumber', 'ruleAction'));
        break;
      }
      case 'azure-native:network:SecurityRule':
      case 'azure:network/networkSecurityRule:NetworkSecurityRule': {
        const n = container(r, 'networkSecurityGroupName', 'network security group', 'nsg', nsgs, estate.nsgs, (name) => ({ name, format: FORMAT, origin: o, rules: [] }));
        n.rules.push(azureRule(p, o));
        break;
      }
      case 'gcp:compute/firewall:Firewall':
        estate.firewalls.push(firewall(p, o, byUrn));
        break;
    }
  }
  return estate;
}

/** A whole list that is unknown: its rules cannot be read at all. */
function unknownList(p: Props, key: string, o: Origin, reporter: Reporter): void {
  const u = p.unknown(key);
  if (u) reporter.note(o, 'warning', 'unresolved-reference', `${u.text}: ${u.reason}; its rules are not known and open nothing here`);
}

/** A referenced group, by id or (when the id is unknown) by the resource it comes from. */
function groupReference(v: Maybe<string>, group: string, ids: Set<string>, byUrn: Map<string, PulumiResource>): AwsSymbolicSource {
  if (isUnresolved(v)) {
    const dep = v.refs[0];
    if (dep !== undefined) {
      if (ids.has(dep)) return { kind: 'self', text: 'self' };
      const name = dependencyName(dep, byUrn);
      return name === group ? { kind: 'self', text: 'self' } : { kind: 'security-group', text: name };
    }
    return { kind: 'unresolved', text: v.text, reason: v.reason };
  }
  return ids.has(v) || v === group ? { kind: 'self', text: 'self' } : { kind: 'security-group', text: v };
}

function ports<T extends AwsPermission | AwsAclEntry>(p: Props, target: T): T {
  const from = p.number('fromPort');
  const to = p.number('toPort');
  if (from !== undefined) target.fromPort = from;
  if (to !== undefined) target.toPort = to;
  return target;
}

function permission(p: Props, o: Origin, group: string, ids: Set<string>, byUrn: Map<string, PulumiResource>, sourceGroupKey = 'securityGroups'): AwsPermission {
  const cidrs: string[] = [];
  const symbolic: AwsSymbolicSource[] = [];
  for (const key of ['cidrBlocks', 'ipv6CidrBlocks']) {
    for (const c of p.strings(key)) {
      if (isUnresolved(c)) symbolic.push({ kind: 'unresolved', text: c.text, reason: c.reason });
      else cidrs.push(c);
    }
  }
  for (const pl of p.strings('prefixListIds')) symbolic.push({ kind: 'prefix-list', text: isUnresolved(pl) ? (pl.refs[0] ? dependencyName(pl.refs[0], byUrn) : pl.text) : pl });
  for (const sg of p.strings(sourceGroupKey)) symbolic.push(groupReference(sg, group, ids, byUrn));
  const self = p.bool('self');
  if (self === true) symbolic.push({ kind: 'self', text: 'self' });
  else if (isUnresolved(self)) symbolic.push({ kind: 'unresolved', text: self.text, reason: self.reason });
  const perm: AwsPermission = { origin: o, protocol: p.string('protocol') ?? p.unresolved('protocol', 'the rule has no protocol'), cidrs, symbolic };
  const d = p.raw('description');
  if (typeof d === 'string' && d !== '' && d !== PULUMI_UNKNOWN) perm.description = d;
  return ports(p, perm);
}

/** `aws:vpc/securityGroupIngressRule` / `…EgressRule`: one source each. */
function vpcRule(p: Props, o: Origin, group: string, ids: Set<string>, byUrn: Map<string, PulumiResource>): AwsPermission {
  const cidrs: string[] = [];
  const symbolic: AwsSymbolicSource[] = [];
  for (const key of ['cidrIpv4', 'cidrIpv6']) {
    const c = p.string(key);
    if (isUnresolved(c)) symbolic.push({ kind: 'unresolved', text: c.text, reason: c.reason });
    else if (c !== undefined && c !== '') cidrs.push(c);
  }
  const pl = p.string('prefixListId');
  if (pl !== undefined) symbolic.push({ kind: 'prefix-list', text: isUnresolved(pl) ? (pl.refs[0] ? dependencyName(pl.refs[0], byUrn) : pl.text) : pl });
  const sg = p.string('referencedSecurityGroupId');
  if (sg !== undefined) symbolic.push(groupReference(sg, group, ids, byUrn));
  const perm: AwsPermission = { origin: o, protocol: p.string('ipProtocol') ?? p.unresolved('ipProtocol', 'the rule has no ipProtocol'), cidrs, symbolic };
  const d = p.raw('description');
  if (typeof d === 'string' && d !== '' && d !== PULUMI_UNKNOWN) perm.description = d;
  return ports(p, perm);
}

function aclEntry(p: Props, o: Origin, egress: boolean, numberKey: string, actionKey: string): AwsAclEntry {
  const e: AwsAclEntry = {
    origin: o,
    ruleNumber: p.number(numberKey) ?? p.unresolved(numberKey, `the entry has no ${numberKey}`),
    egress,
    action: p.string(actionKey) ?? p.unresolved(actionKey, `the entry has no ${actionKey}`),
    protocol: p.string('protocol') ?? '-1',
  };
  const v4 = p.string('cidrBlock');
  const cidr = v4 !== undefined && v4 !== '' ? v4 : p.string('ipv6CidrBlock');
  if (cidr !== undefined && cidr !== '') e.cidr = cidr;
  return ports(p, e);
}

function azureRule(p: Props, o: Origin): AzureSecurityRule {
  const both = (one: string, many: string): Maybe<string>[] => {
    const out = p.strings(many);
    const single = p.string(one);
    if (single !== undefined && single !== '') out.unshift(single);
    return out;
  };
  // azure-native names application security groups by `{ id }`, the classic provider by id strings.
  const groups = (nativeKey: string, classicKey: string): string[] => [
    ...p.objects(nativeKey).map((g) => g.string('id')).map((id) => (id === undefined ? 'application security group' : isUnresolved(id) ? id.text : id)),
    ...p.strings(classicKey).map((g) => (isUnresolved(g) ? g.text : g)),
  ];
  const name = p.string('securityRuleName') ?? p.string('name');
  const rule: AzureSecurityRule = {
    origin: o,
    name: typeof name === 'string' ? name : p.path,
    priority: p.number('priority') ?? p.unresolved('priority', 'the rule has no priority'),
    direction: p.string('direction') ?? p.unresolved('direction', 'the rule has no direction'),
    access: p.string('access') ?? p.unresolved('access', 'the rule has no access'),
    protocol: p.string('protocol') ?? p.unresolved('protocol', 'the rule has no protocol'),
    sourcePrefixes: both('sourceAddressPrefix', 'sourceAddressPrefixes'),
    sourcePortRanges: both('sourcePortRange', 'sourcePortRanges'),
    destinationPrefixes: both('destinationAddressPrefix', 'destinationAddressPrefixes'),
    destinationPortRanges: both('destinationPortRange', 'destinationPortRanges'),
    sourceGroups: groups('sourceApplicationSecurityGroups', 'sourceApplicationSecurityGroupIds'),
    destinationGroups: groups('destinationApplicationSecurityGroups', 'destinationApplicationSecurityGroupIds'),
  };
  const d = p.raw('description');
  if (typeof d === 'string' && d !== '' && d !== PULUMI_UNKNOWN) rule.description = d;
  return rule;
}

/** The network's name: the last part of a name or URL, or the name of the network resource it comes from. */
function networkOf(p: Props, byUrn: Map<string, PulumiResource>): Maybe<string> {
  const v = p.string('network');
  if (v === undefined) return 'default';
  if (!isUnresolved(v)) return v.slice(v.lastIndexOf('/') + 1);
  const dep = v.refs[0] !== undefined ? byUrn.get(v.refs[0]) : undefined;
  if (dep) {
    const name = dep.props['name'];
    return typeof name === 'string' && name !== PULUMI_UNKNOWN ? name : dep.name;
  }
  return v;
}

function firewall(p: Props, o: Origin, byUrn: Map<string, PulumiResource>): GcpFirewallRule {
  const entry = (e: Props): GcpProtocolEntry => ({ protocol: e.string('protocol') ?? 'all', ports: e.strings('ports') });
  const denies = p.objects('denies');
  const allows = p.objects('allows');
  const unknownEntries = p.unknown('denies') ?? p.unknown('allows');
  const entries = (denies.length > 0 ? denies : allows).map(entry);
  // Unknown allow/deny lists: one symbolic entry, so the rule is kept and reported, never read as open.
  if (unknownEntries) entries.push({ protocol: unknownEntries, ports: [] });
  const name = p.string('name');
  const rule: GcpFirewallRule = {
    origin: o,
    name: typeof name === 'string' ? name : p.resource.name,
    format: FORMAT,
    network: networkOf(p, byUrn),
    direction: p.string('direction') ?? 'INGRESS',
    priority: p.number('priority') ?? 1000,
    action: denies.length > 0 || p.unknown('denies') ? 'deny' : 'allow',
    entries,
    sourceTags: p.strings('sourceTags'),
    sourceServiceAccounts: p.strings('sourceServiceAccounts'),
    targetTags: p.strings('targetTags'),
    targetServiceAccounts: p.strings('targetServiceAccounts'),
    disabled: p.bool('disabled') ?? false,
  };
  const ranges = p.strings('sourceRanges');
  if (ranges.length > 0) rule.sourceRanges = ranges;
  const dst = p.strings('destinationRanges');
  if (dst.length > 0) rule.destinationRanges = dst;
  const d = p.raw('description');
  if (typeof d === 'string' && d !== '' && d !== PULUMI_UNKNOWN) rule.description = d;
  return rule;
}
