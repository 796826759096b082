/** One word of a rule line, as iptables-restore splits it. */
export interface Token {
  /** The word with its quotes removed and `\"` unescaped. */
  text: string;
  /** 1-based column of the token's first character in the original line. */
  column: number;
  /** Quoted words are always values, even when they start with `-` or are `!`. */
  quoted: boolean;
}

export interface Tokenized {
  tokens: Token[];
  /** Column of a quote that was never closed; the rest of the line became one token. */
  unterminatedQuote?: number;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d;

/**
 * Splits a rule into words the way iptables-restore does: on white space, with double quotes
 * grouping a word and `\"` / `\\` escapes inside them. `columnOffset` is the column of `text[0]`.
 * A single linear scan, so any line length is fine.
 */
export function tokenize(text: string, columnOffset = 1): Tokenized {
  const tokens: Token[] = [];
  let unterminatedQuote: number | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let word = '';
    let quoted = false;
    while (i < n && !isSpace(text.charCodeAt(i))) {
      if (text[i] !== '"') {
        // Copy the run up to the next quote or space in one slice.
        let j = i;
        while (j < n && text[j] !== '"' && !isSpace(text.charCodeAt(j))) j++;
        word += text.slice(i, j);
        i = j;
        continue;
      }
      quoted = true;
      const quoteAt = i;
      i++;
      let closed = false;
      // Copy the quoted text a run at a time (between escapes), not a character at a time: a string
      // built from single characters stays a chain of pieces that costs tens of bytes per character.
      let from = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x5c && i + 1 < n && (text.charCodeAt(i + 1) === 0x22 || text.charCodeAt(i + 1) === 0x5c)) {
          word += text.slice(from, i);
          from = i + 1;
          i += 2;
        } else if (c === 0x22) {
          closed = true;
          break;
        } else i++;
      }
      word += text.slice(from, i);
      if (closed) i++;
      if (!closed) unterminatedQuote ??= quoteAt + columnOffset;
    }
    tokens.push({ text: word, column: start + columnOffset, quoted });
  }
  return unterminatedQuote === undefined ? { tokens } : { tokens, unterminatedQuote };
}

/** `--dport`, `-s`, `--ctstate`: an unquoted word that starts with `-` and is not a negative number. */
export function isOptionToken(token: Token | undefined): boolean {
  if (!token || token.quoted || token.text.length < 2 || token.text[0] !== '-') return false;
  const second = token.text.charCodeAt(1);
  return !(second >= 0x30 && second <= 0x39);
}

/** The unquoted `!` that negates the option after it (or, in the old syntax, the value after it). */
export function isBang(token: Token | undefined): boolean {
  return !!token && !token.quoted && token.text === '!';
}
