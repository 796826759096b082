import type { FormatParser } from '@portcullis/model';
import { detectJunos } from './detect.js';
import { parseJunos } from './parser.js';

/** Juniper Junos configurations: `show configuration` (hierarchical) and `| display set` output. */
export const junos: FormatParser = {
  format: 'junos',
  description: 'Juniper Junos configuration (hierarchical or `set` commands)',
  detect: detectJunos,
  parse: parseJunos,
};

export { detectJunos, parseJunos };
