import {
  LineLedger,
  parseSuppression,
  eachLine,
  lineCount,
  type Device,
  type InlineSuppression,
  type InputFile,
  type ParseResult,
} from '@portcullis/model';
import { convertFile, mayNameChain } from './convert.js';
import { RULE_WORDS, RuleReader, add, clip } from './matches.js';
import type { ChainAst, FileAst, RuleAst, TableAst, TargetAst } from './syntax.js';
import { KNOWN_TARGETS } from './targets.js';
import { Words } from './tokenizer.js';
import { SharedAddresses } from './values.js';

/*
 * Reads an iptables-save (or ip6tables-save, or hand-written iptables-restore) file line by line
 * into the vendor representation, accounting for every line, then converts it. One bad line
 * becomes a diagnostic; the rest of the file is still read.
 */

const KNOWN_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);

/**
 * A terminal that wraps a pasted line pads it with spaces: a run at least this long inside a rule
 * marks a place where the line may have been broken mid-word.
 */
const WRAP_GAP = 16;
/** How many such places we try to join (2^n parses); more than that is read as written. */
const MAX_WRAPS = 4;
const LONG_BLANKS = new RegExp(`[ \\t]{${WRAP_GAP}}`);
/** How many recently named chains the reader compares a name with before looking it up. */
const RECENT_CHAINS = 8;

/**
 * A number that equal names share and different ones mostly do not: the length and the last two
 * characters (kube-proxy's chain names differ in a hash at their end). Never 0, the mark of no chain.
 */
const nameMark = (name: string): number => {
  const n = name.length;
  return (n << 16) | ((n > 1 ? name.charCodeAt(n - 2) & 0xff : 0) << 8) | (name.charCodeAt(n - 1) & 0xff);
};

const COUNTERS = /^\[\d+:\d+\]$/;

/** Where the field that starts at `from` ends: at the next space or tab, or the end of the text. */
function fieldEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== 0x20 && text.charCodeAt(i) !== 0x09) i++;
  return i;
}

