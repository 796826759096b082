import type { FormatParser } from '@portcullis/model';
import { ciscoIosFormat } from '../formats.js';
import { detectIos } from './detect.js';
import { parseIos } from './parser.js';

/** Cisco IOS / IOS XE `show running-config`. */
export const ciscoIos: FormatParser = {
  ...ciscoIosFormat,
  parse: parseIos,
};

export { detectIos, parseIos };
