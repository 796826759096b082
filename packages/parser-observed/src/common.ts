import { servicePort, type LineLedger, type Observation, type ParseResult } from '@portcullis/model';
import { NETBASE_PORTS } from './netbase.js';

/*
 * What the three readers share: the host name a socket listing stands for, the words of a line
 * with their columns, `address:port` endpoints, and the result a parser hands back.
 */

/** How much of a file the detectors look at, and how many of its non-blank lines. */
export const HEAD_CHARS = 64 * 1024;
export const HEAD_LINES = 200;

/**
 * A socket listing does not say which host it comes from: the file's base name without its
 * extension stands for it (`web01.ss` → `web01`), as the iptables parser names its devices.
 */
export function hostFromPath(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

export interface Word {
  text: string;
  /** 1-based column of the word's first character. */
  column: number;
}

/** The blank-separated words of a line, each with its column; one pass, no regular expression. */
export function words(line: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && isBlank(line.charCodeAt(i))) i++;
    if (i >= line.length) break;
    const start = i;
    while (i < line.length && !isBlank(line.charCodeAt(i))) i++;
    out.push({ text: line.slice(start, i), column: start + 1 });
  }
  return out;
}

/** The first word of a line that starts with one (what `words(line)[0]` would be, without the rest). */
export function firstWord(line: string): string {
  let i = 0;
  while (i < line.length && !isBlank(line.charCodeAt(i))) i++;
  return line.slice(0, i);
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The text of a line without a leading byte order mark (first line only) and trailing blanks. */
export function lineText(raw: string, n: number): string {
  return (n === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw).trimEnd();
}

/** An `address:port` pair as a socket table prints it, the address without its brackets. */
export interface Endpoint {
  /** `0.0.0.0`, `::`, `*`, `127.0.0.53%lo`, `fe80::1%eth0`: as written, brackets removed. */
  address: string;
  port: string;
}

/**
 * Splits at the last colon: `0.0.0.0:22`, `[::]:22`, `*:22`, `127.0.0.53%lo:53`,
 * `[fe80::1%12]:1900` (Windows), `[fe80::20]%eth0:9001` (ss), `:::22` (old ss, Linux netstat).
 */
export function splitEndpoint(text: string): Endpoint | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) return undefined;
  let address = text.slice(0, colon);
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) return undefined;
    address = address.slice(1, close) + address.slice(close + 1);
  }
  if (address === '') return undefined;
  return { address, port: text.slice(colon + 1) };
}

/**
 * A port as a socket table prints it: a number, or (ss and netstat without `-n`) a service name
 * resolved the way Debian's /etc/services would. Undefined when it is neither.
 */
export function readPort(text: string, protocol: 'tcp' | 'udp'): number | undefined {
  if (/^\d{1,5}$/.test(text)) {
    const port = Number(text);
    return port <= 65535 ? port : undefined;
  }
  if (!/^[A-Za-z][A-Za-z0-9_.+-]{0,63}$/.test(text)) return undefined;
  return NETBASE_PORTS.get(`${text}/${protocol}`) ?? servicePort(text, protocol);
}

/** Every line no reader claimed is structure the parser skips on purpose. */
export function ignoreTheRest(ledger: LineLedger): void {
  for (let line = 1; line <= ledger.lineCount; line++) ledger.ignore(line);
}

/** The result of a parse: no devices, the observations, diagnostics in file order. */
export function result(ledger: LineLedger, observations: Observation[]): ParseResult {
  const lines = ledger.account();
  const diagnostics = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { devices: [], diagnostics, lines, suppressions: [], observations };
}
