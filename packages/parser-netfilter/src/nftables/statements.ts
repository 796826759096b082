import type { NftToken } from './lexer.js';
import type { NftChain, NftMapLookup, NftProblem, NftRule, NftSelector, NftStatement, NftValue, NftVerdict } from './syntax.js';

/*
 * Reads one rule of the text format — a list of statements — from its tokens, by recursive descent:
 * selectors and the values they are compared with, verdicts, verdict maps, NAT, and the statements
 * that only act on the packet (counter, log, mark). What it cannot read is reported and skipped; the
 * rule keeps the rest, marked as one that may match.
 */

/** Protocols whose header fields a payload expression reads (`tcp dport`, `ip6 saddr`). */
const PAYLOAD = new Set([
  'ip', 'ip6', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'icmp', 'icmpv6', 'ether', 'vlan', 'arp', 'ah', 'esp',
  'comp', 'igmp', 'gre', 'geneve', 'vxlan', 'hbh', 'frag', 'dst', 'mh', 'srh', 'rt', 'exthdr', 'ipsec', 'dccp',
]);

/** Meta keys nft accepts without the `meta` keyword. */
const BARE_META = new Set([
  'iif', 'iifname', 'oif', 'oifname', 'iiftype', 'oiftype', 'mark', 'l4proto', 'nfproto', 'skuid', 'skgid',
  'rtclassid', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'ibrname', 'obrname', 'ibriport', 'obriport',
  'sdif', 'sdifname', 'iifkind', 'oifkind',
]);

/** Expressions the model does not look into, and the words that may follow them before the value. */
const OPAQUE: Record<string, Set<string>> = {
  fib: new Set(['saddr', 'daddr', 'mark', 'iif', 'oif', '.', 'type', 'oifname']),
  numgen: new Set(['inc', 'random', 'mod', 'offset']),
  jhash: new Set(['mod', 'seed', 'offset', '.']),
  symhash: new Set(['mod', 'offset']),
  socket: new Set(['transparent', 'mark', 'wildcard', 'cgroupv2', 'level']),
  osf: new Set(['ttl', 'loose', 'skip', 'name', 'version']),
  tunnel: new Set(['id', 'path']),
};

/** Words of opaque expressions that take a number. */
const NUMERIC_ARGUMENT = new Set(['mod', 'offset', 'seed', 'level', 'ttl']);

const RELATIONS: Record<string, '==' | '!=' | 'other'> = {
  '==': '==', eq: '==', '!=': '!=', ne: '!=', '<': 'other', '>': 'other', '<=': 'other', '>=': 'other',
  lt: 'other', gt: 'other', le: 'other', ge: 'other',
};

const VERDICTS = new Set(['accept', 'drop', 'continue', 'return']);
/** Words that start a statement other than a relation. */
const STATEMENT_WORDS = new Set([
  'jump', 'goto', 'reject', 'queue', 'counter', 'log', 'limit', 'quota', 'comment', 'dnat', 'snat', 'redirect',
  'masquerade', 'notrack', 'meter', 'dup', 'fwd', 'synproxy', 'tproxy', 'flow', 'last', 'xt',
]);
const NAT_FLAGS = new Set(['random', 'persistent', 'fully-random', 'netmap', 'prefix', ',']);
const LOG_VALUE_OPTIONS = new Set(['prefix', 'level', 'group', 'snaplen', 'queue-threshold']);
const LOG_FLAG_WORDS = new Set(['ip', 'ip6', 'tcp', 'options', 'sequence', 'ether', 'skuid', 'all', ',']);
const QUEUE_WORDS = new Set(['num', 'to', 'flags', 'bypass', 'fanout', ',']);

/** Parses the statements of an anonymous chain (`jump { … }`); supplied by the reader of the file. */
export type ChainBodyReader = (tokens: NftToken[], line: number) => NftChain;

