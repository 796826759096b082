import type { FormatParser } from '@portcullis/model';
import { terraformFormat } from '../formats.js';
import { parseTerraform, parseTerraformFolder } from './parser.js';

export const terraform: FormatParser = {
  ...terraformFormat,
  parse: parseTerraform,
  parseFolder: parseTerraformFolder,
};
