/**
 * A fixed set of words (option, module and target names) that a line's words are matched against
 * without making a string: `Words.text` hands out the set's own, interned string for them, so that
 * comparing it or looking a table up by it costs a pointer comparison instead of hashing a new string.
 */
export class Vocabulary {
  private readonly buckets: (string[] | undefined)[] = new Array<string[] | undefined>(VOCABULARY_BUCKETS);

  constructor(words: Iterable<string>) {
    // An object's keys are interned strings: take each word from there.
    const interned: Record<string, true> = {};
    for (const word of words) if (word.length > 0 && word.length <= MAX_VOCABULARY_WORD) interned[word] = true;
    for (const word of Object.keys(interned)) (this.buckets[bucket(word, 0, word.length)] ??= []).push(word);
  }

  /** The set's string equal to `text.slice(start, end)`, or undefined when it has none. */
  find(text: string, start: number, end: number): string | undefined {
    const length = end - start;
    if (length <= 0 || length > MAX_VOCABULARY_WORD) return undefined;
    const candidates = this.buckets[bucket(text, start, end)];
    if (candidates === undefined) return undefined;
    for (const word of candidates) if (word.length === length && text.startsWith(word, start)) return word;
    return undefined;
  }
}

const VOCABULARY_BUCKETS = 1024;
const MAX_VOCABULARY_WORD = 48;

const bucket = (text: string, start: number, end: number): number => {
  const length = end - start;
  let h = length;
  h = h * 31 + text.charCodeAt(end - 1);
  h = h * 31 + text.charCodeAt(start + (length >> 1));
  h = h * 31 + text.charCodeAt(start + (length > 2 ? 2 : 0));
  return h & (VOCABULARY_BUCKETS - 1);
};

const NO_WORDS = new Vocabulary([]);

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d;

/**
 * The words of a rule line, split the way iptables-restore does: on white space, with double quotes
 * grouping a word and `\"` / `\\` escapes inside them. A single linear scan, so any line length is
 * fine. Words are kept as offsets into the line; a word's string is made only when asked for (most
 * words of a rule are option names, compared and never kept).
 */
export class Words {
  /** How many words. */
  readonly length: number;
  /** Column of a quote that was never closed; the rest of the line became one word. */
  readonly unterminatedQuote: number | undefined;
  /** [start, end) of each word in the line, quotes included. */
  private readonly spans: number[] = [];
  /** For a word that had quotes: its text without them and with `\"` unescaped. */
  private readonly quotedTexts: (string | undefined)[] = [];

  /** `columnOffset` is the column of `line[0]`. */
  constructor(
    readonly line: string,
    private readonly columnOffset = 1,
    private readonly vocabulary: Vocabulary = NO_WORDS,
  ) {
    let unterminatedQuote: number | undefined;
    const text = line;
    const n = text.length;
    let i = 0;
    while (i < n) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n) break;
      const start = i;
      while (i < n && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== 0x22) i++;
      if (i < n && text.charCodeAt(i) === 0x22) {
        // A word with quotes: its text is made now, from runs between quotes and escapes.
        let word = text.slice(start, i);
        while (i < n && !isSpace(text.charCodeAt(i))) {
          if (text.charCodeAt(i) !== 0x22) {
            let j = i;
            while (j < n && text.charCodeAt(j) !== 0x22 && !isSpace(text.charCodeAt(j))) j++;
            word += text.slice(i, j);
            i = j;
            continue;
          }
          const quoteAt = i;
          i++;
          let closed = false;
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
          else unterminatedQuote ??= quoteAt + columnOffset;
        }
        this.quotedTexts[this.spans.length >> 1] = word;
      }
      this.spans.push(start, i);
    }
    this.length = this.spans.length >> 1;
    this.unterminatedQuote = unterminatedQuote;
  }

  /** The word's text (quotes removed); a word of the vocabulary comes as the vocabulary's string. */
  text(i: number): string {
    const quoted = this.quotedTexts[i];
    if (quoted !== undefined) return quoted;
    const start = this.spans[2 * i]!;
    const end = this.spans[2 * i + 1]!;
    return this.vocabulary.find(this.line, start, end) ?? this.line.slice(start, end);
  }

  /** 1-based column of the word's first character in the original line. */
  column(i: number): number {
    return this.spans[2 * i]! + this.columnOffset;
  }

  /** Quoted words are always values, even when they start with `-` or are `!`. */
  quoted(i: number): boolean {
    return this.quotedTexts[i] !== undefined;
  }

  /** `--dport`, `-s`, `--ctstate`: an unquoted word that starts with `-` and is not a negative number. */
  isOption(i: number): boolean {
    if (i >= this.length || this.quoted(i)) return false;
    const start = this.spans[2 * i]!;
    if (this.spans[2 * i + 1]! - start < 2 || this.line.charCodeAt(start) !== 0x2d) return false;
    const second = this.line.charCodeAt(start + 1);
    return !(second >= 0x30 && second <= 0x39);
  }

  /** The unquoted `!` that negates the option after it (or, in the old syntax, the value after it). */
  isBang(i: number): boolean {
    if (i >= this.length || this.quoted(i)) return false;
    const start = this.spans[2 * i]!;
    return this.spans[2 * i + 1]! - start === 1 && this.line.charCodeAt(start) === 0x21;
  }
}
