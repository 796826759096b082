import type { FormatParser } from '@portcullis/model';
import { detectOpnsense, detectPfsense } from './detect.js';
import { parseConfigXml } from './parser.js';

/** pfSense `config.xml` (Diagnostics > Backup & Restore). */
export const pfsense: FormatParser = {
  format: 'pfsense',
  description: 'pfSense config.xml (interfaces, aliases, port forwards, 1:1 NAT, filter rules)',
  detect: detectPfsense,
  parse: parseConfigXml,
};

/** OPNsense `config.xml` (System > Configuration > Backups), legacy and MVC rule layouts. */
export const opnsense: FormatParser = {
  format: 'opnsense',
  description: 'OPNsense config.xml (interfaces, aliases, port forwards, 1:1 NAT, filter rules, automation rules)',
  detect: detectOpnsense,
  parse: parseConfigXml,
};

export { detectOpnsense, detectPfsense, parseConfigXml };
