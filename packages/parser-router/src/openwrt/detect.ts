import type { InputFile } from '@portcullis/model';

/*
 * Recognises an OpenWrt firewall configuration (`/etc/config/firewall`, `uci export firewall`) by
 * its content: uci section headers of the firewall's own types (`config zone`, `config rule`,
 * `config redirect`, `config forwarding`, `config defaults`) at the start of a line, and `option`
 * or `list` lines under them. The file has no fixed name or extension. Other uci files (network,
 * dhcp, wireless) have other section types; FortiOS also writes `config …` blocks, but with `set`,
 * `edit` and `end`, never `option`.
 */

const HEAD_CHARS = 64 * 1024;
const HEAD_LINES = 400;

const FIREWALL_HEADER = /^config[ \t]+['"]?(defaults|zone|rule|redirect|forwarding|include|ipset|nat)['"]?(?:[ \t]+\S+)?[ \t]*$/;
const OTHER_HEADER = /^config[ \t]+\S+/;
const OPTION = /^[ \t]*(?:option|list)[ \t]+['"]?[A-Za-z0-9_]+['"]?[ \t]+\S/;
const PACKAGE = /^package[ \t]+firewall[ \t]*$/;

export function detectOpenwrt(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  let content = 0;
  let firewall = 0;
  let otherHeaders = 0;
  let options = 0;
  let foreign = 0;
  let pkg = false;
  for (const raw of head.split(/\r\n|\r|\n/)) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (content++ >= HEAD_LINES) break;
    if (FIREWALL_HEADER.test(line)) firewall++;
    else if (OTHER_HEADER.test(line)) otherHeaders++;
    else if (OPTION.test(line)) options++;
    else if (PACKAGE.test(line)) pkg = true;
    else foreign++;
  }
  if (firewall === 0 || options === 0) return 0;
  let score = firewall >= 2 ? 0.95 : 0.8;
  if (pkg) score = 1;
  // Lines that are not uci at all: a document quoting a section, or another format.
  const uci = firewall + otherHeaders + options + (pkg ? 1 : 0);
  if (foreign > 0) score *= Math.min(1, uci / (uci + foreign * 2));
  return Math.round(score * 100) / 100;
}
