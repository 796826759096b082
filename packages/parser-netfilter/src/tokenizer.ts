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
/** Neither white space nor a quote: every character above the quote is (most of a line), and `!`. */
const isPlain = (c: number): boolean => c > 0x22 || c === 0x21 || (c < 0x20 && !isSpace(c));
/** `c`, at `i`, is a tab, a space before another or a space at the line's end `n`: what `Words.unevenBlanks` looks for. */
const isUnevenBlank = (c: number, text: string, i: number, n: number): boolean =>
  c === 0x09 || (c === 0x20 && (i + 1 === n || text.charCodeAt(i + 1) === 0x20));

/*
 * The words of the line being read, shared by all Words: only one line's words are in use at a time
 * (a Words is read through before the next line's is made), and an array of them per line was a
 * fifth of what reading a large file allocated. Three numbers a word: its start and end in the line
 * (quotes included), and for a word that had quotes the place of its text in `quotedTexts`, else -1.
 */
const SMALL_SPANS = 3 * 256;
let spans = new Int32Array(SMALL_SPANS);
const quotedTexts: (string | undefined)[] = [];
let quotedCount = 0;
/** Which Words owns `spans` and `quotedTexts` now. */
let owner = 0;

/**
 * The words of a rule line, split the way iptables-restore does: on white space, with double quotes
 * grouping a word and `\"` / `\\` escapes inside them. A single linear scan, so any line length is
 * fine. Words are kept as offsets into the line; a word's string is made only when asked for (most
 * words of a rule are option names, compared and never kept). Only the newest Words can be read:
 * an older one throws.
 */
export class Words {
  /** How many words. */
  readonly length: number;
  /** Column of a quote that was never closed; the rest of the line became one word. */
  readonly unterminatedQuote: number | undefined;
  /**
   * The line has a tab, two spaces in a row or a space at its end (inside quotes too): without them
   * it has neither a terminal's wrap to join nor blanks to collapse. Seen as the words are split,
   * instead of by a pattern run over every rule line once more.
   */
  readonly unevenBlanks: boolean;
  private readonly id: number;

  /**
   * The line is `line[lineStart, lineEnd)`: `line` may be the whole file. A reader passes the file's
   * text and the line's place in it rather than the line: a line split off a file is a slice of the
   * file's text, and reading a slice character by character costs about a fifth more than reading
   * the text it was cut from. `columnOffset` is the column of `line[lineStart]`.
   */
  constructor(
    readonly line: string,
    private readonly columnOffset = 1,
    private readonly vocabulary: Vocabulary = NO_WORDS,
    private readonly lineStart = 0,
    lineEnd = line.length,
  ) {
    this.id = ++owner;
    // A huge line's buffers are not kept for the lines after it.
    if (spans.length > 64 * SMALL_SPANS) spans = new Int32Array(SMALL_SPANS);
    for (let k = 0; k < quotedCount; k++) quotedTexts[k] = undefined;
    quotedCount = 0;
    let count = 0;
    let unterminatedQuote: number | undefined;
    let uneven = false;
    const text = line;
    const n = lineEnd;
    let i = lineStart;
    while (i < n) {
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (!isSpace(c)) break;
        if (isUnevenBlank(c, text, i, n)) uneven = true;
      }
      if (i >= n) break;
      const start = i;
      let quoted = -1;
      while (i < n && isPlain(text.charCodeAt(i))) i++;
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
            } else {
              if (isUnevenBlank(c, text, i, n)) uneven = true;
              i++;
            }
          }
          word += text.slice(from, i);
          if (closed) i++;
          else unterminatedQuote ??= quoteAt - lineStart + columnOffset;
        }
        quoted = quotedCount++;
        quotedTexts[quoted] = word;
      }
      if (3 * count + 3 > spans.length) {
        const larger = new Int32Array(2 * spans.length);
        larger.set(spans);
        spans = larger;
      }
      spans[3 * count] = start;
      spans[3 * count + 1] = i;
      spans[3 * count + 2] = quoted;
      count++;
    }
    this.length = count;
    this.unterminatedQuote = unterminatedQuote;
    this.unevenBlanks = uneven;
  }

  /** The word's text (quotes removed); a word of the vocabulary comes as the vocabulary's string. */
  text(i: number): string {
    const at = this.at(i);
    const quoted = spans[at + 2]!;
    if (quoted >= 0) return quotedTexts[quoted]!;
    const start = spans[at]!;
    const end = spans[at + 1]!;
    return this.vocabulary.find(this.line, start, end) ?? this.line.slice(start, end);
  }

  /** 1-based column of the word's first character in the original line. */
  column(i: number): number {
    return spans[this.at(i)]! - this.lineStart + this.columnOffset;
  }

  /** Quoted words are always values, even when they start with `-` or are `!`. */
  quoted(i: number): boolean {
    return spans[this.at(i) + 2]! >= 0;
  }

  /** `--dport`, `-s`, `--ctstate`: an unquoted word that starts with `-` and is not a negative number. */
  isOption(i: number): boolean {
    if (i >= this.length) return false;
    const at = this.at(i);
    const start = spans[at]!;
    if (spans[at + 2]! >= 0 || spans[at + 1]! - start < 2 || this.line.charCodeAt(start) !== 0x2d) return false;
    const second = this.line.charCodeAt(start + 1);
    return !(second >= 0x30 && second <= 0x39);
  }

  /** The unquoted `!` that negates the option after it (or, in the old syntax, the value after it). */
  isBang(i: number): boolean {
    if (i >= this.length) return false;
    const at = this.at(i);
    const start = spans[at]!;
    return spans[at + 2]! < 0 && spans[at + 1]! - start === 1 && this.line.charCodeAt(start) === 0x21;
  }

  /** Where word `i`'s numbers are in `spans`. */
  private at(i: number): number {
    if (this.id !== owner) throw new Error('the words of a line were read after the next line was split');
    if (!(i >= 0 && i < this.length)) throw new RangeError(`no word ${i} in a line of ${this.length}`);
    return 3 * i;
  }
}
