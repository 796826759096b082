import type { Origin } from '@portcullis/model';
import type { Maybe } from '../common/unresolved.js';

/*
 * AWS security groups and network ACLs as every input kind states them (Terraform, plan JSON,
 * CloudFormation, describe-* JSON), before they become model devices. Values are as written;
 * the converter gives them meaning.
 */

/** A source the model cannot turn into addresses: another group, the group itself, a prefix list. */
export interface AwsSymbolicSource {
  kind: 'security-group' | 'self' | 'prefix-list' | 'unresolved';
  text: string;
  /** For `unresolved`: why it could not be worked out. */
  reason?: string;
}

/** One ingress or egress permission: an inline block, a rule resource, a list item. */
export interface AwsPermission {
  origin: Origin;
  /** `-1`, `all`, `tcp`, `6`, `icmpv6`… */
  protocol: Maybe<string>;
  fromPort?: Maybe<number>;
  toPort?: Maybe<number>;
  /** IPv4 and IPv6 CIDRs as written. */
  cidrs: string[];
  symbolic: AwsSymbolicSource[];
  description?: string;
}

export interface AwsSecurityGroup {
  /** The resource address, logical id or group id. */
  name: string;
  format: string;
  file: string;
  origin: Origin;
  ingress: AwsPermission[];
  egress: AwsPermission[];
  /** Declared elsewhere: only rules attached to it are known. */
  external?: boolean;
}

/** A network ACL entry: numbered, allow or deny, one CIDR. */
export interface AwsAclEntry {
  origin: Origin;
  ruleNumber: Maybe<number>;
  egress: boolean;
  action: Maybe<string>;
  protocol: Maybe<string>;
  fromPort?: Maybe<number>;
  toPort?: Maybe<number>;
  cidr?: Maybe<string>;
}

export interface AwsNetworkAcl {
  name: string;
  format: string;
  file: string;
  origin: Origin;
  entries: AwsAclEntry[];
  external?: boolean;
}
