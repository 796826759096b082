import type { FormatParser } from '@portcullis/model';
import { armTemplate } from './arm/index.js';
import { awsCli, azureCli, gcloudCli } from './cli/index.js';
import { cloudFormation } from './cloudformation/index.js';
import { terraformPlan } from './plan/index.js';
import { terraform } from './terraform/index.js';

/** Cloud security boundaries: AWS, Azure and GCP from Terraform, plan JSON, CloudFormation/ARM and CLI JSON. */
export const cloudParsers: readonly FormatParser[] = [terraform, terraformPlan, cloudFormation, armTemplate, awsCli, azureCli, gcloudCli];

export { armTemplate, awsCli, azureCli, cloudFormation, gcloudCli, terraform, terraformPlan };
export { PULUMI_FORMAT, PULUMI_TYPES, PULUMI_UNKNOWN, PULUMI_UNKNOWN_REASON, parsePulumiResources, type PulumiResource } from './pulumi/index.js';
