import type { InputFile, ParseResult } from '@portcullis/model';
import { convertNetworkAcl, convertSecurityGroup } from '../aws/convert.js';
import type { AwsAclEntry, AwsNetworkAcl, AwsPermission, AwsSecurityGroup, AwsSymbolicSource } from '../aws/representation.js';
import { jsonStart } from '../common/detect.js';
import { isRecord, loadJson, type Document } from '../common/document.js';
import { FieldReader, asNumber, asString } from '../common/fields.js';
import { Inputs } from '../common/report.js';
import { Unresolved, isUnresolved } from '../common/unresolved.js';
import { loadYaml } from '../common/yaml.js';
import { CLOUDFORMATION_SCHEMA, NO_VALUE, TemplateEvaluator, shortText } from './intrinsics.js';

/*
 * CloudFormation templates, YAML or JSON: AWS::EC2::SecurityGroup with its SecurityGroupIngress /
 * SecurityGroupEgress lists, the separate AWS::EC2::SecurityGroupIngress / Egress resources,
 * AWS::EC2::NetworkAcl and AWS::EC2::NetworkAclEntry. Devices are named by logical id.
 */

export const FORMAT = 'cloudformation';

const TOP_LEVEL = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs', 'Rules', 'Globals'];
const RESOURCE_USED = ['Type', 'Properties', 'Condition'];
const RESOURCE_IGNORED = ['DependsOn', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy', 'CreationPolicy', 'UpdatePolicy'];
const GROUP_USED = ['SecurityGroupIngress', 'SecurityGroupEgress'];
const GROUP_IGNORED = ['GroupDescription', 'GroupName', 'VpcId', 'Tags'];
const PERMISSION_FIELDS = [
  'IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', 'SourcePrefixListId', 'SourceSecurityGroupId', 'SourceSecurityGroupName',
  'DestinationPrefixListId', 'DestinationSecurityGroupId',
];
const PERMISSION_IGNORED = ['Description', 'SourceSecurityGroupOwnerId'];
const ACL_ENTRY_USED = ['NetworkAclId', 'RuleNumber', 'Protocol', 'RuleAction', 'Egress', 'CidrBlock', 'Ipv6CidrBlock', 'PortRange', 'Icmp'];

export function parseCloudFormation(file: InputFile): ParseResult {
  const inputs = new Inputs();
  inputs.add(file);
  const json = jsonStart(file) !== '';
  const doc = json ? loadJson(file.text) : loadYaml(file.text, CLOUDFORMATION_SCHEMA);
  if (!json) inputs.hashComments(file.path);
  for (const e of doc.errors) inputs.report({ file: file.path, line: e.line, column: e.column }, 'error', 'parse-error', e.message);
  const reader = new TemplateReader(new FieldReader(inputs, file.path, doc), doc);
  reader.read();
  inputs.ignoreRest(file.path);
  const devices = [...reader.groups.values()].map((g) => convertSecurityGroup(g, inputs));
  devices.push(...[...reader.acls.values()].map((a) => convertNetworkAcl(a, inputs)));
  return inputs.finish(devices);
}

class TemplateReader {
  readonly groups = new Map<string, AwsSecurityGroup>();
  readonly acls = new Map<string, AwsNetworkAcl>();
  private readonly evaluator: TemplateEvaluator;
  private readonly resources: Record<string, unknown>;

  constructor(
    private readonly r: FieldReader,
    private readonly doc: Document,
  ) {
    const root = isRecord(doc.value) ? doc.value : {};
    this.resources = isRecord(root['Resources']) ? root['Resources'] : {};
    this.evaluator = new TemplateEvaluator({
      parameters: isRecord(root['Parameters']) ? root['Parameters'] : {},
      mappings: isRecord(root['Mappings']) ? root['Mappings'] : {},
      conditions: isRecord(root['Conditions']) ? root['Conditions'] : {},
      resources: new Set(Object.keys(this.resources)),
    });
  }

  read(): void {
    const root = this.doc.value;
    if (!isRecord(root)) return;
    this.r.fields(root, ['Resources'], TOP_LEVEL, 'template');
    const typed = Object.entries(this.resources).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1]));
    // Groups and ACLs first, so separate rules find them whatever the order of the template.
    for (const [id, res] of typed) {
      if (res['Type'] === 'AWS::EC2::SecurityGroup') this.group(id, res);
      else if (res['Type'] === 'AWS::EC2::NetworkAcl') this.acl(id, res);
    }
    for (const [id, res] of typed) {
      if (res['Type'] === 'AWS::EC2::SecurityGroupIngress' || res['Type'] === 'AWS::EC2::SecurityGroupEgress') this.separateRule(id, res);
      else if (res['Type'] === 'AWS::EC2::NetworkAclEntry') this.aclEntry(id, res);
    }
  }

  private resourceSpan(id: string) {
    return this.r.keySpan(this.resources, id);
  }

  private properties(id: string, res: Record<string, unknown>, used: string[], ignored: string[], what: string): Record<string, unknown> {
    this.r.fields(res, RESOURCE_USED, RESOURCE_IGNORED, `${what} ${id}`);
    const span = this.resourceSpan(id);
    if (span) this.r.recognise({ line: span.line, endLine: span.line });
    if (typeof res['Condition'] === 'string') {
      const c = this.evaluator.condition(res['Condition']);
      const at = { file: this.r.file, line: span?.line ?? 1 };
      if (isUnresolved(c)) this.r.inputs.note(at, 'info', 'conditional-resource', `${id} exists only under condition ${res['Condition']}, which depends on ${c.text}; it is read as present`);
      else if (!c) this.r.inputs.note(at, 'info', 'conditional-resource', `${id} exists only under condition ${res['Condition']}, which is false with the parameters' defaults; it is read as present all the same`);
    }
    const props = res['Properties'];
    if (!isRecord(props)) return {};
    this.r.fields(props, used, ignored, `${what} ${id}`);
    return props;
  }

  private origin(value: unknown, id: string) {
    return this.r.origin(value, id, this.resourceSpan(id));
  }

  private group(id: string, res: Record<string, unknown>): void {
    const props = this.properties(id, res, GROUP_USED, GROUP_IGNORED, 'security group');
    const group: AwsSecurityGroup = { name: id, format: FORMAT, file: this.r.file, origin: this.r.origin(undefined, id, this.resourceSpan(id)), ingress: [], egress: [] };
    for (const [key, list] of [['SecurityGroupIngress', group.ingress], ['SecurityGroupEgress', group.egress]] as const) {
      const raw = props[key];
      const value = this.evaluator.value(raw);
      if (isUnresolved(value)) {
        this.r.inputs.note({ file: this.r.file, line: this.r.keySpan(props, key)?.line ?? group.origin.line }, 'warning', 'unresolved-reference', `${key} is ${value.text}: ${value.reason}; its rules are not known`);
        continue;
      }
      if (!Array.isArray(value)) continue;
      // Written as a list, each item has its place; chosen by a condition (`!If`), the list's key has.
      const items: unknown[] = Array.isArray(raw) ? raw : value;
      items.forEach((item, i) => {
        const evaluated: unknown = value[i];
        if (!isRecord(item) || !isRecord(evaluated)) return;
        if (Array.isArray(raw)) this.r.fields(item, PERMISSION_FIELDS, PERMISSION_IGNORED, `${key} of ${id}`);
        const fallback = this.r.itemSpan(raw, i) ?? this.r.keySpan(props, key);
        list.push(this.permission(evaluated, this.r.origin(Array.isArray(raw) ? item : undefined, id, fallback), id, key === 'SecurityGroupEgress'));
      });
    }
    this.groups.set(id, group);
  }

  private separateRule(id: string, res: Record<string, unknown>): void {
    const egress = res['Type'] === 'AWS::EC2::SecurityGroupEgress';
    const props = this.properties(id, res, ['GroupId', 'GroupName', ...PERMISSION_FIELDS], PERMISSION_IGNORED, egress ? 'security group egress' : 'security group ingress');
    const evaluated = this.evaluator.value(props);
    if (!isRecord(evaluated)) return;
    const origin = this.origin(undefined, id);
    const target = this.groupFor(evaluated['GroupId'] ?? evaluated['GroupName'], props['GroupId'] ?? props['GroupName'], origin.line);
    const perm = this.permission(evaluated, origin, target.name, egress);
    (egress ? target.egress : target.ingress).push(perm);
  }

  /** The group a separate rule belongs to: one of this template's groups, or one declared elsewhere. */
  private groupFor(value: unknown, raw: unknown, line: number): AwsSecurityGroup {
    let name: string;
    if (isUnresolved(value)) name = value.refs.find((ref) => this.groups.has(ref)) ?? value.text;
    else if (typeof value === 'string') name = value;
    else name = shortText(raw);
    let group = this.groups.get(name);
    if (!group) {
      group = { name, format: FORMAT, file: this.r.file, origin: { file: this.r.file, line }, ingress: [], egress: [], external: true };
      this.r.inputs.note({ file: this.r.file, line }, 'info', 'external-security-group', `the rule belongs to ${name}, which this template does not declare: its rules here are read as a group of their own`);
      this.groups.set(name, group);
    }
    return group;
  }

  private permission(p: Record<string, unknown>, origin: AwsPermission['origin'], group: string, egress: boolean): AwsPermission {
    const cidrs: string[] = [];
    const symbolic: AwsSymbolicSource[] = [];
    for (const key of ['CidrIp', 'CidrIpv6']) {
      const v = p[key];
      if (v === undefined) continue;
      if (typeof v === 'string') cidrs.push(v);
      else symbolic.push(unresolvedSource(v, key));
    }
    const prefixList = p[egress ? 'DestinationPrefixListId' : 'SourcePrefixListId'];
    if (prefixList !== undefined) symbolic.push({ kind: 'prefix-list', text: textOf(prefixList) });
    for (const key of egress ? ['DestinationSecurityGroupId'] : ['SourceSecurityGroupId', 'SourceSecurityGroupName']) {
      const v = p[key];
      if (v === undefined) continue;
      const refs = isUnresolved(v) ? v.refs : [];
      symbolic.push(refs.includes(group) ? { kind: 'self', text: 'self' } : { kind: 'security-group', text: refs[0] ?? textOf(v) });
    }
    const perm: AwsPermission = { origin, protocol: p['IpProtocol'] === undefined ? '-1' : asString(p['IpProtocol'], 'IpProtocol'), cidrs, symbolic };
    if (p['FromPort'] !== undefined) perm.fromPort = asNumber(p['FromPort'], 'FromPort');
    if (p['ToPort'] !== undefined) perm.toPort = asNumber(p['ToPort'], 'ToPort');
    if (typeof p['Description'] === 'string') perm.description = p['Description'];
    return perm;
  }

  private acl(id: string, res: Record<string, unknown>): void {
    this.properties(id, res, [], ['VpcId', 'Tags'], 'network ACL');
    this.acls.set(id, { name: id, format: FORMAT, file: this.r.file, origin: this.origin(undefined, id), entries: [] });
  }

  private aclEntry(id: string, res: Record<string, unknown>): void {
    const props = this.properties(id, res, ACL_ENTRY_USED, [], 'network ACL entry');
    const e = this.evaluator.value(props);
    if (!isRecord(e)) return;
    const origin = this.origin(undefined, id);
    const ref = e['NetworkAclId'];
    const name = isUnresolved(ref) ? (ref.refs.find((x) => this.acls.has(x)) ?? ref.text) : textOf(ref);
    let acl = this.acls.get(name);
    if (!acl) {
      acl = { name, format: FORMAT, file: this.r.file, origin, entries: [], external: true };
      this.acls.set(name, acl);
    }
    const egress = e['Egress'];
    const entry: AwsAclEntry = {
      origin,
      ruleNumber: asNumber(e['RuleNumber'], 'RuleNumber'),
      egress: egress === true || egress === 'true',
      action: asString(e['RuleAction'], 'RuleAction'),
      protocol: e['Protocol'] === undefined ? '-1' : asString(e['Protocol'], 'Protocol'),
    };
    const cidr = e['CidrBlock'] ?? e['Ipv6CidrBlock'];
    if (cidr !== undefined) entry.cidr = asString(cidr, 'CidrBlock');
    const range = e['PortRange'];
    if (isRecord(range)) {
      if (range['From'] !== undefined) entry.fromPort = asNumber(range['From'], 'PortRange.From');
      if (range['To'] !== undefined) entry.toPort = asNumber(range['To'], 'PortRange.To');
    }
    acl.entries.push(entry);
  }
}

function unresolvedSource(v: unknown, key: string): AwsSymbolicSource {
  if (isUnresolved(v)) return { kind: 'unresolved', text: v.text, reason: v.reason };
  return { kind: 'unresolved', text: textOf(v), reason: `${key} is not a string` };
}

function textOf(v: unknown): string {
  if (v instanceof Unresolved) return v.text;
  if (v === NO_VALUE) return 'AWS::NoValue';
  return typeof v === 'string' ? v : shortText(v);
}

