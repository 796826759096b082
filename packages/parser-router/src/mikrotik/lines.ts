/*
 * RouterOS export syntax, independent of what the menus mean.
 *
 *   # 2026-01-21 01:17:52 by RouterOS 7.21          comments
 *   /ip firewall filter                              a menu path on its own line (sectioned style)
 *   add action=accept chain=input \                  a command; `\` at the end continues the line
 *       protocol=icmp
 *   /ip firewall nat add action=dst-nat chain=dstnat  path and command on one line (one-line style)
 *
 * Commands are split into words: `key=value` arguments (values unquoted or "quoted" with RouterOS
 * escapes), `[ find … ]` selectors and plain words. Every scan is one pass, so a long or hostile
 * line costs its length.
 */

/** A command as it spans the file: one or more physical lines joined. */
export interface LogicalLine {
  text: string;
  line: number;
  endLine: number;
  /** Where each physical line's content starts in `text`, to give columns. */
  segments: { offset: number; line: number; column: number }[];
}

/** Joins continuation lines (an odd number of backslashes at the end continues the command). */
export function logicalLines(lines: readonly string[]): { logical: LogicalLine[]; comments: { line: number; text: string }[]; blank: number[] } {
  const logical: LogicalLine[] = [];
  const comments: { line: number; text: string }[] = [];
  const blank: number[] = [];
  let current: LogicalLine | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    let content: string;
    let column: number;
    if (current) {
      const start = raw.length - raw.trimStart().length;
      content = raw.slice(start);
      column = start + 1;
    } else {
      const start = raw.length - raw.trimStart().length;
      content = raw.slice(start);
      column = start + 1;
      if (content.trim() === '') {
        blank.push(line);
        continue;
      }
      if (content.startsWith('#')) {
        comments.push({ line, text: content.slice(1) });
        continue;
      }
    }
    let trailing = 0;
    for (let k = content.length - 1; k >= 0 && content[k] === '\\'; k--) trailing++;
    const continues = trailing % 2 === 1;
    if (continues) content = content.slice(0, -1);
    if (!current) current = { text: '', line, endLine: line, segments: [] };
    current.segments.push({ offset: current.text.length, line, column });
    current.text += content;
    current.endLine = line;
    if (!continues) {
      logical.push(current);
      current = undefined;
    }
  }
  if (current) logical.push(current);
  return { logical, comments, blank };
}

/** The physical line and column of an offset in a logical line. */
export function position(l: LogicalLine, offset: number): { line: number; column: number } {
  // The last segment that starts at or before the offset (binary search: a command may span many lines).
  let lo = 0;
  let hi = l.segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (l.segments[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  const seg = l.segments[lo]!;
  return { line: seg.line, column: seg.column + (offset - seg.offset) };
}

export interface Word {
  /** The word with quotes removed and escapes decoded. */
  text: string;
  /** For `key=value` words: the key and the decoded value. */
  key?: string;
  value?: string;
  /** `[ find … ]`. */
  selector?: boolean;
  offset: number;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', _: ' ', '"': '"', '\\': '\\', $: '$', '?': '?' };

/** Splits a command into words. Undefined `error` means it was read to its end. */
export function words(text: string, from = 0): { words: Word[]; error?: { offset: number; message: string } } {
  const out: Word[] = [];
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const start = i;
    if (c === '[') {
      // A selector such as `[ find default-name=ether1 ]`, possibly with quotes and nested brackets.
      let depth = 0;
      let inQuote = false;
      for (; i < n; i++) {
        const d = text[i]!;
        if (inQuote) {
          if (d === '\\') i++;
          else if (d === '"') inQuote = false;
        } else if (d === '"') inQuote = true;
        else if (d === '[') depth++;
        else if (d === ']' && --depth === 0) {
          i++;
          break;
        }
      }
      if (depth !== 0 || inQuote) return { words: out, error: { offset: start, message: 'unbalanced [ ] selector' } };
      out.push({ text: text.slice(start, i), selector: true, offset: start });
      continue;
    }
    let decoded = '';
    let key: string | undefined;
    while (i < n) {
      const d = text[i]!;
      if (d === ' ' || d === '\t') break;
      if (d === '=' && key === undefined) {
        key = decoded;
        decoded = '';
        i++;
        continue;
      }
      if (d === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const e = text[i]!;
          if (e === '\\' && i + 1 < n) {
            const next = text[i + 1]!;
            const hex = /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3)) ? text.slice(i + 1, i + 3) : undefined;
            if (ESCAPES[next] !== undefined) {
              decoded += ESCAPES[next];
              i += 2;
            } else if (hex !== undefined) {
              decoded += String.fromCharCode(parseInt(hex, 16));
              i += 3;
            } else {
              decoded += next;
              i += 2;
            }
          } else if (e === '"') {
            closed = true;
            i++;
            break;
          } else {
            decoded += e;
            i++;
          }
        }
        if (!closed) return { words: out, error: { offset: start, message: 'unterminated quote' } };
        continue;
      }
      decoded += d;
      i++;
    }
    const word: Word = { text: text.slice(start, i), offset: start };
    if (key !== undefined) {
      word.key = key;
      word.value = decoded;
    } else word.text = decoded;
    out.push(word);
  }
  return { words: out };
}