/** Where the next field starts from `from` on (past a run of spaces and tabs: a line's indent, the gap after a field). */
function nextField(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** The last rule read, while the next line may still turn out to be its wrapped-off tail. */
interface OpenRule {
  ast: RuleAst;
  chain: ChainAst;
  /** Its place in the reader's list of rules. */
  index: number;
  line: number;
  text: string;
  column: number;
}

export function parseIptablesSave(file: InputFile): ParseResult {
  const ledger = new LineLedger(file.path, lineCount(file.text));
  const reader = new SaveFileReader(file.path, ledger, file.text);
  eachLine(file.text, (line, n, at) => {
    try {
      reader.line(n, line, at);
    } catch (error) {
      ledger.report(n, 'error', 'internal-error', `the parser failed on this line: ${String(error)}`);
    }
  });
  const suppressions = reader.finish();
  const devices: Device[] = [];
  try {
    devices.push(convertFile(reader.ast, file.path, ledger));
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
  }
  const accounting = ledger.account();
  const diagnostics = ledger.diagnostics.slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { devices, diagnostics, lines: accounting, suppressions };
}

class SaveFileReader {
  readonly ast: FileAst = { tables: new Map(), ip6Header: false };
  private current: TableAst | undefined;
  /** Every rule read, in line order (also those of a table that a later section replaced). */
  private readonly rules: RuleAst[] = [];
  /**
   * The last few chains of the open table that were named (as a rule's chain or its target): a rule
   * mostly goes to a chain named just before (`-j KUBE-SVC-…`, then `-A KUBE-SVC-…`), and comparing
   * a few names costs less than looking one up among tens of thousands.
   */
  private readonly recent: (ChainAst | undefined)[] = new Array<ChainAst | undefined>(RECENT_CHAINS).fill(undefined);
  /** A cheap mark of each recent chain's name (`nameMark`), compared before the names are. */
  private readonly recentMarks = new Int32Array(RECENT_CHAINS);
  /** Where the next chain to remember goes (the oldest is overwritten). */
  private recentNext = 0;
  private readonly suppressions: InlineSuppression[] = [];
  private open: OpenRule | undefined;
  /** Reads every rule of the file, in turn; it keeps the file's shared address ranges. */
  private readonly ruleReader = new RuleReader(new SharedAddresses());
  /** Targets that are only a name and no chain of the table (yet) when a rule names them (`-j ACCEPT`), by name. */
  private readonly namedTargets = new Map<string, TargetAst>();

  /** `source`: the file's text, which the lines were split from. */
  constructor(
    private readonly file: string,
    private readonly ledger: LineLedger,
    private readonly source: string,
  ) {}

  /** `at`: where the line starts in the file's text. */
  line(n: number, raw: string, at: number): void {
    const bom = n === 1 && raw.startsWith('\uFEFF');
    const text = bom ? raw.slice(1) : raw;
    const start = nextField(text, 0);
    const body = text.slice(start).trimEnd();
    const column = start + 1;
    const open = this.open;
    this.open = undefined;
    if (body === '') return this.ledger.ignore(n);
    const first = body[0];
    if (first === '#') return this.comment(n, body);
    if (first === '*') return this.tableHeader(n, body, column);
    if (first === ':') return this.chainHeader(n, body, column);
    if (body === 'COMMIT') return this.commit(n, column);
    if (first === '-' || first === '[') return this.command(n, body, column, at + (bom ? 1 : 0) + start);
    if (open && open.line === n - 1 && this.continueRule(open, n, body, column)) return;
    this.ledger.report(n, 'warning', 'unrecognised-line', `not an iptables-save line: '${clip(body)}'`, column);
  }

  /** Closes the last table and reports what was left unfinished; returns the suppressions found. */
  finish(): InlineSuppression[] {
    if (this.current && !this.current.committed) this.missingCommit(this.current);
    // Indexed loops: this runs once, over every rule, mostly before V8 has optimised it, and an
    // iterator per rule's (empty) list of problems added up.
    for (let r = 0; r < this.rules.length; r++) {
      const ast = this.rules[r]!;
      for (let i = 0; i < ast.problems.length; i++) {
        const p = ast.problems[i]!;
        if (p.kind === 'report') this.ledger.report(ast.line, p.severity, p.code, p.message, p.column);
        else this.ledger.note(ast.line, p.severity, p.code, p.message);
      }
      if (ast.comment !== undefined) {
        const s = parseSuppression(ast.comment, this.file, ast.line);
        if (s) this.suppressions.push(s);
      }
    }
    return this.suppressions.sort((a, b) => a.line - b.line);
  }

  private comment(n: number, body: string): void {
    this.ledger.ignore(n);
    const text = body.slice(1);
    if (/^[ \t]*Generated by ip6tables-save/.test(text)) this.ast.ip6Header = true;
    const s = parseSuppression(text, this.file, n);
    if (s) this.suppressions.push(s);
  }

  private tableHeader(n: number, body: string, column: number): void {
    const name = body.slice(1);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      this.ledger.report(n, 'warning', 'unrecognised-line', `not a table name: '${clip(name)}'`, column + 1);
      return;
    }
    if (this.current && !this.current.committed) this.missingCommit(this.current);
    const earlier = this.ast.tables.get(name);
    if (earlier) {
      this.ledger.note(n, 'warning', 'duplicate-table', `table ${name} appears again (first on line ${earlier.line}); like iptables-restore, this section replaces it`);
    }
    if (!KNOWN_TABLES.has(name)) this.ledger.note(n, 'info', 'unknown-table', `table '${name}' is not one iptables knows; its chains are kept as written`);
    const table: TableAst = { name, line: n, committed: false, chains: new Map(), chainsNamedLikeTargets: false };
    this.ast.tables.set(name, table);
    this.current = table;
    this.forgetRecent();
    this.ledger.recognise(n);
  }

  private chainHeader(n: number, body: string, column: number): void {
    const table = this.openTable(n, column, 'a chain declaration');
    if (!table) return;
    // `:NAME POLICY [packets:bytes]`, its fields taken by position rather than by a split into a
    // new list: a kube-proxy dump declares tens of thousands of chains.
    const nameEnd = fieldEnd(body, 1);
    const name = body.slice(1, nameEnd);
    const policyAt = nextField(body, nameEnd);
    const policyEnd = fieldEnd(body, policyAt);
    const policy = policyAt < body.length ? body.slice(policyAt, policyEnd) : undefined;
    const countersAt = nextField(body, policyEnd);
    const countersEnd = fieldEnd(body, countersAt);
    const counters = countersAt < body.length ? body.slice(countersAt, countersEnd) : undefined;
    const validPolicy = policy === 'ACCEPT' || policy === 'DROP' || policy === '-';
    const valid = name !== '' && validPolicy && (counters === undefined || COUNTERS.test(counters)) && countersEnd === body.length;
    if (!valid) {
      this.ledger.report(n, 'warning', 'unrecognised-line', `not a chain declaration (':CHAIN POLICY [packets:bytes]'): '${clip(body)}'`, column);
      return;
    }
    const chain = this.chain(table, name, n);
    if (chain.declared) {
      this.ledger.note(n, 'warning', 'duplicate-chain', `chain ${name} is declared again (first on line ${chain.line})`);
    }
    chain.declared = true;
    chain.line = n;
    chain.policy = policy === '-' ? undefined : policy;
    this.ledger.recognise(n);
  }

  private commit(n: number, column: number): void {
    const table = this.openTable(n, column, 'COMMIT');
    if (!table) return;
    table.committed = true;
    this.current = undefined;
    this.forgetRecent();
    this.ledger.recognise(n);
  }

  /** A table must be open; otherwise the line is reported. */
  private openTable(n: number, column: number, what: string): TableAst | undefined {
    if (this.current) return this.current;
    this.ledger.report(n, 'warning', 'unrecognised-line', `${what} outside a table (no '*table' line before it)`, column);
    return undefined;
  }

  private missingCommit(table: TableAst): void {
    this.ledger.note(table.line, 'warning', 'missing-commit', `table ${table.name} has no COMMIT; iptables-restore would not load it`);
  }

  private chain(table: TableAst, name: string, n: number): ChainAst {
    let chain = this.known(table, name);
    if (!chain) {
      chain = { name, index: table.chains.size, policy: undefined, line: n, declared: false, rules: [], jump: undefined };
      table.chains.set(name, chain);
      if (KNOWN_TARGETS.has(name)) table.chainsNamedLikeTargets = true;
      this.remember(chain);
    }
    return chain;
  }

  /** The chain called `name` in the open table, if there is one yet. */
  private known(table: TableAst, name: string): ChainAst | undefined {
    const mark = nameMark(name);
    for (let i = 0; i < RECENT_CHAINS; i++) {
      if (this.recentMarks[i] !== mark) continue;
      const chain = this.recent[i];
      if (chain !== undefined && chain.name === name) return chain;
    }
    const chain = table.chains.get(name);
    if (chain) this.remember(chain, mark);
    return chain;
  }

  private remember(chain: ChainAst, mark = nameMark(chain.name)): void {
    this.recent[this.recentNext] = chain;
    this.recentMarks[this.recentNext] = mark;
    this.recentNext = (this.recentNext + 1) % RECENT_CHAINS;
  }

  private forgetRecent(): void {
    this.recent.fill(undefined);
    this.recentMarks.fill(0);
  }

  /**
   * `-A`, `-I`, `-N`, `-P` (iptables-restore accepts them all), with an optional `[packets:bytes]`
   * prefix. `at`: where the body starts in the file's text.
   */
  private command(n: number, body: string, column: number, at: number): void {
    let text = body;
    let col = column;
    let textAt = at;
    if (body[0] === '[') {
      const close = body.indexOf(']');
      if (close < 0 || !COUNTERS.test(body.slice(0, close + 1))) {
        this.ledger.report(n, 'warning', 'unrecognised-line', `not a '[packets:bytes]' counter prefix`, column);
        return;
      }
      const next = nextField(body, close + 1);
      text = body.slice(next);
      col = column + next;
      textAt = at + next;
    }
    const command = text.slice(0, fieldEnd(text, 0));
    switch (command) {
      case '-A':
      case '--append':
      case '-I':
      case '--insert':
        return this.rule(n, text, col, textAt);
      case '-N':
      case '--new-chain':
      case '-P':
      case '--policy':
        return this.chainCommand(n, text, col, command === '-N' || command === '--new-chain');
      default:
        this.ledger.report(n, 'warning', 'unrecognised-line', `'${clip(command)}' is not a command of a rules file`, col);
    }
  }

  private chainCommand(n: number, text: string, column: number, create: boolean): void {
    const table = this.openTable(n, column, 'a chain command');
    if (!table) return;
    const words = new Words(text, column, RULE_WORDS);
    const name = words.length > 1 ? words.text(1) : undefined;
    const policy = words.length > 2 ? words.text(2) : undefined;
    const valid = create ? words.length === 2 : words.length === 3 && (policy === 'ACCEPT' || policy === 'DROP');
    if (!name || !valid) {
      this.ledger.report(n, 'warning', 'unrecognised-line', create ? `expected '-N CHAIN'` : `expected '-P CHAIN ACCEPT|DROP'`, column);
      return;
    }
    const chain = this.chain(table, name, n);
    if (!chain.declared) {
      chain.declared = true;
      chain.line = n;
    }
    if (!create) chain.policy = policy as 'ACCEPT' | 'DROP';
    this.ledger.recognise(n);
  }

  /** `at`: where the rule's text starts in the file's. */
  private rule(n: number, text: string, column: number, at: number): void {
    const table = this.openTable(n, column, 'a rule');
    if (!table) return;
    // Most rules have single spaces only: then there is no wrap to join, and the words are read as split.
    const words = new Words(this.source, column, RULE_WORDS, at, at + text.length);
    const ast = words.unevenBlanks
      ? (readWrapped(text, n, column, this.ruleReader) ?? readCommand(text, n, column, this.ruleReader))
      : readCommand(text, n, column, this.ruleReader, words);
    if (!ast) {
      this.ledger.report(n, 'warning', 'unrecognised-line', `a rule needs a chain: '${clip(text)}'`, column);
      return;
    }
    const chain = this.chain(table, ast.chain, n);
    // A jump to a chain that exists already is resolved now; one to a chain made later, at the end.
    const target = ast.rule.target;
    if (target !== undefined) {
      const targetChain = mayNameChain(table, target.name) ? this.known(table, target.name) : undefined;
      ast.rule.target = this.shareTarget(target, targetChain);
    }
    if (ast.position === undefined) chain.rules = appendRule(chain.rules, ast.rule);
    else chain.rules.splice(Math.min(ast.position, chain.rules.length + 1) - 1, 0, ast.rule);
    this.rules.push(ast.rule);
    this.ledger.recognise(n);
    if (ast.rule.problems.length > 0) this.open = { ast: ast.rule, chain, index: this.rules.length - 1, line: n, text, column };
  }

  /**
   * A target that is only a name is one object for every rule that names it (all the rules are kept
   * until the file is converted, and every chain of a kube-proxy dump jumps to KUBE-MARK-MASQ): a
   * chain's is kept with the chain, with the chain's own name string; the others by name.
   */
  private shareTarget(target: TargetAst, chain: ChainAst | undefined): TargetAst {
    const plain = !target.goto && target.nat === undefined && target.options.length === 0;
    if (chain !== undefined) {
      if (plain && chain.jump !== undefined) return chain.jump;
      target.name = chain.name;
      target.chain = chain;
      if (plain) chain.jump = target;
      return target;
    }
    if (!plain) return target;
    let shared = this.namedTargets.get(target.name);
    if (shared === undefined) this.namedTargets.set(target.name, (shared = target));
    return shared;
  }

  /**
   * A line that is no statement, right after a rule that was not understood: perhaps the rule's
   * tail, broken onto its own line. If the two read as one clean rule, that rule replaces the first
   * reading; both lines are still reported, since neither is valid on its own.
   */
  private continueRule(open: OpenRule, n: number, body: string, column: number): boolean {
    for (const joined of [open.text + body, `${open.text} ${body}`]) {
      const read = readCommand(joined, open.line, open.column, this.ruleReader);
      if (!read || read.rule.problems.length > 0 || read.chain !== open.chain.name) continue;
      read.rule.problems = add(read.rule.problems, {
        kind: 'report', severity: 'warning', code: 'unrecognised-line',
        message: `rule continues on line ${n} (a wrapped line); read as one rule`,
      });
      const rules = open.chain.rules;
      rules[rules.indexOf(open.ast)] = read.rule;
      this.rules[open.index] = read.rule;
      this.ledger.report(n, 'warning', 'unrecognised-line', `continuation of the rule on line ${open.line} (a wrapped line)`, column);
      return true;
    }
    return false;
  }
}

