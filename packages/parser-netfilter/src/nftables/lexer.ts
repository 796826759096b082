/**
 * Tokens of the nftables language as `nft list ruleset` prints it and `nft -f` reads it. Words are
 * runs of anything but blanks, quotes and punctuation, so that addresses (`dead::1`, `10.0.0.0/8`,
 * `[c0::1a]:4242`), ranges (`1-500`), references (`@name`) and names with dashes are one token
 * each; the concatenation dot and the priority sign are words of their own because nft writes
 * them between blanks (` . `, `filter + 10`).
 */
export interface NftToken {
  kind: 'word' | 'string' | 'punct' | 'newline';
  text: string;
  line: number;
  column: number;
  /** Offsets of the token in the text: [offset, end). */
  offset: number;
  end: number;
}

export interface NftComment {
  line: number;
  text: string;
}

export interface Lexed {
  tokens: NftToken[];
  comments: NftComment[];
  /** Lines with an unterminated string. */
  unterminated: number[];
}

const PUNCT = new Set(['{', '}', ';', ',', '(', ')', '=', '!', '<', '>', '&', '|', '^']);
const TWO_CHAR = new Set(['!=', '==', '<=', '>=', '<<', '>>']);

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v';

/** One linear pass over the text; `#` starts a comment, a backslash at the end of a line joins it to the next. */
export function lex(text: string, firstLine = 1, firstColumn = 1): Lexed {
  const tokens: NftToken[] = [];
  const comments: NftComment[] = [];
  const unterminated: number[] = [];
  let line = firstLine;
  let lineStart = 0;
  let columnBase = firstColumn;
  const n = text.length;
  let i = 0;
  const push = (kind: NftToken['kind'], value: string, start: number, end: number): void => {
    tokens.push({ kind, text: value, line, column: start - lineStart + columnBase, offset: start, end });
  };
  const newline = (at: number): void => {
    line++;
    lineStart = at + 1;
    columnBase = 1;
  };
  while (i < n) {
    const c = text[i]!;
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '\n') {
      push('newline', '\n', i, i + 1);
      newline(i);
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 1 : 2;
      newline(i);
      i++;
      continue;
    }
    if (c === '#') {
      let j = i + 1;
      while (j < n && text[j] !== '\n') j++;
      comments.push({ line, text: text.slice(i + 1, j).replace(/\r$/, '') });
      i = j;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"' && text[j] !== '\n') j++;
      if (j >= n || text[j] !== '"') {
        unterminated.push(line);
        push('string', text.slice(i + 1, j), i, j);
        i = j;
        continue;
      }
      push('string', text.slice(i + 1, j), i, j + 1);
      i = j + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      push('punct', two, i, i + 2);
      i += 2;
      continue;
    }
    if (PUNCT.has(c)) {
      push('punct', c, i, i + 1);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const d = text[j]!;
      if (isBlank(d) || d === '\n' || d === '"' || d === '#' || PUNCT.has(d)) break;
      j++;
    }
    push('word', text.slice(i, j), i, j);
    i = j;
  }
  return { tokens, comments, unterminated };
}
