import type { FormatParser } from '@portcullis/model';
import { FORMAT, detectTerraformPlan, parseTerraformPlan } from './parser.js';

export const terraformPlan: FormatParser = {
  format: FORMAT,
  description: 'Terraform plan or state as JSON (terraform show -json): the same resources as the HCL reader, with values applied',
  detect: detectTerraformPlan,
  parse: parseTerraformPlan,
};
