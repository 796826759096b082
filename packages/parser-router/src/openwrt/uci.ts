import { parseSuppression, type InlineSuppression, type LineLedger } from '@portcullis/model';

/*
 * The uci file syntax (libuci), independent of what the sections mean:
 *
 *   package firewall
 *   config <type> ['<name>']
 *   	option <name> '<value>'
 *   	list <name> '<value>'
 *   # comment
 *
 * Words are unquoted, 'single quoted' (no escapes; `'\''` is how uci writes a quote) or "double
 * quoted" (backslash escapes); adjacent pieces join into one word, as in a shell. A `#` that starts
 * a word starts a comment. The scan is one pass over each line, so a long or hostile line costs
 * its length.
 */

export interface UciWord {
  text: string;
  /** 1-based column where the word starts. */
  column: number;
}

export interface UciOption {
  kind: 'option' | 'list';
  name: string;
  value: string;
  line: number;
  /** Column of the value. */
  column: number;
}

export interface UciSection {
  type: string;
  name?: string;
  line: number;
  /** The last line that belongs to the section (its last option, or the header). */
  endLine: number;
  options: UciOption[];
}

export interface UciFile {
  sections: UciSection[];
  suppressions: InlineSuppression[];
}

interface LineWords {
  words: UciWord[];
  comment?: string;
  error?: { column: number; message: string };
}

/** Splits one line into words and a trailing comment. */
export function uciWords(line: string): LineWords {
  const words: UciWord[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 35 /* # */) return { words, comment: line.slice(i + 1) };
    const start = i;
    let text = '';
    while (i < n) {
      const ch = line[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') break;
      if (ch === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) return { words, error: { column: i + 1, message: 'unterminated single quote' } };
        text += line.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const d = line[i]!;
          if (d === '\\' && i + 1 < n) {
            const e = line[i + 1]!;
            // libuci keeps a backslash before anything but a quote or a backslash.
            text += e === '"' || e === '\\' ? e : `\\${e}`;
            i += 2;
          } else if (d === '"') {
            closed = true;
            i++;
            break;
          } else {
            text += d;
            i++;
          }
        }
        if (!closed) return { words, error: { column: start + 1, message: 'unterminated double quote' } };
      } else if (ch === '\\' && i + 1 < n) {
        text += line[i + 1];
        i += 2;
      } else {
        text += ch;
        i++;
      }
    }
    words.push({ text, column: start + 1 });
  }
  return { words };
}

/**
 * Reads the sections of a uci file. Blank and comment lines are ignored (suppressions in comments
 * are collected); `package` lines are recognised; section headers and options are left for the
 * caller to account for, which knows what they mean. Lines that are not uci are reported.
 */
export function readUci(lines: readonly string[], file: string, ledger: LineLedger): UciFile {
  const sections: UciSection[] = [];
  const suppressions: InlineSuppression[] = [];
  let current: UciSection | undefined;
  lines.forEach((text, index) => {
    const line = index + 1;
    const parsed = uciWords(text);
    if (parsed.comment !== undefined) {
      const s = parseSuppression(parsed.comment, file, line);
      if (s) suppressions.push(s);
    }
    if (parsed.error) {
      ledger.report(line, 'warning', 'invalid-value', `${parsed.error.message}: the line is not read`, parsed.error.column);
      return;
    }
    const w = parsed.words;
    if (w.length === 0) {
      ledger.ignore(line);
      return;
    }
    const keyword = w[0]!.text;
    if (keyword === 'package') {
      if (w.length === 2) ledger.recognise(line);
      else ledger.report(line, 'warning', 'unrecognised-line', "expected 'package NAME'", w[0]!.column);
      return;
    }
    if (keyword === 'config') {
      if (w.length < 2 || w.length > 3 || w[1]!.text === '') {
        ledger.report(line, 'warning', 'unrecognised-line', "expected 'config TYPE [NAME]'", w[0]!.column);
        current = undefined;
        return;
      }
      current = { type: w[1]!.text, line, endLine: line, options: [] };
      if (w.length === 3) current.name = w[2]!.text;
      sections.push(current);
      return;
    }
    if (keyword === 'option' || keyword === 'list') {
      if (w.length !== 3 || w[1]!.text === '') {
        const what = w.length < 3 ? 'a name and a value' : 'one value (quote a value that has spaces)';
        ledger.report(line, 'warning', 'invalid-value', `'${keyword}' needs ${what}`, w[0]!.column);
        if (current) current.endLine = line;
        return;
      }
      if (!current) {
        ledger.report(line, 'warning', 'unrecognised-line', `'${keyword} ${w[1]!.text}' is outside any 'config' section`, w[0]!.column);
        return;
      }
      current.options.push({ kind: keyword, name: w[1]!.text, value: w[2]!.text, line, column: w[2]!.column });
      current.endLine = line;
      return;
    }
    ledger.report(line, 'warning', 'unrecognised-line', `'${keyword}' is not uci syntax: expected config, option, list or package`, w[0]!.column);
  });
  return { sections, suppressions };
}
