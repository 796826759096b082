import type { FormatParser } from '@portcullis/model';
import { FORMAT as AWS, detectAwsCli, parseAwsCli } from './aws.js';
import { FORMAT as AZURE, detectAzureCli, parseAzureCli } from './azure.js';
import { FORMAT as GCLOUD, detectGcloud, parseGcloud } from './gcloud.js';

export const awsCli: FormatParser = {
  format: AWS,
  description: 'AWS CLI JSON: ec2 describe-security-groups, describe-security-group-rules, describe-network-acls',
  detect: detectAwsCli,
  parse: parseAwsCli,
};

export const azureCli: FormatParser = {
  format: AZURE,
  description: 'Azure CLI JSON: az network nsg list / show',
  detect: detectAzureCli,
  parse: parseAzureCli,
};

export const gcloudCli: FormatParser = {
  format: GCLOUD,
  description: 'gcloud compute firewall-rules list --format=json',
  detect: detectGcloud,
  parse: parseGcloud,
};
