import { append, parseSuppression, splitLines, type InlineSuppression, type LineLedger } from '@portcullis/model';
import { lex, type NftToken } from './lexer.js';
import { ruleText, StatementReader, SyntaxProblem } from './statements.js';
import {
  FAMILIES,
  PRIORITY_NAMES,
  type NftBaseChain,
  type NftChain,
  type NftFamily,
  type NftRule,
  type NftRuleset,
  type NftSet,
  type NftTable,
} from './syntax.js';

/*
 * Reads `nft list ruleset` output (and hand-written `nft -f` files) into the vendor representation:
 * a recursive-descent parser over the tokens for the block structure (tables, chains, sets, maps),
 * handing each rule's tokens to the StatementReader. Every line ends up recognised, ignored (blank,
 * comments, tables of families that filter no IP traffic) or reported; a bad rule or declaration is
 * reported and the parser carries on after it.
 */

/** Families whose tables filter no IP traffic of the host: read, and ignored. */
const NON_IP_FAMILIES = new Set<NftFamily>(['arp', 'bridge']);
/** Table-level objects that decide nothing about which connections get in. */
const IGNORED_OBJECTS = new Set(['counter', 'quota', 'limit', 'ct', 'flowtable', 'secmark', 'synproxy', 'tunnel']);

export interface TextResult {
  ruleset: NftRuleset;
  suppressions: InlineSuppression[];
}

export function readNftText(text: string, ledger: LineLedger): TextResult {
  const source = text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
  const lexed = lex(source);
  const reader = new TextReader(source, substitute(lexed.tokens, ledger), ledger);
  for (const line of lexed.unterminated) ledger.report(line, 'warning', 'unrecognised-line', 'unterminated string');
  reader.file();
  const suppressions: InlineSuppression[] = [];
  for (const c of lexed.comments) {
    ledger.ignore(c.line);
    const s = parseSuppression(c.text, ledger.file, c.line);
    if (s) suppressions.push(s);
  }
  splitLines(source).forEach((l, i) => {
    if (l.trim() === '') ledger.ignore(i + 1);
  });
  for (const rule of reader.rules) {
    if (rule.comment === undefined) continue;
    const s = parseSuppression(rule.comment, ledger.file, rule.line);
    if (s) suppressions.push(s);
  }
  return { ruleset: reader.ruleset, suppressions: suppressions.sort((a, b) => a.line - b.line) };
}

/** `define NAME = value` and `$NAME`: the variables of hand-written files, replaced where they are used. */
function substitute(tokens: NftToken[], ledger: LineLedger): NftToken[] {
  if (!tokens.some((t) => t.kind === 'word' && t.text.startsWith('$'))) return tokens;
  const defines = new Map<string, NftToken[]>();
  const out: NftToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const startOfLine = i === 0 || tokens[i - 1]!.kind === 'newline';
    if (startOfLine && t.kind === 'word' && (t.text === 'define' || t.text === 'redefine') && tokens[i + 2]?.text === '=') {
      let j = i + 3;
      while (j < tokens.length && tokens[j]!.kind !== 'newline') j++;
      defines.set(tokens[i + 1]!.text, expand(tokens.slice(i + 3, j), defines, ledger));
    }
    if (t.kind === 'word' && t.text.startsWith('$') && !startOfLine) {
      const value = defines.get(t.text.slice(1));
      if (value) {
        for (const v of value) out.push({ ...v, line: t.line, column: t.column, offset: t.offset, end: t.end });
        continue;
      }
      ledger.report(t.line, 'warning', 'unresolved-reference', `variable ${t.text} is not defined before this line`, t.column);
    }
    out.push(t);
  }
  return out;
}

function expand(tokens: NftToken[], defines: Map<string, NftToken[]>, ledger: LineLedger): NftToken[] {
  return tokens.flatMap((t) => {
    if (t.kind !== 'word' || !t.text.startsWith('$')) return [t];
    const value = defines.get(t.text.slice(1));
    if (!value) ledger.report(t.line, 'warning', 'unresolved-reference', `variable ${t.text} is not defined before this line`, t.column);
    return value ?? [t];
  });
}