export class StatementReader {
  private pos = 0;
  private readonly statements: NftStatement[] = [];
  private readonly problems: NftProblem[] = [];
  private comment: string | undefined;

  constructor(
    private readonly tokens: NftToken[],
    private readonly source: string,
    private readonly anonymousChain: ChainBodyReader,
  ) {}

  /** Reads every statement of the rule whose tokens this reader holds. */
  read(): NftRule {
    while (this.pos < this.tokens.length) {
      const before = this.pos;
      try {
        this.statement();
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.problem('report', 'unrecognised-statement', `${error.message}; the rule is kept as one that may match`, error.token);
        this.statements.push({ kind: 'inexact', what: 'unreadable statement' });
        this.pos = Math.max(this.pos, before + 1);
        this.recover();
      }
      if (this.pos === before) this.pos++;
    }
    const first = this.tokens[0]!;
    const last = this.tokens[this.tokens.length - 1]!;
    const rule: NftRule = {
      line: first.line,
      endLine: last.line,
      text: ruleText(this.source.slice(first.offset, last.end)),
      statements: this.statements,
      problems: this.problems,
    };
    if (this.comment !== undefined) rule.comment = this.comment;
    return rule;
  }

  /** After a statement it could not read: on to the next word that starts a statement or an expression. */
  private recover(): void {
    while (this.pos < this.tokens.length) {
      const w = this.word();
      if (w !== undefined && this.peek()!.kind === 'word' && (STATEMENT_WORDS.has(w) || VERDICTS.has(w) || this.startsSelector())) return;
      this.pos++;
    }
  }

  private peek(ahead = 0): NftToken | undefined {
    return this.tokens[this.pos + ahead];
  }

  private word(ahead = 0): string | undefined {
    const t = this.peek(ahead);
    return t && t.kind !== 'newline' ? t.text : undefined;
  }

  private next(): NftToken {
    const t = this.tokens[this.pos];
    if (!t) throw new SyntaxProblem('the rule ends too early', this.tokens[this.tokens.length - 1]);
    this.pos++;
    return t;
  }

