import type { FormatParser } from '@portcullis/model';
import { openwrtFormat } from '../formats.js';
import { detectOpenwrt } from './detect.js';
import { parseOpenwrt } from './parser.js';

/** OpenWrt `/etc/config/firewall` (uci), as fw3 and fw4 read it. */
export const openwrt: FormatParser = {
  ...openwrtFormat,
  parse: parseOpenwrt,
};

export { detectOpenwrt, parseOpenwrt };
