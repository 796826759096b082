import type { Origin } from '@portcullis/model';
import type { Maybe } from '../common/unresolved.js';

/*
 * Azure network security groups as Terraform, ARM templates and `az network nsg` JSON state them.
 * Prefixes and ranges are as written (`*`, `Internet`, `10.0.0.0/8`, `1000-2000`).
 */

export interface AzureSecurityRule {
  origin: Origin;
  name: string;
  priority: Maybe<number>;
  direction: Maybe<string>;
  access: Maybe<string>;
  protocol: Maybe<string>;
  sourcePrefixes: Maybe<string>[];
  sourcePortRanges: Maybe<string>[];
  destinationPrefixes: Maybe<string>[];
  destinationPortRanges: Maybe<string>[];
  /** Application security groups, by id or reference. */
  sourceGroups: string[];
  destinationGroups: string[];
  description?: string;
}

export interface AzureNsg {
  name: string;
  format: string;
  origin: Origin;
  rules: AzureSecurityRule[];
  /** The default rules as the input lists them (`az` output); when absent they are Azure's standard ones. */
  defaultRules?: AzureSecurityRule[];
  external?: boolean;
}