  private accept(text: string): boolean {
    const t = this.peek();
    if (t && t.kind !== 'string' && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }

  private problem(kind: NftProblem['kind'], code: string, message: string, token?: NftToken): void {
    const at = token ?? this.peek() ?? this.tokens[this.tokens.length - 1]!;
    this.problems.push({ kind, severity: 'warning', code, message, line: at.line, column: at.column });
  }

  private statement(): void {
    const t = this.peek()!;
    if (t.kind === 'newline' || (t.kind === 'punct' && t.text === ';')) {
      this.pos++;
      return;
    }
    if (t.kind !== 'word') throw new SyntaxProblem(`unexpected '${t.text}'`, t);
    const w = t.text;
    if (VERDICTS.has(w)) {
      this.pos++;
      this.statements.push({ kind: 'verdict', verdict: { kind: w as NftVerdict['kind'] } });
      return;
    }
    switch (w) {
      case 'jump':
      case 'goto':
        this.pos++;
        this.statements.push({ kind: 'verdict', verdict: this.chainVerdict(w) });
        return;
      case 'reject':
        this.pos++;
        if (this.accept('with')) {
          const kind = this.next().text;
          if (kind !== 'tcp') this.accept('type');
          this.next();
        }
        this.statements.push({ kind: 'verdict', verdict: { kind: 'reject' } });
        return;
      case 'queue':
        this.pos++;
        while (this.word() !== undefined && QUEUE_WORDS.has(this.word()!)) {
          const option = this.next().text;
          if (option === 'num' || option === 'to' || option === 'flags') this.next();
        }
        this.statements.push({ kind: 'verdict', verdict: { kind: 'queue' } });
        return;
      case 'counter':
        this.pos++;
        if (this.accept('name')) this.next();
        else if (this.word() === 'packets') {
          this.pos += 2;
          if (this.accept('bytes')) this.next();
        }
        this.statements.push({ kind: 'action', what: 'counter' });
        return;
      case 'log':
        this.pos++;
        this.log();
        return;
      case 'limit':
        this.pos++;
        this.limit();
        return;
      case 'quota':
        this.pos++;
        this.accept('over');
        this.accept('until');
        this.quantity();
        if (this.accept('used')) this.quantity();
        this.statements.push({ kind: 'inexact', what: 'quota' });
        return;
      case 'comment': {
        this.pos++;
        const c = this.next();
        this.comment = c.text;
        return;
      }
      case 'dnat':
      case 'snat':
        this.pos++;
        this.nat(w);
        return;
      case 'redirect':
      case 'masquerade':
        this.pos++;
        this.redirect(w);
        return;
      case 'notrack':
        this.pos++;
        this.statements.push({ kind: 'action', what: 'notrack' });
        return;
      case 'add':
      case 'update':
      case 'delete':
        if (this.word(1)?.startsWith('@')) {
          this.pos++;
          const set = this.next().text.slice(1);
          this.value();
          this.statements.push({ kind: 'set-update', set });
          return;
        }
        break;
      case 'set':
        // Old syntax: `set add ip saddr @name`.
        if (this.word(1) === 'add' || this.word(1) === 'update') {
          this.pos += 2;
          this.selector();
          const ref = this.next().text;
          this.statements.push({ kind: 'set-update', set: ref.replace(/^@/, '') });
          return;
        }
        break;
      case 'meter':
        this.pos++;
        this.next();
        if (this.accept('size')) this.next();
        this.skipBlock();
        this.statements.push({ kind: 'inexact', what: 'meter' });
        return;
      case 'dup':
      case 'fwd':
        this.pos++;
        this.accept('ip');
        this.accept('ip6');
        this.accept('to');
        this.next();
        if (this.accept('device')) this.next();
        this.statements.push({ kind: 'action', what: w });
        return;
      case 'synproxy':
        this.pos++;
        while (['mss', 'wscale', 'timestamp', 'sack-perm'].includes(this.word() ?? '')) {
          const option = this.next().text;
          if (option === 'mss' || option === 'wscale') this.next();
        }
        // SYNPROXY completes the handshake itself and lets the connection in: a may-match accept.
        this.statements.push({ kind: 'verdict', verdict: { kind: 'queue' } });
        return;
      case 'tproxy':
        this.pos++;
        this.accept('ip');
        this.accept('ip6');
        this.accept('to');
        this.next();
        this.statements.push({ kind: 'verdict', verdict: { kind: 'queue' } });
        return;
      case 'flow':
        this.pos++;
        this.accept('add');
        this.accept('offload');
        this.next();
        this.statements.push({ kind: 'action', what: 'flow offload' });
        return;
      case 'last':
        this.pos++;
        if (this.accept('used')) {
          if (!this.accept('never')) this.next();
        }
        this.statements.push({ kind: 'action', what: 'last' });
        return;
      case 'xt': {
        this.pos++;
        const what = `xt ${this.next().text} ${this.next().text}`;
        this.problem('note', 'unsupported-match', `'${what}' is an iptables extension nft cannot show; the rule is kept as one that may match`, t);
        this.statements.push({ kind: 'inexact', what });
        return;
      }
      default:
    }
    this.relation();
  }

  /** `jump NAME`, `goto NAME`, or `jump { … }` with an anonymous chain. */
  private chainVerdict(kind: 'jump' | 'goto'): NftVerdict {
    const t = this.next();
    if (t.kind === 'punct' && t.text === '{') {
      const start = this.pos;
      const end = this.closing(start - 1);
      const body = this.tokens.slice(start, end);
      this.pos = end + 1;
      return { kind, anonymous: this.anonymousChain(body, t.line) };
    }
    if (t.kind === 'punct') throw new SyntaxProblem(`expected a chain after '${kind}'`, t);
    return { kind, target: t.text };
  }

  /** The index of the `}` (or `)`) that closes the bracket at `open`. */
  private closing(open: number): number {
    const o = this.tokens[open]!.text;
    const c = o === '(' ? ')' : '}';
    let depth = 0;
    for (let i = open; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind !== 'punct') continue;
      if (t.text === o) depth++;
      else if (t.text === c && --depth === 0) return i;
    }
    throw new SyntaxProblem(`'${o}' is never closed`, this.tokens[open]);
  }

