import { cloudParsers } from '@portcullis/parser-cloud';
import { iptablesSave, nftablesJson, nftablesText } from '@portcullis/parser-netfilter';
import { observedParsers } from '@portcullis/parser-observed';
import { routerParsers } from '@portcullis/parser-router';
import type { FormatParser, InputFile } from '@portcullis/model';

/** Every input format Portcullis reads. Adding a vendor is adding its parser package and a row here. */
export const PARSERS: readonly FormatParser[] = [iptablesSave, nftablesText, nftablesJson, ...cloudParsers, ...routerParsers, ...observedParsers];

/** Formats `--as` accepts, with the aliases people type. */
const ALIASES: Record<string, string> = {
  iptables: 'iptables-save',
  ip6tables: 'iptables-save',
  'ip6tables-save': 'iptables-save',
  nft: 'nftables',
};

export function parserFor(format: string): FormatParser | undefined {
  const name = ALIASES[format] ?? format;
  return PARSERS.find((p) => p.format === name);
}

export function formatNames(): string[] {
  return [...PARSERS.map((p) => p.format), ...Object.keys(ALIASES)].sort();
}

/** The parser most confident that it reads this file, if any is at least fairly sure. */
export function detectFormat(file: InputFile): FormatParser | undefined {
  let best: FormatParser | undefined;
  let score = 0.5;
  for (const p of PARSERS) {
    let s = 0;
    try {
      s = p.detect(file);
    } catch {
      s = 0;
    }
    if (s > score) {
      score = s;
      best = p;
    }
  }
  return best;
}
