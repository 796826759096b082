import type { FormatParser } from '@portcullis/model';
import { detectIptablesSave } from './detect.js';
import { detectNftablesJson, detectNftablesText, parseNftablesJson, parseNftablesText } from './nftables/index.js';
import { parseIptablesSave } from './parser.js';

/** iptables-save / ip6tables-save output (and hand-written iptables-restore files). */
export const iptablesSave: FormatParser = {
  format: 'iptables-save',
  description: 'iptables-save / ip6tables-save output (iptables-restore input)',
  detect: detectIptablesSave,
  parse: parseIptablesSave,
};

/** `nft list ruleset` output and hand-written `nft -f` files. */
export const nftablesText: FormatParser = {
  format: 'nftables',
  description: 'nftables ruleset (nft list ruleset, nft -f files)',
  detect: detectNftablesText,
  parse: parseNftablesText,
};

/** `nft -j list ruleset` output. */
export const nftablesJson: FormatParser = {
  format: 'nftables-json',
  description: 'nftables ruleset as JSON (nft -j list ruleset)',
  detect: detectNftablesJson,
  parse: parseNftablesJson,
};

export { detectIptablesSave, parseIptablesSave, parseNftablesJson, parseNftablesText };