  private skipBlock(): void {
    if (this.peek()?.text === '{') this.pos = this.closing(this.pos) + 1;
  }

  private log(): void {
    for (;;) {
      const w = this.word();
      if (w !== undefined && LOG_VALUE_OPTIONS.has(w)) {
        this.pos++;
        this.next();
      } else if (w === 'flags') {
        this.pos++;
        while (this.word() !== undefined && LOG_FLAG_WORDS.has(this.word()!)) this.pos++;
      } else break;
    }
    this.statements.push({ kind: 'action', what: 'log' });
  }

  /** `limit rate [over] 5/second [burst 10 packets]`, `limit rate 1 mbytes/second`. */
  private limit(): void {
    if (!this.accept('rate')) throw new SyntaxProblem(`expected 'rate' after 'limit'`, this.peek());
    this.accept('over');
    this.quantity();
    if (this.accept('burst')) this.quantity();
    this.statements.push({ kind: 'inexact', what: 'limit' });
  }

  /** A number with an optional unit word (`10 packets`, `1 mbytes/second`, `5/minute`). */
  private quantity(): void {
    const n = this.next();
    if (!/^\d/.test(n.text)) throw new SyntaxProblem(`expected a number, not '${n.text}'`, n);
    const unit = this.word();
    if (unit !== undefined && /^(packets|bytes|kbytes|mbytes|gbytes)(\/\w+)?$/.test(unit)) this.pos++;
  }

  /** `dnat [ip|ip6] [to] ADDR[:PORT]`, `dnat to EXPR map { … }`, `snat to A-B`; the pre-1.0 form has no `to`. */
  private nat(type: 'dnat' | 'snat'): void {
    const start = this.pos - 1;
    let family: 'ip' | 'ip6' | undefined;
    if ((this.word() === 'ip' || this.word() === 'ip6') && (this.word(1) === 'to' || this.word(1) === 'addr')) {
      family = this.next().text as 'ip' | 'ip6';
      this.accept('addr');
    }
    this.accept('to');
    const stmt: Extract<NftStatement, { kind: 'nat' }> = { kind: 'nat', type, text: '' };
    if (family) stmt.family = family;
    if (this.startsSelector()) {
      const key = this.selector();
      if (!this.accept('map')) throw new SyntaxProblem(`expected 'map' after the expression of '${type} to'`, this.peek());
      stmt.address = { kind: 'lookup', lookup: { key, data: this.value() } };
    } else {
      const target = this.next();
      if (target.kind === 'punct') throw new SyntaxProblem(`expected an address after '${type}'`, target);
      const { address, port } = splitAddressPort(target.text);
      if (address !== undefined) stmt.address = { kind: 'atom', text: address };
      if (port !== undefined) stmt.port = { kind: 'atom', text: port };
      if (this.word() === '.' && stmt.port === undefined) {
        // `dnat to 10.0.0.1 . 80`: address and port as a concatenation.
        this.pos++;
        stmt.port = { kind: 'atom', text: this.next().text };
      }
    }
    while (this.word() !== undefined && NAT_FLAGS.has(this.word()!)) this.pos++;
    stmt.text = this.span(start);
    this.statements.push(stmt);
  }

