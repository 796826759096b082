import type { FormatParser } from '@portcullis/model';
import { detectOpenwrt } from './detect.js';
import { parseOpenwrt } from './parser.js';

/** OpenWrt `/etc/config/firewall` (uci), as fw3 and fw4 read it. */
export const openwrt: FormatParser = {
  format: 'openwrt',
  description: 'OpenWrt firewall configuration (/etc/config/firewall, uci; fw3 and fw4)',
  detect: detectOpenwrt,
  parse: parseOpenwrt,
};

export { detectOpenwrt, parseOpenwrt };
