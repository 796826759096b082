import type { InputFile } from '@portcullis/model';

/*
 * Recognises nftables rulesets by content: `table FAMILY NAME {` blocks, chains with hooks, the
 * `#!/usr/sbin/nft -f` line of /etc/nftables.conf; and `nft -j` listings by their `"nftables"`
 * array. The file name is only a hint.
 */

const HEAD_CHARS = 64 * 1024;
const TABLE = /^[ \t]*(?:add[ \t]+)?table[ \t]+(?:(?:ip|ip6|inet|arp|bridge|netdev)[ \t]+)?[A-Za-z0-9_.-]+[ \t]*\{?[ \t]*$/m;
const CHAIN = /^[ \t]*chain[ \t]+\S+[ \t]*\{[ \t]*$/m;
const HOOK = /type[ \t]+(?:filter|nat|route)[ \t]+hook[ \t]+\w+/;
const SHEBANG = /^#![^\n]*\bnft\b/;
const FLUSH = /^[ \t]*flush[ \t]+ruleset\b/m;
const NAME = /\.(nft|nftables)$/i;

export function detectNftablesText(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  let score = 0;
  if (TABLE.test(head)) score = CHAIN.test(head) || HOOK.test(head) ? 0.95 : 0.7;
  else if (HOOK.test(head) && CHAIN.test(head)) score = 0.6;
  if (SHEBANG.test(head) || FLUSH.test(head)) score = Math.max(score, 0.6) + 0.1;
  if (NAME.test(file.path) && (score > 0 || head.trim() === '')) score += 0.3;
  return Math.min(1, Math.round(score * 100) / 100);
}

const JSON_HEAD = /^\s*\{\s*"nftables"\s*:\s*\[/;

export function detectNftablesJson(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  if (!JSON_HEAD.test(head)) return 0;
  return /"(metainfo|table|chain|rule)"\s*:/.test(head) ? 1 : 0.8;
}