  /** `redirect [to] [:]PORT`, `masquerade [to :PORTS] [random …]`. */
  private redirect(type: 'redirect' | 'masquerade'): void {
    const start = this.pos - 1;
    const stmt: Extract<NftStatement, { kind: 'nat' }> = { kind: 'nat', type, text: '' };
    const hasTo = this.accept('to');
    const w = this.word();
    if (w !== undefined && (hasTo || /^:?\d/.test(w))) {
      this.pos++;
      stmt.port = { kind: 'atom', text: w.replace(/^:/, '') };
    }
    while (this.word() !== undefined && NAT_FLAGS.has(this.word()!)) this.pos++;
    stmt.text = this.span(start);
    this.statements.push(stmt);
  }

  private span(start: number): string {
    const first = this.tokens[start]!;
    const last = this.tokens[Math.max(start, this.pos - 1)]!;
    return ruleText(this.source.slice(first.offset, last.end));
  }

  private startsSelector(): boolean {
    const w = this.word();
    if (w === undefined || this.peek()!.kind !== 'word') return false;
    if (PAYLOAD.has(w)) return isField(this.word(1));
    return w === 'meta' || w === 'ct' || BARE_META.has(w) || w in OPAQUE;
  }

  /** A selector, a concatenation of selectors, and any bitwise operation applied to it. */
  private selector(): NftSelector {
    const parts = [this.single()];
    while (this.word() === '.' && this.startsSelectorAt(1)) {
      this.pos++;
      parts.push(this.single());
    }
    let sel: NftSelector = parts.length === 1 ? parts[0]! : { kind: 'concat', parts };
    while (['&', '|', '^', '<<', '>>'].includes(this.peek()?.text ?? '') && this.peek()!.kind === 'punct') {
      const op = this.next().text;
      const operand = this.operand();
      sel = { kind: 'other', text: `${selectorText(sel)} ${op} ${operand}` };
    }
    return sel;
  }

  private startsSelectorAt(ahead: number): boolean {
    const saved = this.pos;
    this.pos += ahead;
    const yes = this.startsSelector();
    this.pos = saved;
    return yes;
  }

  private operand(): string {
    const t = this.next();
    if (t.kind === 'punct' && t.text === '(') {
      const end = this.closing(this.pos - 1);
      const text = this.tokens.slice(this.pos - 1, end + 1).map((x) => x.text).join(' ');
      this.pos = end + 1;
      return text;
    }
    return t.text;
  }

  private single(): NftSelector {
    const t = this.next();
    const w = t.text;
    if (w === 'meta') return { kind: 'meta', key: this.next().text };
    if (BARE_META.has(w)) return { kind: 'meta', key: w };
    if (w === 'ct') {
      let key = this.next().text;
      if (key === 'original' || key === 'reply') {
        key = this.next().text;
        if ((key === 'ip' || key === 'ip6') && isField(this.word())) key = `${key} ${this.next().text}`;
        return { kind: 'other', text: `ct ${key}` };
      }
      if (key === 'count') {
        this.accept('over');
        return { kind: 'other', text: 'ct count' };
      }
      return { kind: 'ct', key };
    }
    const opaque = OPAQUE[w];
    if (opaque) {
      const words = [w];
      while (this.word() !== undefined && (opaque.has(this.word()!) || (/^\d/.test(this.word()!) && NUMERIC_ARGUMENT.has(words[words.length - 1]!)))) words.push(this.next().text);
      return { kind: 'other', text: words.join(' ') };
    }
    if (PAYLOAD.has(w)) {
      const field = this.next().text;
      if (field === 'option' || (w === 'tcp' && field === 'flag')) {
        const words = [w, field, this.next().text];
        if (isField(this.word()) && !['set', 'exists', 'missing'].includes(this.word()!)) words.push(this.next().text);
        return { kind: 'other', text: words.join(' ') };
      }
      return { kind: 'payload', protocol: w, field };
    }
    throw new SyntaxProblem(`'${w}' is not a statement or expression nft knows`, t);
  }

