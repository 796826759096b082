import { append, type DiagnosticSeverity } from '@portcullis/model';

/*
 * Junos configurations come in two syntaxes: `set` commands (`show configuration | display set`)
 * and the hierarchical `{ }` form (`show configuration`). Both are read here into one list of
 * statements, each the full path of words from the top of the hierarchy, as `display set` would
 * print it: `security { policies { from-zone a to-zone b { policy p { then permit; } } } }`
 * becomes `security policies from-zone a to-zone b policy p then permit`. Every word keeps its
 * own line, so a policy's origin is its `policy p {` line in one syntax and its first `set` line
 * in the other.
 */

export interface Word {
  text: string;
  line: number;
  column: number;
  /** `inactive:` (hierarchical) or `deactivate` (set) applies here and to everything below. */
  inactive: boolean;
}

export interface Statement {
  words: Word[];
  /** The lines of the statement's own tokens (a leaf in the hierarchy; a `set` command). */
  line: number;
  endLine: number;
  column: number;
  /** Removed by a later `delete` command: read, but without effect. */
  removed?: boolean;
}

/** A `{ … }` block: its header line, its closing line, and the statements inside it. */
export interface Block {
  line: number;
  /** The line of the `{` (the header's line unless the brace is on a line of its own). */
  braceLine: number;
  endLine: number;
  first: number;
  end: number;
}

export interface Comment {
  line: number;
  endLine: number;
  text: string;
}

export interface StatementProblem {
  line: number;
  column?: number;
  severity: DiagnosticSeverity;
  code: string;
  message: string;
  /** True when the line is not understood (it counts as reported), false for a note on a line that was. */
  report: boolean;
}

export interface StatementList {
  statements: Statement[];
  blocks: Block[];
  comments: Comment[];
  /** Lines of `deactivate`, `activate`, `delete`, `annotate`, `protect` commands: understood, nothing to model. */
  commandLines: { line: number; recognised: boolean }[];
  problems: StatementProblem[];
  syntax: { set: number; hierarchical: number };
}

type TokenKind = 'word' | '{' | '}' | ';' | '[' | ']' | 'newline' | 'comment';

interface Token {
  kind: TokenKind;
  text: string;
  quoted: boolean;
  line: number;
  column: number;
  endLine: number;
}

/** Splits the text into tokens in one pass; quoted strings and block comments may span lines. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const push = (kind: TokenKind, value: string, quoted: boolean, startLine: number, startCol: number): void => {
    tokens.push({ kind, text: value, quoted, line: startLine, column: startCol, endLine: line });
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n' || c === '\r') {
      push('newline', '', false, line, i - lineStart + 1);
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const startLine = line;
    const startCol = i - lineStart + 1;
    if (c === '{' || c === '}' || c === ';' || c === '[' || c === ']') {
      push(c, c, false, startLine, startCol);
      i++;
      continue;
    }
    if (c === '#') {
      let j = i;
      while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
      push('comment', text.slice(i + 1, j), false, startLine, startCol);
      i = j;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let j = i + 2;
      while (j < n && !(text[j] === '*' && text[j + 1] === '/')) {
        // A line break that ends the file starts no line (as splitLines counts them).
        if ((text[j] === '\n' || (text[j] === '\r' && text[j + 1] !== '\n')) && j + 1 < n) {
          line++;
          lineStart = j + 1;
        }
        j++;
      }
      push('comment', text.slice(i + 2, j), false, startLine, startCol);
      i = Math.min(n, j + 2);
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < n && text[j] !== '"') {
        const d = text[j]!;
        if (d === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if ((d === '\n' || (d === '\r' && text[j + 1] !== '\n')) && j + 1 < n) {
          line++;
          lineStart = j + 1;
        }
        value += d;
        j++;
      }
      push('word', value, true, startLine, startCol);
      i = Math.min(n, j + 1);
      continue;
    }
    let j = i;
    while (j < n) {
      const d = text[j]!;
      if (d === ' ' || d === '\t' || d === '\n' || d === '\r' || d === '{' || d === '}' || d === ';' || d === '[' || d === ']' || d === '"') break;
      j++;
    }
    push('word', text.slice(i, j), false, startLine, startCol);
    i = j;
  }
  return tokens;
}

/** Commands of a `set` file (`load set`); the first four change the configuration, the rest are named to be reported. */
const SET_COMMANDS = new Set([
  'set', 'deactivate', 'activate', 'delete', 'annotate', 'protect', 'unprotect',
  'insert', 'rename', 'copy', 'edit', 'top', 'up', 'exit', 'quit', 'commit', 'run', 'load', 'show', 'rollback', 'wildcard',
]);
/** Prefixes `show configuration` prints before a statement. */
const PREFIXES = new Set(['inactive:', 'protect:', 'replace:', 'delete:', 'active:']);
/** The most words a block header is read with, and the deepest blocks whose names are read. */
const MAX_BLOCK_WORDS = 32;
const MAX_BLOCK_DEPTH = 64;
/** At most this many statements from one line's `[ … ]` lists. */
const MAX_EXPANSION = 4096;
/**
 * At most this many words in all the statements of one line's lists: a line of a thousand lists of
 * a thousand words each would otherwise make 4,096 statements of a thousand words (a fuzzed 14 KB
 * line took 12 s and gigabytes).
 */
