import type { FormatParser } from '@portcullis/model';
import { junosFormat } from '../formats.js';
import { detectJunos } from './detect.js';
import { parseJunos } from './parser.js';

/** Juniper Junos configurations: `show configuration` (hierarchical) and `| display set` output. */
export const junos: FormatParser = {
  ...junosFormat,
  parse: parseJunos,
};

export { detectJunos, parseJunos };
