import {
  append,
  LineLedger,
  lineCount,
  parseSuppression,
  splitLines,
  type Device,
  type Diagnostic,
  type DiagnosticSeverity,
  type InlineSuppression,
  type InputFile,
  type ParseResult,
} from '@portcullis/model';

/** A place in an input file: 1-based lines, the first line's column, the last line. */
export interface Span {
  line: number;
  column?: number;
  endLine: number;
}

/** Where a diagnostic goes: a file and a line. */
export interface At {
  file: string;
  line: number;
  column?: number;
}

/**
 * Diagnostics for the converters, which do not know the files' ledgers: `report` marks the line as
 * reported (the construct was not understood), `note` leaves the line as it was (it was, in part).
 */
export interface Reporter {
  report(at: At, severity: DiagnosticSeverity, code: string, message: string): void;
  note(at: At, severity: DiagnosticSeverity, code: string, message: string): void;
}

/**
 * Diagnostics held back and given to another reporter later, in the order they came: a reader that
 * converts each piece of a document as soon as it has read it still reports in the order of reading
 * everything first and converting after (the order diagnostics on one line keep in the report).
 */
export class HeldReports implements Reporter {
  private readonly held: { note: boolean; at: At; severity: DiagnosticSeverity; code: string; message: string }[] = [];

  report(at: At, severity: DiagnosticSeverity, code: string, message: string): void {
    this.held.push({ note: false, at, severity, code, message });
  }

  note(at: At, severity: DiagnosticSeverity, code: string, message: string): void {
    this.held.push({ note: true, at, severity, code, message });
  }

  /** Gives every held diagnostic to `to`, and forgets them. */
  release(to: Reporter): void {
    for (const d of this.held) {
      if (d.note) to.note(d.at, d.severity, d.code, d.message);
      else to.report(d.at, d.severity, d.code, d.message);
    }
    this.held.length = 0;
  }
}

/**
 * The ledgers of the files one parse reads (one file, or a Terraform folder), their suppressions,
 * and the result they make. Every reader marks the lines it used, ignored on purpose, or reported;
 * `finish` accounts for the rest.
 */
/**
 * A position the readers give past the last line — the end of a file that ends with a line break,
 * where an unclosed `{` or `[` is found — is on the last line, as `splitLines` counts them.
 */
function onALine(line: number, ledger: LineLedger): number {
  return Math.max(1, Math.min(line, ledger.lineCount));
}

export class Inputs implements Reporter {
  private readonly ledgers = new Map<string, LineLedger>();
  /** Each file's text, split into lines only when a reader asks for them (most need only the count). */
  private readonly texts = new Map<string, string>();
  private readonly lines = new Map<string, string[]>();
  private readonly order: string[] = [];
  private readonly suppressions: InlineSuppression[] = [];
  private readonly loose: Diagnostic[] = [];

  add(file: InputFile): void {
    if (!this.ledgers.has(file.path)) this.order.push(file.path);
    this.ledgers.set(file.path, new LineLedger(file.path, lineCount(file.text)));
    this.texts.set(file.path, file.text);
    this.lines.delete(file.path);
  }

  ledger(file: string): LineLedger | undefined {
    return this.ledgers.get(file);
  }

  textLines(file: string): string[] {
    let lines = this.lines.get(file);
    if (!lines) {
      const text = this.texts.get(file);
      if (text === undefined) return [];
      this.lines.set(file, (lines = splitLines(text)));
    }
    return lines;
  }

  recognise(file: string, span: Span): void {
    const ledger = this.ledgers.get(file);
    if (ledger) for (let l = span.line; l <= span.endLine; l++) ledger.recognise(l);
  }

  ignore(file: string, span: Span): void {
    const ledger = this.ledgers.get(file);
    if (ledger) for (let l = span.line; l <= span.endLine; l++) ledger.ignore(l);
  }

  /** Marks every line of a file that is still unaccounted for as deliberately ignored. */
  ignoreRest(file: string): void {
    const ledger = this.ledgers.get(file);
    if (ledger) for (let l = 1; l <= ledger.lineCount; l++) ledger.ignore(l);
  }

  report(at: At, severity: DiagnosticSeverity, code: string, message: string): void {
    const ledger = this.ledgers.get(at.file);
    if (ledger) ledger.report(onALine(at.line, ledger), severity, code, message, at.column);
    else this.loose.push({ file: at.file, line: at.line, severity, code, message });
  }

  note(at: At, severity: DiagnosticSeverity, code: string, message: string): void {
    const ledger = this.ledgers.get(at.file);
    if (ledger) ledger.note(onALine(at.line, ledger), severity, code, message);
    else this.loose.push({ file: at.file, line: at.line, severity, code, message });
  }

  /** A comment's text (marker included or not): a suppression if it holds one. */
  comment(file: string, line: number, text: string): void {
    const s = parseSuppression(text, file, line);
    if (s) this.suppressions.push(s);
  }

  /**
   * Suppressions in a format whose comments start with `#` and which the loader drops (YAML): a `#`
   * at the start of a line or after a blank, as long as no quote was opened before it on the line.
   */
  hashComments(file: string): void {
    if (!this.texts.get(file)?.includes('portcullis-ignore')) return;
    this.textLines(file).forEach((text, i) => {
      if (!text.includes('portcullis-ignore')) return;
      const hash = commentStart(text);
      if (hash >= 0) this.comment(file, i + 1, text.slice(hash + 1));
    });
  }

  finish(devices: Device[]): ParseResult {
    const diagnostics: Diagnostic[] = [...this.loose];
    const files: { path: string; lines: ParseResult['lines'] }[] = [];
    const total = { total: 0, recognised: 0, ignored: 0, reported: 0 };
    for (const path of this.order) {
      const ledger = this.ledgers.get(path)!;
      const lines = ledger.account();
      append(diagnostics, ledger.diagnostics);
      files.push({ path, lines });
      total.total += lines.total;
      total.recognised += lines.recognised;
      total.ignored += lines.ignored;
      total.reported += lines.reported;
    }
    diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
    const result: ParseResult = {
      devices,
      diagnostics,
      lines: total,
      suppressions: this.suppressions.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
    };
    if (this.order.length > 1) result.files = files;
    return result;
  }
}

/** The index of the `#` that starts a comment on a line, or -1. */
function commentStart(text: string): number {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) return i;
  }
  return -1;
}