const MAX_EXPANDED_WORDS = MAX_EXPANSION * 64;

type Element = Word | Word[];

interface Pending {
  elements: Element[];
  line: number;
  column: number;
  endLine: number;
  list?: Word[];
  /** The statement went on past a line end without `;`. */
  brokenAt?: number;
  inactive: boolean;
  deleted: boolean;
}

interface Frame {
  words: Word[];
  line: number;
  braceLine: number;
  first: number;
}

interface SetCommand {
  verb: string;
  words: Word[];
  line: number;
}

/** Reads a configuration in either syntax (or both, mixed) into statements. Never throws. */
export function readStatements(text: string): StatementList {
  const out: StatementList = { statements: [], blocks: [], comments: [], commandLines: [], problems: [], syntax: { set: 0, hierarchical: 0 } };
  const tokens = tokenize(text);
  const stack: Frame[] = [];
  const commands: { command: SetCommand; index: number }[] = [];
  let pending: Pending | undefined;
  let setCommand: { verb: Token; elements: Element[]; endLine: number; list?: Word[] } | undefined;

  const problem = (line: number, column: number | undefined, severity: DiagnosticSeverity, code: string, message: string, report: boolean): void => {
    const p: StatementProblem = { line, severity, code, message, report };
    if (column !== undefined) p.column = column;
    out.problems.push(p);
  };
  const toWord = (t: Token): Word => ({ text: t.text, line: t.line, column: t.column, inactive: false });
  // Every statement inside a block starts with the words of the blocks around it: computed again only
  // when a block with words opens or closes, not once per statement nor per nameless block (15,000
  // nameless blocks nested in one line made it quadratic: 5 s for 77 KB).
  let prefix: Word[] | undefined;
  // Blocks deeper than MAX_BLOCK_DEPTH have no words.
  const prefixWords = (): Word[] => (prefix ??= stack.slice(0, MAX_BLOCK_DEPTH).flatMap((f) => f.words));

  const emit = (p: Pending): void => {
    out.syntax.hierarchical++;
    // At the top level a line without `;` is more likely not Junos at all: what it says is enough.
    if (p.brokenAt !== undefined && stack.length > 0) {
      problem(p.brokenAt, undefined, 'warning', 'missing-semicolon', 'statement continues on the next line without a `;`; read up to the line end', false);
    }
    if (p.deleted) return;
    const { paths: words, total } = expand(p.elements);
    if (words.length === 0) {
      // `foo [ ];` — nothing to state, but the line was read.
      const plain = p.elements.filter((e): e is Word => !Array.isArray(e));
      if (plain.length > 0) out.statements.push({ words: [...prefixWords(), ...plain], line: p.line, endLine: p.endLine, column: p.column });
      return;
    }
    if (words.length < total) problem(p.line, p.column, 'warning', 'unrecognised-line', tooMany(total, words.length), true);
    const prefix = prefixWords();
    for (const w of words) {
      if (p.inactive && w[0]) w[0] = { ...w[0], inactive: true };
      out.statements.push({ words: [...prefix, ...w], line: p.line, endLine: p.endLine, column: p.column });
    }
  };

  const finishSet = (): void => {
    if (!setCommand) return;
    const { verb, elements, endLine } = setCommand;
    setCommand = undefined;
    out.syntax.set++;
    if (verb.text === 'set') {
      if (elements.length === 0) {
        problem(verb.line, verb.column, 'warning', 'unrecognised-line', '`set` without a statement', true);
        return;
      }
      const { paths, total } = expand(elements);
      if (paths.length < total) problem(verb.line, verb.column, 'warning', 'unrecognised-line', tooMany(total, paths.length), true);
      for (const words of paths) out.statements.push({ words, line: verb.line, endLine, column: verb.column });
      return;
    }
    const words = elements.filter((e): e is Word => !Array.isArray(e));
    switch (verb.text) {
      case 'deactivate':
      case 'activate':
      case 'delete':
        if (words.length === 0) {
          problem(verb.line, verb.column, 'warning', 'unrecognised-line', `\`${verb.text}\` without a statement`, true);
          return;
        }
        commands.push({ command: { verb: verb.text, words, line: verb.line }, index: out.statements.length });
        out.commandLines.push({ line: verb.line, recognised: true });
        return;
      case 'annotate':
      case 'protect':
      case 'unprotect':
        out.commandLines.push({ line: verb.line, recognised: false });
        return;
      default:
        problem(verb.line, verb.column, 'warning', 'unsupported-command', `\`${verb.text}\` is not read: only set, deactivate, activate and delete change what Portcullis sees`, true);
    }
  };

  const closePending = (): void => {
    if (pending && pending.elements.length > 0) emit(pending);
    pending = undefined;
  };

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'comment') {
      out.comments.push({ line: t.line, endLine: t.endLine, text: t.text });
      continue;
    }
    if (setCommand) {
      if (t.kind === 'newline') {
        if (!setCommand.list) finishSet();
        continue;
      }
      if (t.kind === 'word') {
        const w = toWord(t);
        if (setCommand.list) setCommand.list.push(w);
        else setCommand.elements.push(w);
      } else if (t.kind === '[' && !setCommand.list) setCommand.list = [];
      else if (t.kind === ']' && setCommand.list) {
        setCommand.elements.push(setCommand.list);
        delete setCommand.list;
      } else if (t.kind !== ';') {
        problem(t.line, t.column, 'warning', 'unrecognised-line', `unexpected '${t.text}' in a \`${setCommand.verb.text}\` command`, true);
      }
      setCommand.endLine = t.endLine;
      continue;
    }
    if (t.kind === 'newline') {
      if (pending && pending.elements.length > 0 && !pending.list && pending.brokenAt === undefined) pending.brokenAt = t.line;
      continue;
    }
    // A statement that ran past its line end and is followed by another word: it lacked a `;`.
    if (pending?.brokenAt !== undefined && (t.kind === 'word' || t.kind === ';') && !pending.list) {
      if (t.kind === ';') {
        pending.brokenAt = undefined;
        pending.endLine = t.endLine;
        closePending();
        continue;
      }
      closePending();
    }
    if (t.kind === 'word') {
      if (!pending && stack.length === 0 && !t.quoted && SET_COMMANDS.has(t.text)) {
        setCommand = { verb: t, elements: [], endLine: t.endLine };
        continue;
      }
      pending ??= { elements: [], line: t.line, column: t.column, endLine: t.endLine, inactive: false, deleted: false };
      if (pending.elements.length === 0 && !pending.list && !t.quoted && PREFIXES.has(t.text)) {
        if (t.text === 'inactive:') pending.inactive = true;
        if (t.text === 'delete:') pending.deleted = true;
        continue;
      }
      if (pending.elements.length === 0) {
        pending.line = t.line;
        pending.column = t.column;
      }
      const w = toWord(t);
      if (pending.list) pending.list.push(w);
      else pending.elements.push(w);
      pending.endLine = t.endLine;
      continue;
    }
    if (t.kind === '[') {
      pending ??= { elements: [], line: t.line, column: t.column, endLine: t.endLine, inactive: false, deleted: false };
      if (pending.list) problem(t.line, t.column, 'warning', 'unrecognised-line', 'a list inside a list', true);
      else pending.list = [];
      continue;
    }
    if (t.kind === ']') {
      if (pending?.list) {
        pending.elements.push(pending.list);
        delete pending.list;
        pending.endLine = t.endLine;
      } else problem(t.line, t.column, 'warning', 'unrecognised-line', "']' without '['", true);
      continue;
    }
    if (t.kind === ';') {
      if (pending && pending.elements.length > 0) pending.endLine = t.endLine;
      if (pending?.list) {
        problem(t.line, t.column, 'warning', 'unrecognised-line', "list not closed with ']'", true);
        pending.elements.push(pending.list);
        delete pending.list;
      }
      closePending();
      continue;
    }
    if (t.kind === '{') {
      const p = pending;
      pending = undefined;
      let words: Word[] = [];
      for (const e of p?.elements ?? []) {
        if (Array.isArray(e)) append(words, e);
        else words.push(e);
      }
      if (words.length === 0) problem(t.line, t.column, 'warning', 'unrecognised-line', 'a block without a name', true);
      // Each statement inside repeats the words of every block around it: a block header of thousands
      // of words, or blocks nested thousands deep, would make that cost grow with the file squared.
      if (words.length > MAX_BLOCK_WORDS) {
        problem(p?.line ?? t.line, p?.column, 'warning', 'unrecognised-line', `a block named by ${words.length} words; only the first ${MAX_BLOCK_WORDS} are read`, true);
        words = words.slice(0, MAX_BLOCK_WORDS);
      }
      if (stack.length >= MAX_BLOCK_DEPTH) {
        if (stack.length === MAX_BLOCK_DEPTH) problem(t.line, t.column, 'warning', 'unrecognised-line', `blocks nested more than ${MAX_BLOCK_DEPTH} deep; the names of deeper blocks are not read`, true);
        words = [];
      }
      if (p?.inactive && words[0]) words[0] = { ...words[0], inactive: true };
      stack.push({ words, line: p?.line ?? t.line, braceLine: t.line, first: out.statements.length });
      if (words.length > 0) prefix = undefined;
      out.syntax.hierarchical++;
      continue;
    }
    if (t.kind === '}') {
      if (pending && pending.elements.length > 0 && pending.brokenAt === undefined) {
        problem(pending.line, undefined, 'warning', 'missing-semicolon', 'statement ends at `}` without a `;`', false);
      }
      closePending();
      const frame = stack.pop();
      if (frame && frame.words.length > 0) prefix = undefined;
      if (!frame) {
        problem(t.line, t.column, 'warning', 'unbalanced-brace', "'}' closes no block", true);
        continue;
      }
      if (out.statements.length === frame.first && frame.words.length > 0) {
        // An empty block still states that its element exists (`policy p { }`).
        out.statements.push({ words: [...prefixWords(), ...frame.words], line: frame.line, endLine: frame.line, column: frame.words[0]!.column });
      }
      out.blocks.push({ line: frame.line, braceLine: frame.braceLine, endLine: t.line, first: frame.first, end: out.statements.length });
    }
  }
  if (setCommand) finishSet();
  if (pending && pending.elements.length > 0) {
    if (stack.length > 0 && pending.brokenAt === undefined) problem(pending.line, undefined, 'warning', 'missing-semicolon', 'statement ends at the end of the file without a `;`', false);
    closePending();
  }
  while (stack.length > 0) {
    const frame = stack.pop()!;
    problem(frame.line, undefined, 'warning', 'unclosed-block', 'block is not closed with `}` before the end of the file', false);
    out.blocks.push({ line: frame.line, braceLine: frame.braceLine, endLine: frame.line, first: frame.first, end: out.statements.length });
  }
  applyCommands(out, commands);
  return out;
}

