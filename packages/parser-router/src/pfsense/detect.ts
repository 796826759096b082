import type { InputFile } from '@portcullis/model';

/*
 * Recognises a pfSense or OPNsense config.xml by its root element, `<pfsense>` or `<opnsense>`,
 * after the prolog (byte order mark, XML declaration, comments, processing instructions, a
 * DOCTYPE: a hostile file is still read, and reported, rather than passed over). Other
 * XML (nmap's `<nmaprun>`, anything else) and every other format score 0.
 */

const HEAD_CHARS = 64 * 1024;

/** The root element's name, or undefined when the text does not start like an XML document. */
export function rootElement(text: string): string | undefined {
  const head = text.slice(0, HEAD_CHARS);
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < head.length && isSpace(head.charCodeAt(i))) i++;
    if (head.startsWith('<?', i)) i = after(head, '?>', i + 2);
    else if (head.startsWith('<!--', i)) i = after(head, '-->', i + 4);
    else if (head.startsWith('<!DOCTYPE', i)) i = doctypeEnd(head, i);
    else break;
    if (i < 0) return undefined;
  }
  if (head.charCodeAt(i) !== 0x3c /* < */) return undefined;
  let end = i + 1;
  while (end < head.length && isNameChar(head.charCodeAt(end))) end++;
  const next = head.charCodeAt(end);
  if (end === i + 1 || !(Number.isNaN(next) || next === 0x3e || next === 0x2f || isSpace(next))) return undefined;
  return head.slice(i + 1, end);
}

export function detectPfsense(file: InputFile): number {
  return rootElement(file.text) === 'pfsense' ? 1 : 0;
}

export function detectOpnsense(file: InputFile): number {
  return rootElement(file.text) === 'opnsense' ? 1 : 0;
}

/** After `<!DOCTYPE …>`, whose internal subset (`[ … ]`) may hold `>` of its own. */
function doctypeEnd(text: string, at: number): number {
  const close = text.indexOf('>', at);
  const open = text.indexOf('[', at);
  if (open < 0 || (close >= 0 && close < open)) return close < 0 ? -1 : close + 1;
  const end = text.indexOf(']', open);
  return end < 0 ? -1 : after(text, '>', end);
}

function after(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? -1 : at + marker.length;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isNameChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d || code === 0x2e || code === 0x3a;
}
