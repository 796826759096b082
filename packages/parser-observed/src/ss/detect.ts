import type { InputFile } from '@portcullis/model';
import { HEAD_CHARS, HEAD_LINES, firstWord, words } from '../common.js';
import { SS_NETIDS, SS_STATES } from './syntax.js';

/*
 * Recognises `ss` output from its first lines: the `State Recv-Q Send-Q Local Address:Port …`
 * header (with or without Netid) and rows `[netid] STATE n n local:port peer:port`. Header-less
 * output (`ss -H`) is recognised by its rows alone. The file name plays no part.
 */

export function detectSs(file: InputFile): number {
  const head = file.text.slice(0, HEAD_CHARS);
  let header = false;
  let rows = 0;
  let content = 0;
  for (const raw of head.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (content++ >= HEAD_LINES) break;
    if (isHeader(line)) header = true;
    else if (isRow(line)) rows++;
  }
  const known = rows + (header ? 1 : 0);
  let score = 0;
  if (header && rows > 0) score = 0.95;
  else if (header) score = 0.7;
  else if (rows >= 2) score = 0.8;
  else if (rows === 1) score = 0.6;
  // Mostly other content (a document quoting a line or two) is not this format.
  if (score > 0) score *= Math.min(1, 0.3 + known / content);
  return Math.round(score * 100) / 100;
}

function isHeader(line: string): boolean {
  return (line.startsWith('State') || line.startsWith('Netid')) && line.includes('Recv-Q') && line.includes('Local Address');
}

function isRow(line: string): boolean {
  // A row starts with its netid or its state: anything else is not one, without splitting it up.
  const head = line.slice(0, 512);
  const first = firstWord(head);
  if (!SS_NETIDS.has(first) && !SS_STATES.has(first)) return false;
  const w = words(head).map((x) => x.text);
  const k = SS_NETIDS.has(first) ? 1 : 0;
  const [state, recvQ, sendQ, local, peer] = w.slice(k, k + 5);
  if (!state || !SS_STATES.has(state) || !recvQ || !sendQ || !local || !peer) return false;
  if (!/^\d{1,12}$/.test(recvQ) || !/^\d{1,12}$/.test(sendQ)) return false;
  // Unix and netlink sockets have paths and numbers where IP sockets have address:port.
  if (k === 1 && first !== 'tcp' && first !== 'udp') return true;
  return local.includes(':') && (peer.includes(':') || peer === '*');
}
