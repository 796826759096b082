import type { FormatInfo } from '@portcullis/model';
import { detectIptablesSave } from './detect.js';
import { detectNftablesJson, detectNftablesText } from './nftables/detect.js';

/*
 * The netfilter formats as detection sees them: names, descriptions and detectors, which need none
 * of the readers. The engine loads a reader only when a file of its format turns up.
 */

export const iptablesSaveFormat: FormatInfo = {
  format: 'iptables-save',
  description: 'iptables-save / ip6tables-save output (iptables-restore input)',
  detect: detectIptablesSave,
};

export const nftablesFormat: FormatInfo = {
  format: 'nftables',
  description: 'nftables ruleset (nft list ruleset, nft -f files)',
  detect: detectNftablesText,
};

export const nftablesJsonFormat: FormatInfo = {
  format: 'nftables-json',
  description: 'nftables ruleset as JSON (nft -j list ruleset)',
  detect: detectNftablesJson,
};

export const netfilterFormats: readonly FormatInfo[] = [iptablesSaveFormat, nftablesFormat, nftablesJsonFormat];
