import type { FormatParser } from '@portcullis/model';
import { cloudFormationFormat } from '../formats.js';
import { parseCloudFormation } from './parser.js';

export const cloudFormation: FormatParser = {
  ...cloudFormationFormat,
  parse: parseCloudFormation,
};
