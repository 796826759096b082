import { noItems, type Device, type InputFile, type ParseResult } from '@portcullis/model';
import { convertNetworkAcl, convertSecurityGroup } from '../aws/convert.js';
import type { AwsAclEntry, AwsNetworkAcl, AwsPermission, AwsSecurityGroup, AwsSymbolicSource } from '../aws/representation.js';
import { isRecord, readJsonPiecewise, type PiecewiseDocument } from '../common/document.js';
import { FieldReader, arrayField, numberField, records, stringField } from '../common/fields.js';
import { HeldReports, Inputs } from '../common/report.js';

/*
 * `aws ec2 describe-security-groups`, `describe-security-group-rules` and `describe-network-acls`
 * output (JSON). One device per group id, one per network ACL.
 */

export const FORMAT = 'aws-cli';

const GROUP_USED = ['GroupId', 'GroupName', 'IpPermissions', 'IpPermissionsEgress'];
const GROUP_IGNORED = ['Description', 'OwnerId', 'Tags', 'VpcId', 'SecurityGroupArn'];
const PERMISSION_USED = ['IpProtocol', 'FromPort', 'ToPort', 'IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'];
const RULE_USED = ['GroupId', 'IsEgress', 'IpProtocol', 'FromPort', 'ToPort', 'CidrIpv4', 'CidrIpv6', 'PrefixListId', 'ReferencedGroupInfo', 'Description'];
const RULE_IGNORED = ['SecurityGroupRuleId', 'GroupOwnerId', 'Tags', 'SecurityGroupRuleArn'];
const ACL_USED = ['NetworkAclId', 'Entries'];
const ACL_IGNORED = ['Associations', 'IsDefault', 'VpcId', 'OwnerId', 'Tags'];
const ENTRY_USED = ['RuleNumber', 'Protocol', 'RuleAction', 'Egress', 'CidrBlock', 'Ipv6CidrBlock', 'PortRange', 'IcmpTypeCode'];
// Lists named once rather than written in the calls: a list literal is a new list each time it is met.
const NONE: readonly string[] = [];
const RANGE_USED = ['CidrIp'];
const RANGE6_USED = ['CidrIpv6'];
const PREFIX_LIST_USED = ['PrefixListId'];
const DESCRIPTION = ['Description'];
const PAIR_USED = ['GroupId', 'GroupName'];
const PAIR_IGNORED = ['UserId', 'VpcId', 'VpcPeeringConnectionId', 'PeeringStatus', 'Description'];
/** The symbolic sources of a permission that names none: one list for all of them. */
const NO_SOURCES = noItems<AwsSymbolicSource>();

export function parseAwsCli(file: InputFile): ParseResult {
  // A large output is read a group at a time (see PiecewiseDocument): each is done with before the next.
  return readJsonPiecewise(file.text, (doc) => readAwsCli(file, doc));
}

/** Reads one document, piecewise or whole: what `parseAwsCli` does once it has the document. */
export function readAwsCli(file: InputFile, doc: PiecewiseDocument): ParseResult {
  const inputs = new Inputs();
  inputs.add(file);
  for (const e of doc.errors) inputs.report({ file: file.path, line: e.line, column: e.column }, 'error', 'parse-error', e.message);
  const r = new FieldReader(inputs, file.path, doc);
  const groups: AwsSecurityGroup[] = [];
  const acls: AwsNetworkAcl[] = [];
  const root = doc.value;
  const list = Array.isArray(root) ? root : isRecord(root) ? arrayField(root, 'SecurityGroups') : [];
  const rules = isRecord(root) ? arrayField(root, 'SecurityGroupRules') : [];
  // Without separate rules to join them, each group becomes its device as soon as it is read, so
  // its permissions die young; the converter's diagnostics wait, to come after the reader's as before.
  const devices: Device[] = [];
  const held = new HeldReports();
  for (const g of doc.items(list)) {
    if (!isRecord(g)) continue;
    const group = readGroup(r, g);
    if (rules.length === 0) devices.push(convertSecurityGroup(group, held));
    else groups.push(group);
  }
  if (isRecord(root)) {
    r.recognise(r.keySpan(root, 'SecurityGroups'));
    const byGroup = new Map<string, AwsSecurityGroup>();
    for (const rule of doc.items(rules)) if (isRecord(rule)) readRule(r, rule, groups, byGroup);
    for (const acl of doc.items(arrayField(root, 'NetworkAcls'))) if (isRecord(acl)) acls.push(readAcl(r, acl));
    for (const key of Object.keys(root)) {
      if (!['SecurityGroups', 'SecurityGroupRules', 'NetworkAcls', 'NextToken'].includes(key)) {
        const span = r.keySpan(root, key);
        if (span) inputs.report({ file: file.path, line: span.line }, 'info', 'unsupported-field', `'${key}' is not part of the output Portcullis reads`);
      }
    }
  }
  inputs.ignoreRest(file.path);
  held.release(inputs);
  for (const g of groups) devices.push(convertSecurityGroup(g, inputs));
  for (const a of acls) devices.push(convertNetworkAcl(a, inputs));
  return inputs.finish(devices);
}

function readGroup(r: FieldReader, g: Record<string, unknown>): AwsSecurityGroup {
  r.fields(g, GROUP_USED, GROUP_IGNORED, 'security group');
  const name = stringField(g, 'GroupId') ?? stringField(g, 'GroupName') ?? `group on line ${r.span(g)?.line ?? 1}`;
  const permissions = (key: string): AwsPermission[] => {
    const out: AwsPermission[] = [];
    for (const p of arrayField(g, key)) if (isRecord(p)) out.push(readPermission(r, p, name));
    return out;
  };
  return { name, format: FORMAT, file: r.file, origin: r.origin(g, name), ingress: permissions('IpPermissions'), egress: permissions('IpPermissionsEgress') };
}

