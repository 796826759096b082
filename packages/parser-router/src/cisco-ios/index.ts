import type { FormatParser } from '@portcullis/model';
import { detectIos } from './detect.js';
import { parseIos } from './parser.js';

/** Cisco IOS / IOS XE `show running-config`. */
export const ciscoIos: FormatParser = {
  format: 'cisco-ios',
  description: 'Cisco IOS / IOS XE running-config (ACLs, interfaces, static NAT)',
  detect: detectIos,
  parse: parseIos,
};

export { detectIos, parseIos };
