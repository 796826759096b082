import type { FormatParser } from '@portcullis/model';
import { opnsenseFormat, pfsenseFormat } from '../formats.js';
import { detectOpnsense, detectPfsense } from './detect.js';
import { parseConfigXml } from './parser.js';

/** pfSense `config.xml` (Diagnostics > Backup & Restore). */
export const pfsense: FormatParser = {
  ...pfsenseFormat,
  parse: parseConfigXml,
};

/** OPNsense `config.xml` (System > Configuration > Backups), legacy and MVC rule layouts. */
export const opnsense: FormatParser = {
  ...opnsenseFormat,
  parse: parseConfigXml,
};

export { detectOpnsense, detectPfsense, parseConfigXml };