  /** `SELECTOR [op] VALUE`, `SELECTOR vmap …`, `SELECTOR set VALUE` (a mangle statement). */
  private relation(): void {
    const at = this.peek()!;
    if (!this.startsSelector()) throw new SyntaxProblem(`'${at.text}' is not a statement or expression nft knows`, at);
    const selector = this.selector();
    const w = this.peek();
    if (w?.text === 'vmap') {
      this.pos++;
      this.statements.push({ kind: 'vmap', lookup: { key: selector, data: this.value() } });
      return;
    }
    if (w?.text === 'set' && w.kind === 'word') {
      this.pos++;
      if (this.startsSelector()) this.selector();
      else this.value();
      this.statements.push({ kind: 'action', what: `${selectorText(selector)} set` });
      return;
    }
    if (w && (w.text === 'exists' || w.text === 'missing')) {
      this.pos++;
      this.statements.push({ kind: 'match', selector: { kind: 'other', text: selectorText(selector) }, op: 'other', value: { kind: 'atom', text: w.text }, column: at.column });
      return;
    }
    let op: '==' | '!=' | 'other' = '==';
    if (w && w.kind !== 'string' && RELATIONS[w.text] !== undefined) {
      op = RELATIONS[w.text]!;
      this.pos++;
    }
    let value = this.value();
    let sel = selector;
    if (this.word() === '/' ) {
      // `tcp flags syn / syn,rst`: a value under a mask.
      this.pos++;
      this.value();
      sel = { kind: 'other', text: selectorText(selector) };
    }
    if (this.word() === 'map') {
      // `ip saddr map @m` outside NAT: a lookup whose result is compared: not modelled.
      this.pos++;
      value = this.value();
      sel = { kind: 'other', text: selectorText(selector) };
    }
    this.statements.push({ kind: 'match', selector: sel, op, value, column: at.column });
  }

  /** A value: an atom, a reference, an anonymous set, a comma list of flags, a concatenation. */
  value(topLevel = true): NftValue {
    let v = this.primary();
    if (this.word() === '.' ) {
      const parts = [v];
      while (this.word() === '.') {
        this.pos++;
        parts.push(this.primary());
      }
      v = { kind: 'concat', parts };
    }
    if (topLevel && this.peek()?.text === ',' && v.kind === 'atom') {
      const items: NftValue[] = [v];
      while (this.peek()?.text === ',') {
        this.pos++;
        items.push(this.primary());
      }
      v = { kind: 'set', items };
    }
    return v;
  }

  private primary(): NftValue {
    const t = this.next();
    if (t.kind === 'punct' && t.text === '{') return this.setBody();
    if (t.kind === 'punct' && t.text === '(') {
      const end = this.closing(this.pos - 1);
      const text = this.tokens.slice(this.pos - 1, end + 1).map((x) => x.text).join(' ');
      this.pos = end + 1;
      return { kind: 'atom', text };
    }
    if (t.kind === 'punct' || t.kind === 'newline') throw new SyntaxProblem(`expected a value, not '${t.text}'`, t);
    if (t.kind === 'word' && t.text.startsWith('@')) return { kind: 'ref', name: t.text.slice(1) };
    if (t.kind === 'word' && (t.text === 'jump' || t.text === 'goto')) return { kind: 'verdict', verdict: this.chainVerdict(t.text) };
    if (t.kind === 'word' && VERDICTS.has(t.text)) return { kind: 'verdict', verdict: { kind: t.text as NftVerdict['kind'] } };
    return { kind: 'atom', text: t.text };
  }

