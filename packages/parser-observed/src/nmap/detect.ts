import type { InputFile } from '@portcullis/model';
import { HEAD_CHARS } from '../common.js';

/*
 * Recognises an nmap XML report by its first element, `<nmaprun`, after the prolog (XML
 * declaration, comments, processing instructions such as nmap's xml-stylesheet, the DOCTYPE).
 * Other XML (pfSense's `<pfsense>`, OPNsense's `<opnsense>`) and everything else score 0.
 */

export function detectNmapXml(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < head.length && isSpace(head.charCodeAt(i))) i++;
    if (head.startsWith('<?', i)) i = after(head, '?>', i + 2);
    else if (head.startsWith('<!--', i)) i = after(head, '-->', i + 4);
    else if (head.startsWith('<!DOCTYPE', i)) return doctypeScore(head, i);
    else break;
    if (i < 0) return 0;
  }
  return isRoot(head, i) ? 1 : 0;
}

/** `<!DOCTYPE nmaprun>` names the root; the element itself must follow. */
function doctypeScore(head: string, at: number): number {
  const named = head.startsWith('nmaprun', at + '<!DOCTYPE'.length + spaces(head, at + '<!DOCTYPE'.length));
  if (!named) return 0;
  const end = after(head, '>', at);
  if (end < 0) return 0;
  return head.indexOf('<nmaprun', end) >= 0 ? 1 : 0.9;
}

function isRoot(head: string, i: number): boolean {
  if (!head.startsWith('<nmaprun', i)) return false;
  const next = head.charCodeAt(i + '<nmaprun'.length);
  return Number.isNaN(next) || next === 0x3e /* > */ || next === 0x2f /* / */ || isSpace(next);
}

function after(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? -1 : at + marker.length;
}

function spaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i - from;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
