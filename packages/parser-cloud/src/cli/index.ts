import type { FormatParser } from '@portcullis/model';
import { FORMAT as AWS, detectAwsCli, parseAwsCli } from './aws.js';
import { FORMAT as AZURE, detectAzureCli, parseAzureCli } from './azure.js';
import { FORMAT as GCLOUD, detectGcloud, parseGcloud } from './gcloud.js';

/**
 * The CLI outputs are strict JSON, read by JSON.parse and a positions scan within about 6 times the
 * file's size (docs/robustness.md): they may be larger than other inputs.
 */
export const CLI_JSON_MAX_BYTES = 256 * 1024 * 1024;

export const awsCli: FormatParser = {
  format: AWS,
  description: 'AWS CLI JSON: ec2 describe-security-groups, describe-security-group-rules, describe-network-acls',
  detect: detectAwsCli,
  parse: parseAwsCli,
  maxBytes: CLI_JSON_MAX_BYTES,
};

export const azureCli: FormatParser = {
  format: AZURE,
  description: 'Azure CLI JSON: az network nsg list / show',
  detect: detectAzureCli,
  parse: parseAzureCli,
  maxBytes: CLI_JSON_MAX_BYTES,
};

export const gcloudCli: FormatParser = {
  format: GCLOUD,
  description: 'gcloud compute firewall-rules list --format=json',
  detect: detectGcloud,
  parse: parseGcloud,
  maxBytes: CLI_JSON_MAX_BYTES,
};
