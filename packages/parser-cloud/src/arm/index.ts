import type { FormatParser } from '@portcullis/model';
import { FORMAT, detectArm, parseArm } from './parser.js';

export const armTemplate: FormatParser = {
  format: FORMAT,
  description: 'Azure Resource Manager templates (JSON): network security groups and their security rules',
  detect: detectArm,
  parse: parseArm,
};