/**
 * `a [ b c ] d` → `a b d`, `a c d`: every choice of one word from each list, the first list's word
 * changing slowest. Only the first MAX_EXPANSION of them, and no more than MAX_EXPANDED_WORDS words in
 * all, are made; `total` is how many there are (Infinity past the largest exact number).
 */
function expand(elements: Element[]): { paths: Word[][]; total: number } {
  const lists = elements.filter((e) => !Array.isArray(e) || e.length > 0);
  if (lists.length === 0) return { paths: [], total: 0 };
  let total = 1;
  for (const e of lists) if (Array.isArray(e)) total *= e.length;
  if (!Number.isSafeInteger(total)) total = Infinity;
  const count = Math.min(total, MAX_EXPANSION, Math.max(1, Math.floor(MAX_EXPANDED_WORDS / lists.length)));
  // Path n picks, from each list, the digit of n in the mixed radix of the list sizes (last list lowest).
  const paths: Word[][] = [];
  for (let n = 0; n < count; n++) {
    const path = new Array<Word>(lists.length);
    let rest = n;
    for (let k = lists.length - 1; k >= 0; k--) {
      const e = lists[k]!;
      if (!Array.isArray(e)) {
        path[k] = e;
        continue;
      }
      path[k] = e[rest % e.length]!;
      rest = Math.floor(rest / e.length);
    }
    paths.push(path);
  }
  return { paths, total };
}

