import type { FormatParser } from '@portcullis/model';
import { detectMikrotik } from './detect.js';
import { parseMikrotik } from './parser.js';

/** MikroTik RouterOS exports (`/export`, `/export terse`). */
export const mikrotik: FormatParser = {
  format: 'mikrotik',
  description: 'MikroTik RouterOS export (/export: /ip firewall filter, nat, raw, address lists)',
  detect: detectMikrotik,
  parse: parseMikrotik,
};

export { detectMikrotik, parseMikrotik };
