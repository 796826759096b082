import { parseSuppression, type InlineSuppression, type LineLedger } from '@portcullis/model';

/*
 * The shape every Cisco configuration shares: top-level commands at column 1, their sub-commands
 * indented below them, `!` comment lines between sections. This reader turns lines into sections
 * (a head and its indented children) and deals with what is not a command at all: blank lines,
 * comments, delimited banners and certificate data (ignored, with suppressions read from comments).
 */

export interface ConfigLine {
  /** 1-based line number. */
  line: number;
  /** 1-based column of the first word. */
  column: number;
  indent: number;
  /** The line without its indentation and trailing blanks. */
  text: string;
  words: string[];
}

export interface Section {
  head: ConfigLine;
  /** Indented lines below the head, in order (comments and blank lines left out). */
  children: ConfigLine[];
}

export interface ReaderOptions {
  /**
   * IOS banners run from a delimiter character (`^C`, `#`, …) to its next occurrence, over several
   * lines; ASA banners are one line each.
   */
  delimitedBanners: boolean;
  /** Characters that start a comment line: `!` for both, `:` too for ASA (`: Saved`). */
  commentMarkers: string;
}

export interface ReadSections {
  sections: Section[];
  suppressions: InlineSuppression[];
}

/** How far a banner or certificate may run looking for its end before we give up and read on. */
const MAX_BLOCK_LINES = 5000;

export function splitWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text[i] : ' ';
    if (c === ' ' || c === '\t') {
      if (start >= 0) words.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  return words;
}

function toConfigLine(n: number, raw: string): ConfigLine {
  let indent = 0;
  while (indent < raw.length && (raw[indent] === ' ' || raw[indent] === '\t')) indent++;
  const text = raw.slice(indent).trimEnd();
  return { line: n, column: indent + 1, indent, text, words: splitWords(text) };
}

export function readSections(file: string, lines: readonly string[], ledger: LineLedger, options: ReaderOptions): ReadSections {
  const sections: Section[] = [];
  const suppressions: InlineSuppression[] = [];
  let current: Section | undefined;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = i === 0 && lines[0]!.startsWith('\uFEFF') ? lines[0]!.slice(1) : lines[i]!;
    const cl = toConfigLine(n, raw);
    if (cl.text === '') {
      ledger.ignore(n);
      continue;
    }
    if (options.commentMarkers.includes(cl.text[0]!)) {
      ledger.ignore(n);
      const s = parseSuppression(cl.text.slice(1), file, n);
      if (s) suppressions.push(s);
      continue;
    }
    const first = cl.words[0]!.toLowerCase();
    if (options.delimitedBanners && cl.indent === 0 && first === 'banner') {
      const end = bannerEnd(lines, i, cl);
      if (end !== undefined) {
        for (let j = i; j <= end; j++) ledger.ignore(j + 1);
        i = end;
        current = undefined;
        continue;
      }
    }
    if (first === 'certificate') {
      // Hex data up to `quit`: IOS and ASA print a certificate's bytes this way, at any indentation.
      const end = findQuit(lines, i);
      if (end !== undefined) {
        for (let j = i; j <= end; j++) ledger.ignore(j + 1);
        i = end;
        continue;
      }
    }
    if (cl.indent === 0 && first === 'exit') {
      ledger.ignore(n);
      current = undefined;
      continue;
    }
    if (cl.indent > 0 && current) {
      current.children.push(cl);
      continue;
    }
    current = { head: cl, children: [] };
    sections.push(current);
  }
  return { sections, suppressions };
}

/**
 * The last line of a delimited banner starting on line index `at`: `banner motd ^C … ^C`, where the
 * delimiter is `^C` (as `show running-config` prints ETX), a real ETX, or the first character after
 * the banner type. Undefined when the banner never ends; the caller then reads on as usual.
 */
function bannerEnd(lines: readonly string[], at: number, cl: ConfigLine): number | undefined {
  // `banner [type] DELIM…`: the type is optional (`banner ^C…` is the motd banner).
  const afterBanner = cl.text.slice(6).trimStart();
  let rest = afterBanner;
  const typeEnd = rest.search(/[ \t]/);
  const typeWord = typeEnd < 0 ? rest : rest.slice(0, typeEnd);
  if (/^[a-z][a-z-]*$/i.test(typeWord)) rest = typeEnd < 0 ? '' : rest.slice(typeEnd).trimStart();
  if (rest === '') return at;
  const delimiter = rest.startsWith('^C') ? '^C' : rest[0]!;
  const body = rest.slice(delimiter.length);
  if (body.includes(delimiter)) return at;
  for (let j = at + 1; j < lines.length && j - at <= MAX_BLOCK_LINES; j++) {
    if (lines[j]!.includes(delimiter)) return j;
  }
  return undefined;
}

function findQuit(lines: readonly string[], at: number): number | undefined {
  for (let j = at + 1; j < lines.length && j - at <= MAX_BLOCK_LINES; j++) {
    const t = lines[j]!.trim();
    if (t === 'quit') return j;
    // Certificate data is hex words only; anything else means this was no certificate block.
    if (t !== '' && !/^[0-9A-Fa-f]{1,8}( [0-9A-Fa-f]{1,8}){0,16}$/.test(t)) return undefined;
  }
  return undefined;
}

/** The text after the first `count` words of a line (a description, a remark). */
export function restAfter(cl: ConfigLine, count: number): string {
  let text = cl.text;
  for (let k = 0; k < count; k++) {
    text = text.trimStart();
    const sp = text.search(/[ \t]/);
    text = sp < 0 ? '' : text.slice(sp);
  }
  return text.trim();
}
