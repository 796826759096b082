import type { FormatParser } from '@portcullis/model';
import { armTemplateFormat } from '../formats.js';
import { parseArm } from './parser.js';

export const armTemplate: FormatParser = {
  ...armTemplateFormat,
  parse: parseArm,
};