function readPermission(r: FieldReader, p: Record<string, unknown>, group: string): AwsPermission {
  r.fields(p, PERMISSION_USED, NONE, 'permission');
  const cidrs: string[] = [];
  let symbolic = NO_SOURCES;
  for (const range of arrayField(p, 'IpRanges')) {
    if (!isRecord(range)) continue;
    r.fields(range, RANGE_USED, DESCRIPTION, 'IP range');
    const c = stringField(range, 'CidrIp');
    if (c !== undefined) cidrs.push(c);
  }
  for (const range of arrayField(p, 'Ipv6Ranges')) {
    if (!isRecord(range)) continue;
    r.fields(range, RANGE6_USED, DESCRIPTION, 'IPv6 range');
    const c = stringField(range, 'CidrIpv6');
    if (c !== undefined) cidrs.push(c);
  }
  for (const pl of arrayField(p, 'PrefixListIds')) {
    if (!isRecord(pl)) continue;
    r.fields(pl, PREFIX_LIST_USED, DESCRIPTION, 'prefix list');
    if (symbolic === NO_SOURCES) symbolic = [];
    symbolic.push({ kind: 'prefix-list', text: stringField(pl, 'PrefixListId') ?? 'prefix list' });
  }
  for (const pair of arrayField(p, 'UserIdGroupPairs')) {
    if (!isRecord(pair)) continue;
    r.fields(pair, PAIR_USED, PAIR_IGNORED, 'group pair');
    const id = stringField(pair, 'GroupId') ?? stringField(pair, 'GroupName') ?? 'security group';
    if (symbolic === NO_SOURCES) symbolic = [];
    symbolic.push(id === group ? { kind: 'self', text: 'self' } : { kind: 'security-group', text: id });
  }
  // One literal with every field (fields added afterwards go to a second object); a port not given stays undefined.
  return { origin: r.origin(p, group), protocol: stringField(p, 'IpProtocol') ?? '-1', cidrs, symbolic, fromPort: numberField(p, 'FromPort'), toPort: numberField(p, 'ToPort') };
}

/** `describe-security-group-rules`: one rule per item, gathered by group. */
function readRule(r: FieldReader, rule: Record<string, unknown>, groups: AwsSecurityGroup[], byGroup: Map<string, AwsSecurityGroup>): void {
  r.fields(rule, RULE_USED, RULE_IGNORED, 'security group rule');
  const groupId = stringField(rule, 'GroupId') ?? 'unknown group';
  let group = byGroup.get(groupId) ?? groups.find((g) => g.name === groupId);
  if (!group) {
    group = { name: groupId, format: FORMAT, file: r.file, origin: r.origin(rule, groupId), ingress: [], egress: [] };
    groups.push(group);
  }
  byGroup.set(groupId, group);
  const cidrs = [stringField(rule, 'CidrIpv4'), stringField(rule, 'CidrIpv6')].filter((c): c is string => c !== undefined);
  const symbolic: AwsSymbolicSource[] = [];
  const pl = stringField(rule, 'PrefixListId');
  if (pl) symbolic.push({ kind: 'prefix-list', text: pl });
  const ref = rule['ReferencedGroupInfo'];
  if (isRecord(ref)) {
    const id = stringField(ref, 'GroupId') ?? 'security group';
    symbolic.push(id === groupId ? { kind: 'self', text: 'self' } : { kind: 'security-group', text: id });
  }
  const perm: AwsPermission = { origin: r.origin(rule, groupId), protocol: stringField(rule, 'IpProtocol') ?? '-1', cidrs, symbolic };
  const from = numberField(rule, 'FromPort');
  const to = numberField(rule, 'ToPort');
  if (from !== undefined) perm.fromPort = from;
  if (to !== undefined) perm.toPort = to;
  const description = stringField(rule, 'Description');
  if (description) perm.description = description;
  (rule['IsEgress'] === true ? group.egress : group.ingress).push(perm);
}

function readAcl(r: FieldReader, acl: Record<string, unknown>): AwsNetworkAcl {
  r.fields(acl, ACL_USED, ACL_IGNORED, 'network ACL');
  const name = stringField(acl, 'NetworkAclId') ?? `network ACL on line ${r.span(acl)?.line ?? 1}`;
  const entries: AwsAclEntry[] = [];
  for (const e of records(arrayField(acl, 'Entries'))) {
    r.fields(e, ENTRY_USED, [], 'network ACL entry');
    const entry: AwsAclEntry = {
      origin: r.origin(e, name),
      ruleNumber: numberField(e, 'RuleNumber') ?? 0,
      egress: e['Egress'] === true,
      action: stringField(e, 'RuleAction') ?? '',
      protocol: stringField(e, 'Protocol') ?? '-1',
    };
    const cidr = stringField(e, 'CidrBlock') ?? stringField(e, 'Ipv6CidrBlock');
    if (cidr !== undefined) entry.cidr = cidr;
    const range = e['PortRange'];
    if (isRecord(range)) {
      const from = numberField(range, 'From');
      const to = numberField(range, 'To');
      if (from !== undefined) entry.fromPort = from;
      if (to !== undefined) entry.toPort = to;
    }
    // The implicit `*` entry (32767) is the ACL's default; the ruleset's default says it.
    if (entry.ruleNumber === 32767) continue;
    entries.push(entry);
  }
  return { name, format: FORMAT, file: r.file, origin: r.origin(acl, name), entries };
}
