import type { FormatInfo, InputFile } from '@portcullis/model';
import { extension, hasKey, hasKeyValue, jsonStart } from './common/detect.js';

/*
 * The cloud formats as detection sees them: names, descriptions and detectors, which look at a
 * file's name and first 64 KiB and need none of the readers (tree-sitter's WebAssembly grammar least
 * of all). The engine loads a reader only when a file of its format turns up.
 */

export function detectTerraform(file: InputFile): number {
  const ext = extension(file.path);
  if (ext.endsWith('.tf.json') || ext.endsWith('.tfvars.json')) return 0;
  if (ext.endsWith('.tf') || ext.endsWith('.tfvars')) return 1;
  if (ext !== '' && !ext.endsWith('.hcl')) return 0;
  // No telling extension: HCL that declares Terraform resources.
  const head = file.text.slice(0, 64 * 1024);
  return /^resource[ \t]+"[a-z0-9_]+"[ \t]+"[^"\n]*"[ \t]*\{/m.test(head) ? 0.7 : 0;
}

export function detectTerraformPlan(file: InputFile): number {
  const head = jsonStart(file);
  if (!head || !hasKey(head, 'format_version')) return 0;
  if (hasKey(head, 'terraform_version') && (hasKey(head, 'planned_values') || hasKey(head, 'resource_changes') || hasKey(head, 'values') || hasKey(head, 'variables'))) return 0.95;
  return 0;
}

export function detectCloudFormation(file: InputFile): number {
  const ext = extension(file.path);
  const json = jsonStart(file);
  if (json) {
    if (hasKey(json, '$schema')) return 0;
    if (hasKey(json, 'AWSTemplateFormatVersion')) return 0.95;
    if (hasKey(json, 'Resources') && hasKeyValue(json, 'Type', 'AWS::')) return 0.9;
    return 0;
  }
  if (ext !== '' && !ext.endsWith('.yaml') && !ext.endsWith('.yml') && !ext.endsWith('.template') && !ext.endsWith('.cfn')) return 0;
  const head = file.text.slice(0, 64 * 1024);
  let version = false;
  let resources = false;
  let awsType = false;
  for (const raw of head.split(/\r\n|\r|\n/)) {
    if (raw.startsWith('AWSTemplateFormatVersion:') || raw.startsWith('"AWSTemplateFormatVersion":')) version = true;
    else if (/^Resources:\s*$/.test(raw)) resources = true;
    else if (/^\s+Type:\s*["']?AWS::/.test(raw)) awsType = true;
  }
  if (version) return 0.95;
  if (resources && awsType) return 0.9;
  return 0;
}

export function detectArm(file: InputFile): number {
  const head = jsonStart(file);
  if (!head) return 0;
  if (hasKeyValue(head, '$schema', 'https://schema.management.azure.com/schemas/') && head.includes('deploymentTemplate')) return 0.95;
  if (hasKey(head, 'resources') && hasKey(head, 'contentVersion')) return 0.8;
  return 0;
}

export function detectAwsCli(file: InputFile): number {
  const head = jsonStart(file);
  if (!head) return 0;
  if (hasKey(head, 'SecurityGroups') && (hasKey(head, 'IpPermissions') || hasKey(head, 'GroupId'))) return 0.95;
  if (hasKey(head, 'SecurityGroupRules') && hasKey(head, 'IpProtocol')) return 0.9;
  if (hasKey(head, 'NetworkAcls') && hasKey(head, 'Entries')) return 0.9;
  if (head.startsWith('[') && hasKey(head, 'GroupId') && hasKey(head, 'IpPermissions')) return 0.85;
  return 0;
}

export function detectAzureCli(file: InputFile): number {
  const head = jsonStart(file);
  if (!head || hasKey(head, '$schema')) return 0;
  const nsgType = hasKeyValue(head, 'type', 'Microsoft.Network/networkSecurityGroups');
  if (nsgType && (hasKey(head, 'securityRules') || hasKey(head, 'defaultSecurityRules'))) return 0.95;
  if (hasKey(head, 'defaultSecurityRules') && hasKey(head, 'securityRules')) return 0.9;
  return 0;
}

export function detectGcloud(file: InputFile): number {
  const head = jsonStart(file);
  if (!head) return 0;
  if (hasKeyValue(head, 'kind', 'compute#firewall')) return 0.95;
  if (hasKey(head, 'sourceRanges') && (hasKey(head, 'allowed') || hasKey(head, 'denied')) && hasKey(head, 'network')) return 0.85;
  return 0;
}

export const terraformFormat: FormatInfo = {
  format: 'terraform',
  description: 'Terraform HCL (.tf and .tfvars, a folder read as one module): AWS security groups and network ACLs, Azure NSGs, GCP firewall rules',
  detect: detectTerraform,
  folder: true,
  owns: ['.tf', '.tfvars'],
};

export const terraformPlanFormat: FormatInfo = {
  format: 'terraform-plan',
  description: 'Terraform plan or state as JSON (terraform show -json): the same resources as the HCL reader, with values applied',
  detect: detectTerraformPlan,
};

export const cloudFormationFormat: FormatInfo = {
  format: 'cloudformation',
  description: 'AWS CloudFormation templates (YAML or JSON): security groups, their ingress/egress, network ACLs',
  detect: detectCloudFormation,
};

export const armTemplateFormat: FormatInfo = {
  format: 'arm-template',
  description: 'Azure Resource Manager templates (JSON): network security groups and their security rules',
  detect: detectArm,
};

export const awsCliFormat: FormatInfo = {
  format: 'aws-cli',
  description: 'AWS CLI JSON: ec2 describe-security-groups, describe-security-group-rules, describe-network-acls',
  detect: detectAwsCli,
};

export const azureCliFormat: FormatInfo = {
  format: 'azure-cli',
  description: 'Azure CLI JSON: az network nsg list / show',
  detect: detectAzureCli,
};

export const gcloudCliFormat: FormatInfo = {
  format: 'gcloud',
  description: 'gcloud compute firewall-rules list --format=json',
  detect: detectGcloud,
};

export const cloudFormats: readonly FormatInfo[] = [terraformFormat, terraformPlanFormat, cloudFormationFormat, armTemplateFormat, awsCliFormat, azureCliFormat, gcloudCliFormat];
