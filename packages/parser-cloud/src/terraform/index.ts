import type { FormatParser } from '@portcullis/model';
import { FORMAT, detectTerraform, parseTerraform, parseTerraformFolder } from './parser.js';

export const terraform: FormatParser = {
  format: FORMAT,
  description: 'Terraform HCL (.tf and .tfvars, a folder read as one module): AWS security groups and network ACLs, Azure NSGs, GCP firewall rules',
  detect: detectTerraform,
  parse: parseTerraform,
  parseFolder: parseTerraformFolder,
};