function tooMany(total: number, read: number): string {
  const all = Number.isFinite(total) ? String(total) : 'more than 2^53';
  return `lists expand to ${all} statements; only the first ${read} are read`;
}

const KEY_SEPARATOR = '\u0000';

/**
 * `delete` removes what was set before it; `deactivate` marks a statement and everything below it
 * inactive wherever it appears (`display set` prints it after the statements), `activate` undoes an
 * earlier `deactivate`.
 */
function applyCommands(out: StatementList, commands: { command: SetCommand; index: number }[]): void {
  if (commands.length === 0) return;
  const removed = new Set<Statement>();
  const inactive = new Map<string, number>();
  for (const { command, index } of commands) {
    const key = command.words.map((w) => w.text).join(KEY_SEPARATOR);
    if (command.verb === 'delete') {
      for (let i = 0; i < index; i++) {
        const st = out.statements[i]!;
        if (hasPrefix(st.words, command.words)) removed.add(st);
      }
    } else if (command.verb === 'deactivate') inactive.set(key, command.words.length);
    else inactive.delete(key);
  }
  for (const st of removed) st.removed = true;
  if (inactive.size === 0) return;
  for (const st of out.statements) {
    let key = '';
    for (let k = 0; k < st.words.length; k++) {
      key = k === 0 ? st.words[0]!.text : key + KEY_SEPARATOR + st.words[k]!.text;
      if (inactive.has(key)) {
        st.words = st.words.slice();
        st.words[k] = { ...st.words[k]!, inactive: true };
        break;
      }
    }
  }
}

function hasPrefix(words: Word[], prefix: Word[]): boolean {
  if (prefix.length > words.length) return false;
  for (let i = 0; i < prefix.length; i++) if (words[i]!.text !== prefix[i]!.text) return false;
  return true;
}