  /** `{ a, b : c, … }` after its `{`: elements, map pairs, element options (`timeout 1h`). */
  private setBody(): NftValue {
    const items: NftValue[] = [];
    for (;;) {
      while (this.peek()?.kind === 'newline') this.pos++;
      const t = this.peek();
      if (!t) throw new SyntaxProblem(`'{' is never closed`, this.tokens[this.tokens.length - 1]);
      if (t.kind === 'punct' && t.text === '}') {
        this.pos++;
        return { kind: 'set', items };
      }
      if (t.kind === 'punct' && t.text === ',') {
        this.pos++;
        continue;
      }
      let item = this.value(false);
      while (this.word() === 'timeout' || this.word() === 'expires' || this.word() === 'comment' || this.word() === 'counter') {
        const option = this.next().text;
        if (option === 'counter') {
          if (this.accept('packets')) {
            this.next();
            if (this.accept('bytes')) this.next();
          }
        } else this.next();
      }
      while (this.peek()?.kind === 'newline') this.pos++;
      if (this.word() === ':') {
        this.pos++;
        while (this.peek()?.kind === 'newline') this.pos++;
        item = { kind: 'pair', key: item, data: this.value(false) };
      }
      items.push(item);
    }
  }
}

/** Parses a value on its own (a set's `elements = { … }`), for the reader of declarations. */
export function readValue(tokens: NftToken[], source: string): NftValue {
  return new StatementReader(tokens, source, () => ({ name: '', line: 0, rules: [] })).value();
}

export class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly token: NftToken | undefined,
  ) {
    super(message);
  }
}

function isField(word: string | undefined): boolean {
  return word !== undefined && /^[a-z][a-z0-9-]*$/.test(word) && !VERDICTS.has(word);
}

/**
 * `10.0.0.1:80`, `[2001:db8::1]:443`, `:8080`, `10.0.0.1-10.0.0.9:80-90`, `2001:db8::1` (no port:
 * an IPv6 address without brackets has no port).
 */
export function splitAddressPort(text: string): { address?: string; port?: string } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { address: text };
    const rest = text.slice(close + 1);
    return rest.startsWith(':') ? { address: text.slice(1, close), port: rest.slice(1) } : { address: text.slice(1, close) };
  }
  if (text.startsWith(':')) return { port: text.slice(1) };
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const at = text.indexOf(':');
    return { address: text.slice(0, at), port: text.slice(at + 1) };
  }
  return { address: text };
}

/** White space collapsed, and counters' values dropped so that the text does not change with traffic. */
export function ruleText(text: string): string {
  return text
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\bcounter packets \d+ bytes \d+/g, 'counter')
    .trim();
}

export function selectorText(s: NftSelector): string {
  switch (s.kind) {
    case 'payload':
      return `${s.protocol} ${s.field}`;
    case 'meta':
      return `meta ${s.key}`;
    case 'ct':
      return `ct ${s.key}`;
    case 'concat':
      return s.parts.map(selectorText).join(' . ');
    case 'other':
      return s.text;
  }
}

export function valueText(v: NftValue): string {
  switch (v.kind) {
    case 'atom':
      return v.text;
    case 'ref':
      return `@${v.name}`;
    case 'set':
      return `{ ${v.items.map(valueText).join(', ')} }`;
    case 'concat':
      return v.parts.map(valueText).join(' . ');
    case 'pair':
      return `${valueText(v.key)} : ${valueText(v.data)}`;
    case 'verdict':
      return verdictText(v.verdict);
  }
}

export function verdictText(v: NftVerdict): string {
  if (v.anonymous) return `${v.kind} { … }`;
  return v.target !== undefined ? `${v.kind} ${v.target}` : v.kind;
}

export function lookupText(l: NftMapLookup): string {
  return `${selectorText(l.key)} map ${valueText(l.data)}`;
}

/** A statement in nft's own words, for rules read from JSON (which carries no text). */
export function statementText(s: NftStatement): string {
  switch (s.kind) {
    case 'match':
      return `${selectorText(s.selector)} ${s.op === '!=' ? '!= ' : ''}${valueText(s.value)}`;
    case 'verdict':
      return verdictText(s.verdict);
    case 'vmap':
      return `${selectorText(s.lookup.key)} vmap ${valueText(s.lookup.data)}`;
    case 'nat':
      return s.text;
    case 'inexact':
    case 'action':
      return s.what;
    case 'set-update':
      return `update @${s.set}`;
  }
}
