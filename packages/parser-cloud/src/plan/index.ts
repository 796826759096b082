import type { FormatParser } from '@portcullis/model';
import { terraformPlanFormat } from '../formats.js';
import { parseTerraformPlan } from './parser.js';

export const terraformPlan: FormatParser = {
  ...terraformPlanFormat,
  parse: parseTerraformPlan,
};