/**
 * Appends a rule to a chain's list. Lists of up to three rules are made at their size: an array
 * pushed to makes room for 17, and most chains of a kube-proxy dump (tens of thousands) hold two or
 * three rules.
 */
function appendRule(rules: RuleAst[], rule: RuleAst): RuleAst[] {
  switch (rules.length) {
    case 0:
      return [rule];
    case 1:
      return [rules[0]!, rule];
    case 2:
      return [rules[0]!, rules[1]!, rule];
    default:
      rules.push(rule);
      return rules;
  }
}

interface ReadCommand {
  rule: RuleAst;
  /** The name of the rule's chain, as written. */
  chain: string;
  /** For `-I CHAIN [n]`: the 1-based position to insert at. */
  position?: number;
}

/**
 * Reads `-A CHAIN options…` / `-I CHAIN [n] options…`; undefined when there is no chain. `words`:
 * the text's, when it has been split already.
 */
function readCommand(
  text: string, line: number, column: number, reader: RuleReader, words = new Words(text, column, RULE_WORDS),
): ReadCommand | undefined {
  const unterminatedQuote = words.unterminatedQuote;
  if (words.length < 2 || words.quoted(1)) return undefined;
  const chain = words.text(1);
  if (chain.startsWith('-') || chain === '!') return undefined;
  let rest = 2;
  let position: number | undefined;
  const command = words.text(0);
  if (command === '-I' || command === '--insert') {
    position = 1;
    const n = words.length > 2 ? words.text(2) : undefined;
    if (n !== undefined && /^\d{1,9}$/.test(n)) {
      position = Math.max(1, Number(n));
      rest = 3;
    }
  }
  const rule = reader.read(words, line, words.unevenBlanks ? normaliseBlanks(text) : text, rest);
  if (unterminatedQuote !== undefined) {
    rule.problems = add(rule.problems, { kind: 'report', severity: 'warning', code: 'unrecognised-line', message: 'unterminated quote', column: unterminatedQuote });
  }
  return position === undefined ? { rule, chain } : { rule, chain, position };
}

