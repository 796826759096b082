import type { InputFile } from '@portcullis/model';

/*
 * Recognises a RouterOS export by its content: the header comment `# … by RouterOS …` that
 * `/export` writes, and menu paths at the start of a line (`/ip firewall filter`, `/interface
 * list member`, `/system identity`), alone or followed by `add`/`set`. Firewall menus with `add
 * chain=` lines are enough without the header. Shell scripts and documents that mention a path in
 * passing lack both the header and a run of menu lines.
 */

const HEAD_CHARS = 64 * 1024;
const HEAD_LINES = 400;

const HEADER = /^#.*\bby RouterOS\b/;
const MENU = /^\/(?:ip|ipv6|interface|system|routing|tool|user|snmp|ppp|queue|caps-man|certificate|disk|container|iot|mpls|radius|port|special-login|lcd|file|log|zerotier|dude|console)(?:[ /][a-z0-9-]+)*(?:[ \t]+(?:add|set|remove)\b.*)?$/;
const FIREWALL = /^\/(?:ip|ipv6)[ /]firewall[ /](?:filter|nat|raw|mangle|address-list)\b/;
const ADD_CHAIN = /^(?:\/(?:ip|ipv6)[ /]firewall[ /](?:filter|nat|raw|mangle)[ \t]+)?add[ \t].*\bchain=/;

export function detectMikrotik(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  let content = 0;
  let header = false;
  let menus = 0;
  let firewall = false;
  let addChain = 0;
  let other = 0;
  for (const raw of head.split(/\r\n|\r|\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      if (HEADER.test(line)) header = true;
      continue;
    }
    if (content++ >= HEAD_LINES) break;
    if (line.startsWith('/')) {
      if (MENU.test(line.length > 512 ? line.slice(0, 512) : line)) menus++;
      if (FIREWALL.test(line)) firewall = true;
    } else if (!/^(?:add|set|remove) /.test(line) && !/^\s/.test(raw)) other++;
    if (ADD_CHAIN.test(line.length > 512 ? line.slice(0, 512) : line)) addChain++;
  }
  let score = 0;
  if (header && menus > 0) score = 1;
  else if (firewall && addChain > 0) score = 0.9;
  else if (header) score = 0.6;
  else if (menus >= 3) score = 0.55;
  if (score > 0 && score < 1 && other > menus + addChain) score *= 0.5;
  return Math.round(score * 100) / 100;
}
