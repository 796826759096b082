import type { FormatParser } from '@portcullis/model';
import { ciscoAsaFormat } from '../formats.js';
import { detectAsa } from './detect.js';
import { parseAsa } from './parser.js';

/** Cisco ASA (8.3 and later) running-config. */
export const ciscoAsa: FormatParser = {
  ...ciscoAsaFormat,
  parse: parseAsa,
};

export { detectAsa, parseAsa };