class TextReader {
  readonly ruleset: NftRuleset = { tables: [] };
  /** Every rule read, anonymous chains' included, for their comments. */
  readonly rules: NftRule[] = [];
  private pos = 0;
  /** Inside a table of a family that filters no IP traffic: lines are ignored rather than recognised. */
  private ignoring = false;

  constructor(
    private readonly source: string,
    private readonly tokens: NftToken[],
    private readonly ledger: LineLedger,
  ) {}

  file(): void {
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos]!;
      if (t.kind === 'newline' || t.text === ';') {
        this.pos++;
        continue;
      }
      const start = this.pos;
      try {
        this.command();
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.fail(start, error);
      }
    }
  }

  /** Reports a statement that could not be read, and moves past it (to the end of its line or block). */
  private fail(start: number, error: SyntaxProblem): void {
    const at = error.token ?? this.tokens[start]!;
    // Tokens the failed reader already went through (a table body, up to the end of the file when
    // its `}` is missing) were accounted for there: going back to read them again would report each
    // once per enclosing block, and take time that grows with the square of the file.
    const reached = this.pos;
    const end = this.statementEnd(start);
    const from = this.tokens[start]!.line;
    const to = this.tokens[Math.min(end, this.tokens.length) - 1]?.line ?? from;
    this.ledger.report(at.line, 'warning', 'unrecognised-line', error.message, at.column);
    for (let line = from; line <= to; line++) if (line !== at.line) this.ledger.report(line, 'warning', 'unrecognised-line', `part of the statement on line ${at.line}, which was not understood`);
    this.pos = Math.max(end, start + 1, reached);
  }

  private peek(ahead = 0): NftToken | undefined {
    return this.tokens[this.pos + ahead];
  }

  private word(ahead = 0): string | undefined {
    const t = this.peek(ahead);
    return t && t.kind !== 'newline' && t.kind !== 'punct' ? t.text : undefined;
  }

  private next(what: string): NftToken {
    const t = this.tokens[this.pos];
    if (!t || t.kind === 'newline') throw new SyntaxProblem(`expected ${what}`, t ?? this.tokens[this.pos - 1]);
    this.pos++;
    return t;
  }

  private expect(text: string): NftToken {
    const t = this.tokens[this.pos];
    if (!t || t.text !== text || t.kind === 'string') throw new SyntaxProblem(`expected '${text}'${t ? `, not '${t.text.replace('\n', '\\n')}'` : ''}`, t ?? this.tokens[this.pos - 1]);
    this.pos++;
    return t;
  }

  private accept(text: string): boolean {
    const t = this.tokens[this.pos];
    if (t && t.kind !== 'string' && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }

  private skipBlank(): void {
    while (this.pos < this.tokens.length && (this.tokens[this.pos]!.kind === 'newline' || this.tokens[this.pos]!.text === ';')) this.pos++;
  }

  /** Marks the lines of tokens [from, to) as read. */
  private mark(from: number, to = this.pos): void {
    for (let i = from; i < to && i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind === 'newline') continue;
      if (this.ignoring) this.ledger.ignore(t.line);
      else this.ledger.recognise(t.line);
    }
  }

  /** The end (exclusive) of the statement starting at `start`: a newline or `;` outside brackets, or the `}` closing its block. */
  private statementEnd(start: number): number {
    let depth = 0;
    // A statement that starts with a stray `)` runs to its line's end, over any other `)`: one
    // diagnostic for the line rather than one per `)`. (A `}` still ends it: it may close the block.)
    const first = this.tokens[start];
    const stray = first?.kind === 'punct' && first.text === ')';
    for (let i = start; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind === 'newline' || (t.kind === 'punct' && t.text === ';')) {
        if (depth === 0) return i;
      } else if (t.kind === 'punct' && (t.text === '{' || t.text === '(')) depth++;
      else if (t.kind === 'punct' && (t.text === '}' || t.text === ')')) {
        if (depth === 0) {
          if (i === start || (stray && t.text === ')')) continue;
          return i;
        }
        depth--;
      }
    }
    return this.tokens.length;
  }

  private command(): void {
    const start = this.pos;
    const t = this.next('a command');
    switch (t.text) {
      case 'table':
        return this.table(start);
      case 'add':
      case 'create':
      case 'insert':
        return this.addCommand(start, t.text);
      case 'flush':
      case 'delete':
      case 'destroy':
        return this.flush(start, t.text);
      case 'define':
      case 'redefine':
      case 'undefine':
        this.pos = this.statementEnd(start);
        this.mark(start);
        return;
      case 'include':
        this.pos = this.statementEnd(start);
        this.ledger.report(t.line, 'warning', 'unsupported-include', 'include: the included file is not read; scan it as well', t.column);
        return;
      default:
        throw new SyntaxProblem(`'${t.text}' is not an nftables command or a table`, t);
    }
  }

  private family(): NftFamily {
    const w = this.word();
    if (w !== undefined && (FAMILIES as readonly string[]).includes(w) && this.word(1) !== undefined) {
      this.pos++;
      return w as NftFamily;
    }
    return 'ip';
  }

  private tableFor(family: NftFamily, name: string, line: number): NftTable {
    let table = this.ruleset.tables.find((x) => x.family === family && x.name === name);
    if (!table) {
      table = { family, name, line, chains: new Map(), sets: new Map() };
      this.ruleset.tables.push(table);
    }
    return table;
  }

  /** `table [FAMILY] NAME { … }` */
  private table(start: number): void {
    const family = this.family();
    const nameToken = this.next('a table name');
    const table = this.tableFor(family, nameToken.text, nameToken.line);
    const wasIgnoring = this.ignoring;
    this.ignoring = NON_IP_FAMILIES.has(family);
    if (this.ignoring) {
      this.ledger.note(nameToken.line, 'info', 'ignored-table', `table ${family} ${table.name} filters no IP traffic of this host (${family} family); it is read and ignored`);
    }
    try {
      if (!this.accept('{')) {
        this.mark(start);
        return;
      }
      this.mark(start);
      this.tableBody(table);
    } finally {
      this.ignoring = wasIgnoring;
    }
  }

  private tableBody(table: NftTable): void {
    for (;;) {
      this.skipBlank();
      const t = this.peek();
      if (!t) throw new SyntaxProblem(`table ${table.name} is never closed with '}'`, this.tokens[this.tokens.length - 1]);
      if (t.kind === 'punct' && t.text === '}') {
        this.pos++;
        this.mark(this.pos - 1);
        return;
      }
      const start = this.pos;
      try {
        this.tableMember(table);
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.fail(start, error);
      }
    }
  }

  private tableMember(table: NftTable): void {
    const start = this.pos;
    const t = this.next('a table member');
    switch (t.text) {
      case 'chain': {
        const name = this.next('a chain name');
        const chain = this.chainFor(table, name.text, name.line);
        this.expect('{');
        this.mark(start);
        this.chainBody(chain, true);
        return;
      }
      case 'set':
      case 'map': {
        const name = this.next('a set name');
        this.expect('{');
        this.mark(start);
        table.sets.set(name.text, this.setBody(name.text, name.line, t.text));
        return;
      }
      case 'flags':
      case 'comment':
        this.pos = this.statementEnd(start);
        this.mark(start);
        return;
      default:
        if (IGNORED_OBJECTS.has(t.text)) {
          // Named counters, quotas, flowtables, ct helpers…: stateful objects that decide no verdict.
          while (this.pos < this.tokens.length && this.peek()!.kind !== 'newline' && this.peek()!.text !== '{') this.pos++;
          if (this.peek()?.text === '{') this.pos = this.closing(this.pos) + 1;
          for (let i = start; i < this.pos; i++) this.ledger.ignore(this.tokens[i]!.line);
          return;
        }
        throw new SyntaxProblem(`'${t.text}' is not something a table holds`, t);
    }
  }

  private closing(open: number): number {
    let depth = 0;
    for (let i = open; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind !== 'punct') continue;
      if (t.text === '{') depth++;
      else if (t.text === '}' && --depth === 0) return i;
    }
    throw new SyntaxProblem(`'{' is never closed`, this.tokens[open]);
  }

  private chainFor(table: NftTable, name: string, line: number): NftChain {
    let chain = table.chains.get(name);
    if (!chain) {
      chain = { name, line, rules: [] };
      table.chains.set(name, chain);
    }
    return chain;
  }

  /** Reads the tokens as the rules of a chain (no braces around them). */
  readRules(chain: NftChain): void {
    this.chainBody(chain, false);
  }

  /** The inside of a chain, up to its `}` (or the end of the tokens for an anonymous chain). */
  private chainBody(chain: NftChain, closed: boolean): void {
    for (;;) {
      this.skipBlank();
      const t = this.peek();
      if (!t) {
        if (closed) throw new SyntaxProblem(`chain ${chain.name} is never closed with '}'`, this.tokens[this.tokens.length - 1]);
        return;
      }
      if (t.kind === 'punct' && t.text === '}') {
        this.pos++;
        this.mark(this.pos - 1);
        return;
      }
      const start = this.pos;
      try {
        if (t.kind === 'word' && (t.text === 'type' || t.text === 'policy' || t.text === 'comment' || t.text === 'devices')) this.chainProperty(chain);
        else this.rule(chain);
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.fail(start, error);
      }
    }
  }

  /** `type filter hook input priority filter; policy drop;`, `policy accept;`, `comment "…"`. */
  private chainProperty(chain: NftChain): void {
    const start = this.pos;
    const t = this.next('a chain property');
    if (t.text === 'type') {
      const type = this.next('a chain type').text;
      this.expect('hook');
      const hook = this.next('a hook').text;
      const base: NftBaseChain = { type, hook, priority: 0, priorityText: '0', policy: chain.base?.policy ?? 'accept' };
      if (this.accept('device')) base.device = this.next('a device').text;
      else if (this.accept('devices')) {
        this.expect('=');
        this.pos = this.closing(this.pos) + 1;
      }
      const priorityAt = this.peek();
      this.expect('priority');
      const end = this.statementEnd(this.pos);
      const words = this.tokens.slice(this.pos, end).map((x) => x.text);
      const priority = readPriority(words);
      if (priority === undefined) throw new SyntaxProblem(`not a chain priority: '${words.join(' ')}'`, priorityAt);
      base.priority = priority;
      base.priorityText = words.join(' ');
      this.pos = end;
      chain.base = base;
    } else if (t.text === 'policy') {
      const p = this.next('a policy');
      if (p.text !== 'accept' && p.text !== 'drop') throw new SyntaxProblem(`a chain policy is accept or drop, not '${p.text}'`, p);
      if (chain.base) chain.base.policy = p.text;
      else this.ledger.note(p.line, 'warning', 'policy-without-hook', `chain ${chain.name} has a policy but no hook: it applies to no packet`);
    } else if (t.text === 'devices') {
      this.expect('=');
      this.pos = this.closing(this.pos) + 1;
    } else {
      this.next('a comment');
    }
    this.mark(start);
  }

  private rule(chain: NftChain): void {
    const start = this.pos;
    const end = this.statementEnd(start);
    const tokens = this.tokens.slice(start, end);
    this.pos = end;
    const rule = new StatementReader(tokens, this.source, (body, line) => this.anonymous(chain, body, line)).read();
    this.addRule(chain, rule, start, end);
  }

  private addRule(chain: NftChain, rule: NftRule, start: number, end: number): void {
    chain.rules.push(rule);
    this.rules.push(rule);
    this.mark(start, end);
    for (const p of rule.problems) {
      if (p.kind === 'report') this.ledger.report(p.line, p.severity, p.code, p.message, p.column);
      else this.ledger.note(p.line, p.severity, p.code, p.message);
    }
  }

  /** `jump { … }`: the rules between the braces, read like a chain's. */
  private anonymous(parent: NftChain, body: NftToken[], line: number): NftChain {
    const chain: NftChain = { name: `${parent.name}{}`, line, rules: [] };
    const sub = new TextReader(this.source, body, this.ledger);
    sub.ignoring = this.ignoring;
    sub.chainBody(chain, false);
    append(this.rules, sub.rules);
    return chain;
  }

  /** The inside of `set NAME { … }` or `map NAME { … }`. */
  private setBody(name: string, line: number, kind: 'set' | 'map'): NftSet {
    const set: NftSet = { name, line, kind, keyType: '', flags: [], timeout: false };
    for (;;) {
      this.skipBlank();
      const t = this.peek();
      if (!t) throw new SyntaxProblem(`${kind} ${name} is never closed with '}'`, this.tokens[this.tokens.length - 1]);
      if (t.kind === 'punct' && t.text === '}') {
        this.pos++;
        this.mark(this.pos - 1);
        return set;
      }
      const start = this.pos;
      try {
        this.setProperty(set);
        this.mark(start);
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.fail(start, error);
      }
    }
  }

  private setProperty(set: NftSet): void {
    const start = this.pos;
    const t = this.next('a set property');
    const end = this.statementEnd(this.pos);
    const words = this.tokens.slice(this.pos, end);
    switch (t.text) {
      case 'type':
      case 'typeof': {
        const colon = words.findIndex((w) => w.text === ':');
        const key = colon < 0 ? words : words.slice(0, colon);
        set.keyType = ruleText(key.map((w) => w.text).join(' '));
        if (colon >= 0) set.dataType = ruleText(words.slice(colon + 1).map((w) => w.text).join(' '));
        if (t.text === 'typeof') set.keyType = `typeof ${set.keyType}`;
        this.pos = end;
        return;
      }
      case 'flags':
        set.flags.push(...words.filter((w) => w.text !== ',').map((w) => w.text));
        this.pos = end;
        return;
      case 'timeout':
        set.timeout = true;
        this.pos = end;
        return;
      case 'elements': {
        this.expect('=');
        const open = this.pos;
        const close = this.closing(open);
        const reader = new StatementReader(this.tokens.slice(open, close + 1), this.source, () => ({ name: '', line: 0, rules: [] }));
        const value = reader.value();
        set.elements = [...(set.elements ?? []), ...(value.kind === 'set' ? value.items : [value])];
        this.pos = close + 1;
        this.mark(start);
        return;
      }
      case 'size':
      case 'policy':
      case 'gc-interval':
      case 'comment':
      case 'auto-merge':
      case 'counter':
      case 'stateful':
        this.pos = end;
        return;
      default:
        throw new SyntaxProblem(`'${t.text}' is not a property of a set`, t);
    }
  }

  /** `add table …`, `add chain …`, `add rule …`, `add set …`, `add element …` (and `insert rule`). */
  private addCommand(start: number, verb: string): void {
    const what = this.next('what to add');
    const family = this.family();
    switch (what.text) {
      case 'table': {
        const name = this.next('a table name');
        const table = this.tableFor(family, name.text, name.line);
        this.mark(start);
        if (this.accept('{')) this.tableBody(table);
        return;
      }
      case 'chain': {
        const table = this.tableFor(family, this.next('a table name').text, what.line);
        const name = this.next('a chain name');
        const chain = this.chainFor(table, name.text, name.line);
        if (this.accept('{')) {
          this.mark(start);
          this.chainBody(chain, true);
        } else this.mark(start);
        return;
      }
      case 'set':
      case 'map': {
        const table = this.tableFor(family, this.next('a table name').text, what.line);
        const name = this.next('a set name');
        this.expect('{');
        this.mark(start);
        table.sets.set(name.text, this.setBody(name.text, name.line, what.text));
        return;
      }
      case 'element': {
        const table = this.tableFor(family, this.next('a table name').text, what.line);
        const name = this.next('a set name');
        const set = table.sets.get(name.text);
        const open = this.pos;
        const close = this.closing(open);
        const value = new StatementReader(this.tokens.slice(open, close + 1), this.source, () => ({ name: '', line: 0, rules: [] })).value();
        this.pos = close + 1;
        this.mark(start);
        if (!set) throw new SyntaxProblem(`set ${name.text} is not declared before its elements`, name);
        set.elements = [...(set.elements ?? []), ...(value.kind === 'set' ? value.items : [value])];
        return;
      }
      case 'rule': {
        const table = this.tableFor(family, this.next('a table name').text, what.line);
        const chainName = this.next('a chain name');
        const chain = this.chainFor(table, chainName.text, chainName.line);
        let insertAt: number | undefined = verb === 'insert' ? 0 : undefined;
        if (this.word() === 'position' || this.word() === 'handle' || this.word() === 'index') {
          this.pos += 2;
          this.ledger.note(what.line, 'info', 'rule-position', `rules are kept in file order; '${this.tokens[this.pos - 2]!.text}' is not followed`);
          insertAt = undefined;
        }
        const end = this.statementEnd(this.pos);
        const tokens = this.tokens.slice(this.pos, end);
        if (tokens.length === 0) throw new SyntaxProblem('a rule needs statements', what);
        this.pos = end;
        const rule = new StatementReader(tokens, this.source, (body, line) => this.anonymous(chain, body, line)).read();
        this.addRule(chain, rule, start, end);
        if (insertAt !== undefined) chain.rules.unshift(chain.rules.pop()!);
        return;
      }
      default:
        throw new SyntaxProblem(`'${verb} ${what.text}' is not supported`, what);
    }
  }

  /** `flush ruleset` empties what was read so far (a file that starts with it replaces the ruleset). */
  private flush(start: number, verb: string): void {
    const what = this.next('what to flush');
    const end = this.statementEnd(this.pos);
    if (what.text === 'ruleset' && verb === 'flush') this.ruleset.tables.length = 0;
    else if (what.text === 'table') {
      const family = this.family();
      const name = this.word();
      const table = this.ruleset.tables.find((x) => x.family === family && x.name === name);
      if (table && verb === 'flush') for (const chain of table.chains.values()) chain.rules.length = 0;
      else if (table) this.ruleset.tables.splice(this.ruleset.tables.indexOf(table), 1);
    } else if (what.text !== 'ruleset') {
      this.ledger.note(what.line, 'info', 'unsupported-command', `'${verb} ${what.text}' is not applied; the ruleset is read as written`);
    }
    this.pos = end;
    this.mark(start);
  }
}

