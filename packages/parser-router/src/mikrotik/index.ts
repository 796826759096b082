import type { FormatParser } from '@portcullis/model';
import { mikrotikFormat } from '../formats.js';
import { detectMikrotik } from './detect.js';
import { parseMikrotik } from './parser.js';

/** MikroTik RouterOS exports (`/export`, `/export terse`). */
export const mikrotik: FormatParser = {
  ...mikrotikFormat,
  parse: parseMikrotik,
};

export { detectMikrotik, parseMikrotik };
