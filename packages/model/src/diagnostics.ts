import type { Diagnostic, DiagnosticSeverity, InlineSuppression, LineAccounting } from './types.js';

type LineState = 0 | 1 | 2 | 3; // unaccounted, recognised, ignored, reported

/**
 * Keeps each input line in exactly one state — recognised, deliberately ignored, or reported with a
 * diagnostic — so a parser can prove that nothing was dropped silently. Lines are 1-based.
 */
export class LineLedger {
  readonly file: string;
  readonly diagnostics: Diagnostic[] = [];
  private readonly states: Uint8Array;

  constructor(file: string, lineCount: number) {
    this.file = file;
    this.states = new Uint8Array(lineCount + 1);
  }

  get lineCount(): number {
    return this.states.length - 1;
  }

  recognise(line: number): void {
    if (this.states[line] === 0) this.states[line] = 1;
  }

  ignore(line: number): void {
    if (this.states[line] === 0) this.states[line] = 2;
  }

  /** Reports a line: it counts as reported whatever it was marked before. */
  report(line: number, severity: DiagnosticSeverity, code: string, message: string, column?: number): void {
    if (line >= 1 && line < this.states.length) this.states[line] = 3;
    const d: Diagnostic = { file: this.file, line, severity, code, message };
    if (column !== undefined) d.column = column;
    this.diagnostics.push(d);
  }

  /** A diagnostic about a line that otherwise stays as it was (a partly supported rule). */
  note(line: number, severity: DiagnosticSeverity, code: string, message: string): void {
    this.diagnostics.push({ file: this.file, line, severity, code, message });
  }

  /** Counts the lines; any line nobody accounted for is reported now, so none goes missing. */
  account(): LineAccounting {
    const counts = [0, 0, 0, 0];
    for (let line = 1; line < this.states.length; line++) {
      if (this.states[line] === 0) {
        this.report(line, 'warning', 'unrecognised-line', 'line was not understood');
      }
      counts[this.states[line] as LineState]! += 1;
    }
    return { total: this.lineCount, recognised: counts[1]!, ignored: counts[2]!, reported: counts[3]! };
  }
}

/** Splits text into lines the way editors number them (`\n`, `\r\n`, a lone `\r`); a final newline adds no line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The number of lines `splitLines` would give, without making them. */
export function lineCount(text: string): number {
  let count = 1;
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 10 || c === 13) count++;
    }
  }
  return count > 1 && (text.endsWith('\n') || text.endsWith('\r')) ? count - 1 : count;
}

/**
 * The lines `splitLines` gives, handed to `each` one at a time with their 1-based number and where
 * they start in `text`, without a list of them all (a kube-proxy dump is hundreds of thousands of
 * lines, and the reader wants their places in the text as well). Returns how many lines there were.
 */
export function eachLine(text: string, each: (line: string, n: number, at: number) => void): number {
  // The next `\r` at or after `at` (text.length when there is none): most files have none, and
  // looking for one at every line would read the rest of such a file each time.
  let cr = -1;
  let at = 0;
  let n = 0;
  for (;;) {
    if (cr < at) {
      cr = text.indexOf('\r', at);
      if (cr < 0) cr = text.length;
    }
    let end = text.indexOf('\n', at);
    if (end < 0 || end > cr) end = cr;
    each(text.slice(at, end), ++n, at);
    if (end >= text.length) return n;
    at = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
    // A final line break ends the last line; no empty line follows it.
    if (at >= text.length) return n;
  }
}

const SUPPRESSION = /portcullis-ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)(?:\s+until\s+(\S+))?\s*(?:--\s*(.*))?$/;

/**
 * Reads `portcullis-ignore <rule-id>[,<rule-id>] [until YYYY-MM-DD] -- <reason>` out of a comment's
 * text (the comment marker already removed or not: the phrase is found anywhere in it).
 */
export function parseSuppression(comment: string, file: string, line: number): InlineSuppression | undefined {
  // Nearly every comment is something else (kube-proxy comments each of its rules): skip the pattern.
  if (!comment.includes('portcullis-ignore')) return undefined;
  const m = SUPPRESSION.exec(comment.trim());
  if (!m) return undefined;
  const s: InlineSuppression = { rules: m[1]!.split(',').map((r) => r.trim()), line, file };
  if (m[2] !== undefined) s.until = m[2];
  const reason = m[3]?.trim();
  if (reason) s.reason = reason;
  return s;
}