/** `filter`, `dstnat`, `-100`, `filter + 10`, `mangle - 5`, `filter+10`: the number nft uses. */
export function readPriority(words: string[]): number | undefined {
  const text = words.join(' ').replace(/\s+/g, '');
  const m = /^([a-z]+|-?\d+)(?:([+-])(\d+))?$/.exec(text);
  if (!m) return undefined;
  const base = /^-?\d+$/.test(m[1]!) ? Number(m[1]) : PRIORITY_NAMES[m[1]!];
  if (base === undefined) return undefined;
  const offset = m[3] === undefined ? 0 : Number(m[3]) * (m[2] === '-' ? -1 : 1);
  return base + offset;
}

/**
 * Reads one rule given as text inside another format (`nft -j` prints statements it has no JSON
 * for, such as `jump { … }`, as strings). Every token is placed on `line`, the line that holds it.
 */
export function readRuleText(text: string, line: number, chainName: string, ledger: LineLedger): NftRule | undefined {
  const tokens = lex(text).tokens.map((t) => ({ ...t, line, column: 1 }));
  const reader = new TextReader(text, tokens, ledger);
  const chain: NftChain = { name: chainName, line, rules: [] };
  reader.readRules(chain);
  return chain.rules.length === 1 ? chain.rules[0] : undefined;
}
