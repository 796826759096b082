import type { FormatParser } from '@portcullis/model';
import { detectAsa } from './detect.js';
import { parseAsa } from './parser.js';

/** Cisco ASA (8.3 and later) running-config. */
export const ciscoAsa: FormatParser = {
  format: 'cisco-asa',
  description: 'Cisco ASA running-config (access lists, security levels, object and twice NAT)',
  detect: detectAsa,
  parse: parseAsa,
};

export { detectAsa, parseAsa };
