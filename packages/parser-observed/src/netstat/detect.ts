import type { InputFile } from '@portcullis/model';
import { HEAD_CHARS, HEAD_LINES, firstWord, words } from '../common.js';
import { LINUX_PROTOCOLS, TITLES, WINDOWS_NO_OWNER } from './syntax.js';

/*
 * Recognises netstat output from its first lines: the `Active Connections` / `Active Internet
 * connections` titles, the `Proto Local Address Foreign Address …` header, and rows (`TCP
 * 0.0.0.0:135 0.0.0.0:0 LISTENING 1044`, `tcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN 812/sshd`).
 * The file name plays no part.
 */

export function detectNetstat(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  let titles = 0;
  let header = false;
  let rows = 0;
  let owners = 0;
  let content = 0;
  for (const raw of head.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (content++ >= HEAD_LINES) break;
    if (TITLES.some((t) => line.startsWith(t))) titles++;
    else if (line.startsWith('Proto') && (line.includes('Local Address') || line.includes('RefCnt'))) header = true;
    else if (isRow(line)) rows++;
    // `-b` names a row's owner on the lines under it.
    else if ((line.startsWith('[') && line.endsWith(']')) || line === WINDOWS_NO_OWNER) owners++;
  }
  const known = rows + owners + titles + (header ? 1 : 0);
  let score = 0;
  if ((header || titles > 0) && rows > 0) score = 0.95;
  else if (header && titles > 0) score = 0.7;
  else if (rows >= 2) score = 0.8;
  else if (rows === 1) score = 0.6;
  if (score > 0) score *= Math.min(1, 0.3 + known / content);
  return Math.round(score * 100) / 100;
}

function isRow(line: string): boolean {
  // A row starts with its protocol: anything else is not one, without splitting it up.
  const head = line.slice(0, 512);
  const proto = firstWord(head);
  const windows = proto === 'TCP' || proto === 'UDP';
  if (!windows && !LINUX_PROTOCOLS.has(proto)) return false;
  const w = words(head).map((x) => x.text);
  // Windows: `TCP local foreign STATE [pid]`, `UDP local *:* [pid]`.
  if (windows) return endpoint(w[1]) && endpoint(w[2]);
  // Unix sockets: `unix 2 [ ACC ] STREAM LISTENING 12345 …`.
  if (proto === 'unix') return /^\d{1,12}$/.test(w[1] ?? '') && (w[2] ?? '').startsWith('[');
  return /^\d{1,12}$/.test(w[1] ?? '') && /^\d{1,12}$/.test(w[2] ?? '') && endpoint(w[3]) && endpoint(w[4]);
}

function endpoint(word: string | undefined): boolean {
  return word !== undefined && word.includes(':') && word.length <= 80;
}