/**
 * A rule pasted from a terminal that wrapped it: the line holds a long run of spaces where it was
 * broken, perhaps mid-word (`--to-destination 192.16<spaces>8.1.1:22`). If joining at one or more
 * such runs gives a rule without problems, that is the reading, and the line is reported. A wrap
 * that fell between two words reads fine as written and is left alone.
 */
function readWrapped(text: string, line: number, column: number, reader: RuleReader): ReadCommand | undefined {
  const runs = wrapRuns(text);
  if (runs.length === 0 || runs.length > MAX_WRAPS) return undefined;
  for (let mask = 1; mask < 1 << runs.length; mask++) {
    let joined = '';
    let from = 0;
    let firstColumn: number | undefined;
    runs.forEach(([start, end], i) => {
      if ((mask & (1 << i)) === 0) return;
      joined += text.slice(from, start);
      from = end;
      firstColumn ??= column + start;
    });
    joined += text.slice(from);
    const read = readCommand(joined, line, column, reader);
    if (!read || read.rule.problems.length > 0) continue;
    read.rule.problems = add(read.rule.problems, {
      kind: 'report', severity: 'warning', code: 'unrecognised-line',
      message: `line is wrapped mid-word at column ${firstColumn}; read as if joined: '${clip(joined, 200)}'`,
      column: firstColumn!,
    });
    return read;
  }
  return undefined;
}

/**
 * The rule text with runs of blanks outside quotes collapsed to one space, so that a rule's text
 * (and the fingerprints built on it) does not depend on alignment or a terminal's padding.
 */
function normaliseBlanks(text: string): string {
  const parts: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quoted) {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (quoted || (c !== ' ' && c !== '\t')) continue;
    // A run of blanks outside quotes becomes one space.
    let end = i;
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
    parts.push(text.slice(from, i));
    from = end;
    i = end - 1;
  }
  // Blanks at the end go; elsewhere a run is one space.
  if (from < text.length) parts.push(text.slice(from));
  return parts.join(' ');
}

/** [start, end) of each run of at least WRAP_GAP blanks strictly inside the text. */
function wrapRuns(text: string): [number, number][] {
  const runs: [number, number][] = [];
  if (!LONG_BLANKS.test(text)) return runs;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== ' ' && text[i] !== '\t') {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i - start >= WRAP_GAP && start > 0 && i < text.length) runs.push([start, i]);
    if (runs.length > MAX_WRAPS) break;
  }
  return runs;
}
