import type { FormatParser } from '@portcullis/model';
import { iptablesSaveFormat, nftablesFormat, nftablesJsonFormat } from './formats.js';
import { detectIptablesSave } from './detect.js';
import { parseNftablesJson, parseNftablesText } from './nftables/index.js';
import { parseIptablesSave } from './parser.js';

/** iptables-save / ip6tables-save output (and hand-written iptables-restore files). */
export const iptablesSave: FormatParser = {
  ...iptablesSaveFormat,
  parse: parseIptablesSave,
};

/** `nft list ruleset` output and hand-written `nft -f` files. */
export const nftablesText: FormatParser = {
  ...nftablesFormat,
  parse: parseNftablesText,
};

/** `nft -j list ruleset` output. */
export const nftablesJson: FormatParser = {
  ...nftablesJsonFormat,
  parse: parseNftablesJson,
};

export { detectIptablesSave, parseIptablesSave, parseNftablesJson, parseNftablesText };
