import type { FormatParser } from '@portcullis/model';
import { detectIptablesSave } from './detect.js';
import { parseIptablesSave } from './parser.js';

/** iptables-save / ip6tables-save output (and hand-written iptables-restore files). */
export const iptablesSave: FormatParser = {
  format: 'iptables-save',
  description: 'iptables-save / ip6tables-save output (iptables-restore input)',
  detect: detectIptablesSave,
  parse: parseIptablesSave,
};

export { detectIptablesSave, parseIptablesSave };
