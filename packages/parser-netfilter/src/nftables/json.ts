import { getNodeValue, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { MAX_NESTING, nestingDepth, type LineLedger } from '@portcullis/model';
import { lookupText, statementText, valueText } from './statements.js';
import { readRuleText } from './text.js';
import {
  FAMILIES,
  type NftBaseChain,
  type NftFamily,
  type NftMapLookup,
  type NftProblem,
  type NftRule,
  type NftRuleset,
  type NftSelector,
  type NftSet,
  type NftStatement,
  type NftTable,
  type NftValue,
  type NftVerdict,
} from './syntax.js';

/*
 * Reads `nft -j list ruleset` (libnftables-json(5)) into the same vendor representation as the text
 * reader. jsonc-parser keeps every object's offset, so each table, chain, set and rule — and each
 * statement of a rule — has its line. Statements that nft prints as text inside the JSON (`jump { … }`)
 * are read by the text reader.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

/** A value as JSON text; `undefined` (a key a broken file lacks), for which JSON.stringify gives no string, as `undefined`. */
function jsonText(v: Json): string {
  return JSON.stringify(v) ?? String(v);
}

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Maps offsets to 1-based lines, broken where splitLines breaks them (`\n`, `\r\n`, a lone `\r`). */
class Lines {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 10 || c === 13) this.starts.push(i + 1);
    }
    // A final line break starts no line: the end of the file is on the last line.
    if (this.starts.length > 1 && this.starts[this.starts.length - 1] === text.length) this.starts.pop();
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The 1-based column of `offset` on its line. */
  column(offset: number): number {
    return offset - this.starts[this.line(offset) - 1]! + 1;
  }
}

export function readNftJson(text: string, ledger: LineLedger): NftRuleset {
  const lines = new Lines(text);
  if (nestingDepth(text, MAX_NESTING) > MAX_NESTING) {
    // jsonc-parser recurses: a document this deep would overflow the stack.
    ledger.report(1, 'error', 'parse-error', `JSON nested more than ${MAX_NESTING} levels deep; not read`);
    for (let line = 2; line <= ledger.lineCount; line++) ledger.ignore(line);
    return { tables: [] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors.slice(0, 20)) {
    ledger.report(lines.line(e.offset), 'error', 'parse-error', `JSON: ${printParseErrorCode(e.error)}`);
  }
  const reader = new JsonReader(lines, ledger);
  const list = root?.type === 'object' ? root.children?.find((p) => p.children?.[0]?.value === 'nftables')?.children?.[1] : undefined;
  if (!list || list.type !== 'array') {
    if (errors.length === 0) ledger.report(1, 'error', 'parse-error', `not nft JSON: expected an object with an "nftables" array`);
  } else {
    for (const item of list.children ?? []) reader.item(item);
  }
  // What is left is the JSON's own punctuation around the objects.
  for (let line = 1; line <= ledger.lineCount; line++) ledger.ignore(line);
  return reader.ruleset;
}

class JsonReader {
  readonly ruleset: NftRuleset = { tables: [] };

  constructor(
    private readonly lines: Lines,
    private readonly ledger: LineLedger,
  ) {}

  private span(node: JsonNode): [number, number] {
    return [this.lines.line(node.offset), this.lines.line(node.offset + Math.max(0, node.length - 1))];
  }

  private markLines(node: JsonNode): void {
    const [from, to] = this.span(node);
    for (let l = from; l <= to; l++) this.ledger.recognise(l);
  }

  private reject(node: JsonNode, message: string): void {
    const [from, to] = this.span(node);
    this.ledger.report(from, 'warning', 'unrecognised-line', message);
    for (let l = from + 1; l <= to; l++) this.ledger.ignore(l);
  }

  item(node: JsonNode): void {
    const prop = node.type === 'object' && node.children?.length === 1 ? node.children[0] : undefined;
    const key: unknown = prop?.children?.[0]?.value;
    let valueNode = prop?.children?.[1];
    if (typeof key !== 'string' || !valueNode) return this.reject(node, 'expected an object with one key (table, chain, rule, set, map, …)');
    let kind = key;
    if (kind === 'add' || kind === 'create' || kind === 'insert') {
      // The command form that `nft -j -f` reads: `{"add": {"rule": …}}`.
      const inner = valueNode.type === 'object' && valueNode.children?.length === 1 ? valueNode.children[0] : undefined;
      const innerKey: unknown = inner?.children?.[0]?.value;
      if (typeof innerKey !== 'string' || !inner?.children?.[1]) return this.reject(node, `'${kind}' needs one object to add`);
      kind = innerKey;
      valueNode = inner.children[1];
    }
    const value = getNodeValue(valueNode) as Json;
    const line = this.lines.line(node.offset);
    switch (kind) {
      case 'metainfo':
        return this.markLines(node);
      case 'table':
        if (!isObject(value) || !this.family(value) || typeof value['name'] !== 'string') return this.reject(node, 'a table needs a family and a name');
        this.table(this.family(value)!, value['name'], line);
        return this.markLines(node);
      case 'chain':
        this.markLines(node);
        return this.chain(value, line, node);
      case 'set':
      case 'map':
        this.markLines(node);
        return this.set(value, kind, line, node);
      case 'element':
        this.markLines(node);
        return this.element(value, node);
      case 'rule':
        this.markLines(node);
        return this.rule(value, valueNode, line);
      case 'flush':
        if (isObject(value) && 'ruleset' in value) this.ruleset.tables.length = 0;
        return this.markLines(node);
      case 'counter':
      case 'quota':
      case 'limit':
      case 'flowtable':
      case 'ct helper':
      case 'ct timeout':
      case 'ct expectation':
      case 'secmark':
      case 'synproxy':
      case 'tunnel': {
        // Stateful objects that decide no verdict.
        const [from, to] = this.span(node);
        for (let l = from; l <= to; l++) this.ledger.ignore(l);
        return;
      }
      default:
        return this.reject(node, `'${kind}' is not an object of an nft ruleset listing`);
    }
  }

  private family(value: JsonObject): NftFamily | undefined {
    const f = value['family'];
    return typeof f === 'string' && (FAMILIES as readonly string[]).includes(f) ? (f as NftFamily) : undefined;
  }

  private table(family: NftFamily, name: string, line: number): NftTable {
    let table = this.ruleset.tables.find((t) => t.family === family && t.name === name);
    if (!table) {
      table = { family, name, line, chains: new Map(), sets: new Map() };
      this.ruleset.tables.push(table);
      if (family === 'arp' || family === 'bridge') {
        this.ledger.note(line, 'info', 'ignored-table', `table ${family} ${name} filters no IP traffic of this host (${family} family); it is read and ignored`);
      }
    }
    return table;
  }

  /** The table an object belongs to; a table the listing never declared is made (and noted). */
  private owner(value: JsonObject, node: JsonNode, what: string): NftTable | undefined {
    const family = this.family(value);
    const name = value['table'];
    if (!family || typeof name !== 'string') {
      this.reject(node, `${what} needs a family and a table`);
      return undefined;
    }
    return this.table(family, name, this.lines.line(node.offset));
  }

  private chain(value: Json, line: number, node: JsonNode): void {
    if (!isObject(value) || typeof value['name'] !== 'string') return this.reject(node, 'a chain needs a name');
    const table = this.owner(value, node, 'a chain');
    if (!table) return;
    let chain = table.chains.get(value['name']);
    if (!chain) table.chains.set(value['name'], (chain = { name: value['name'], line, rules: [] }));
    chain.line = line;
    if (typeof value['hook'] === 'string') {
      const prio = value['prio'];
      const base: NftBaseChain = {
        type: typeof value['type'] === 'string' ? value['type'] : 'filter',
        hook: value['hook'],
        priority: typeof prio === 'number' ? prio : 0,
        priorityText: JSON.stringify(prio ?? 0),
        policy: value['policy'] === 'drop' ? 'drop' : 'accept',
      };
      if (typeof value['dev'] === 'string') base.device = value['dev'];
      if (typeof prio !== 'number') this.ledger.note(line, 'warning', 'invalid-value', `chain ${chain.name}: priority ${JSON.stringify(prio)} is not a number; 0 is assumed`);
      chain.base = base;
    }
  }

  private set(value: Json, kind: 'set' | 'map', line: number, node: JsonNode): void {
    if (!isObject(value) || typeof value['name'] !== 'string') return this.reject(node, `a ${kind} needs a name`);
    const table = this.owner(value, node, `a ${kind}`);
    if (!table) return;
    const flags = Array.isArray(value['flags']) ? value['flags'].filter((f): f is string => typeof f === 'string') : typeof value['flags'] === 'string' ? [value['flags']] : [];
    const set: NftSet = { name: value['name'], line, kind, keyType: typeText(value['type']), flags, timeout: value['timeout'] !== undefined };
    if (value['map'] !== undefined) set.dataType = typeText(value['map']);
    if (Array.isArray(value['elem'])) set.elements = value['elem'].map((e) => elementValue(e, kind === 'map'));
    table.sets.set(set.name, set);
  }

  private element(value: Json, node: JsonNode): void {
    if (!isObject(value) || typeof value['name'] !== 'string') return this.reject(node, 'an element needs a set name');
    const table = this.owner(value, node, 'an element');
    const set = table?.sets.get(value['name']);
    if (!set) return this.reject(node, `set ${value['name']} is not declared before its elements`);
    const elems = Array.isArray(value['elem']) ? value['elem'] : [value['elem']];
    set.elements = [...(set.elements ?? []), ...elems.map((e) => elementValue(e, set.kind === 'map'))];
  }

  private rule(value: Json, valueNode: JsonNode, line: number): void {
    if (!isObject(value) || typeof value['chain'] !== 'string' || !Array.isArray(value['expr'])) {
      const [from, to] = this.span(valueNode);
      this.ledger.report(from, 'warning', 'unrecognised-line', 'a rule needs a family, a table, a chain and its expressions');
      for (let l = from + 1; l <= to; l++) this.ledger.ignore(l);
      return;
    }
    const table = this.owner(value, valueNode, 'a rule');
    if (!table) return;
    let chain = table.chains.get(value['chain']);
    if (!chain) {
      table.chains.set(value['chain'], (chain = { name: value['chain'], line, rules: [] }));
      this.ledger.note(line, 'warning', 'undeclared-chain', `chain ${value['chain']} has rules but is not declared in the listing`);
    }
    const exprNodes = valueNode.children?.find((p) => p.children?.[0]?.value === 'expr')?.children?.[1]?.children ?? [];
    const problems: NftProblem[] = [];
    const statements: NftStatement[] = [];
    const texts: string[] = [];
    const endLine = this.span(valueNode)[1];
    value['expr'].forEach((expr, i) => {
      const at = exprNodes[i] ? this.lines.line(exprNodes[i].offset) : line;
      if (typeof expr === 'string') {
        // A statement nft has no JSON for, printed as text.
        const read = readRuleText(expr, at, chain.name, this.ledger);
        if (read) {
          statements.push(...read.statements);
          problems.push(...read.problems);
          texts.push(read.text);
        } else {
          problems.push({ kind: 'report', severity: 'warning', code: 'unrecognised-statement', message: `statement not understood: ${expr}`, line: at });
          statements.push({ kind: 'inexact', what: 'unreadable statement' });
        }
        return;
      }
      const read = statement(expr);
      if (!read.ok) {
        problems.push({ kind: read.kind, severity: 'warning', code: read.code, message: read.message, line: at });
        statements.push({ kind: 'inexact', what: read.what });
        texts.push(read.what);
        return;
      }
      if (read.statement) {
        statements.push(read.statement);
        texts.push(statementText(read.statement));
      }
    });
    // Where on its line the rule starts: `nft -j` prints the whole ruleset on one line, and rules are
    // told apart by their column there.
    const rule: NftRule = { line, endLine, column: this.lines.column(valueNode.offset), text: texts.join(' '), statements, problems };
    if (typeof value['comment'] === 'string') rule.comment = value['comment'];
    chain.rules.push(rule);
    for (const p of problems) {
      if (p.kind === 'report') this.ledger.report(p.line, p.severity, p.code, p.message);
      else this.ledger.note(p.line, p.severity, p.code, p.message);
    }
  }
}

type StatementRead =
  | { ok: true; statement?: NftStatement }
  | { ok: false; kind: 'report' | 'note'; code: string; message: string; what: string };

const VERDICT_KEYS = new Set(['accept', 'drop', 'continue', 'return', 'jump', 'goto', 'queue']);
const ACTIONS = new Set(['counter', 'log', 'mangle', 'notrack', 'dup', 'fwd', 'flow', 'last', 'secmark', 'ct helper', 'ct timeout', 'ct expectation']);

function statement(expr: Json): StatementRead {
  if (!isObject(expr)) return { ok: false, kind: 'report', code: 'unrecognised-statement', message: `not a statement: ${JSON.stringify(expr)}`, what: 'unreadable statement' };
  const keys = Object.keys(expr);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return { ok: false, kind: 'report', code: 'unrecognised-statement', message: `a statement is an object with one key: ${JSON.stringify(expr)}`, what: 'unreadable statement' };
  const body = expr[key];
  const o = isObject(body) ? body : {};
  if (VERDICT_KEYS.has(key)) {
    const v: NftVerdict = { kind: key as NftVerdict['kind'] };
    if ((key === 'jump' || key === 'goto') && typeof o['target'] === 'string') v.target = o['target'];
    return { ok: true, statement: { kind: 'verdict', verdict: v } };
  }
  switch (key) {
    case 'match': {
      const op = o['op'];
      const rel = op === '==' || op === 'in' ? '==' : op === '!=' ? '!=' : 'other';
      return { ok: true, statement: { kind: 'match', selector: selector(o['left']), op: rel, value: value(o['right']) } };
    }
    case 'reject':
      return { ok: true, statement: { kind: 'verdict', verdict: { kind: 'reject' } } };
    case 'vmap':
      return { ok: true, statement: { kind: 'vmap', lookup: { key: selector(o['key']), data: mapData(o['data']) } } };
    case 'dnat':
    case 'snat':
    case 'redirect':
    case 'masquerade':
      return { ok: true, statement: nat(key, o) };
    case 'limit':
    case 'quota':
    case 'meter':
    case 'ct count':
      return { ok: true, statement: { kind: 'inexact', what: key } };
    case 'set': {
      const set = o['set'];
      return { ok: true, statement: typeof set === 'string' ? { kind: 'set-update', set: set.replace(/^@/, '') } : { kind: 'action', what: 'set' } };
    }
    case 'synproxy':
    case 'tproxy':
      return { ok: true, statement: { kind: 'verdict', verdict: { kind: 'queue' } } };
    case 'xt':
      return { ok: false, kind: 'note', code: 'unsupported-match', message: `'xt ${JSON.stringify(o['type'] ?? '')} ${JSON.stringify(o['name'] ?? '')}' is an iptables extension; the rule is kept as one that may match`, what: 'xt' };
    default:
      if (ACTIONS.has(key)) return { ok: true, statement: { kind: 'action', what: key } };
      return { ok: false, kind: 'report', code: 'unrecognised-statement', message: `'${key}' is not a statement Portcullis knows; the rule is kept as one that may match`, what: key };
  }
}

function nat(type: 'dnat' | 'snat' | 'redirect' | 'masquerade', o: JsonObject): NftStatement {
  const stmt: Extract<NftStatement, { kind: 'nat' }> = { kind: 'nat', type, text: '' };
  const family = o['family'];
  if (family === 'ip' || family === 'ip6') stmt.family = family;
  const addr = o['addr'];
  let addrText = '';
  if (isObject(addr) && isObject(addr['map'])) {
    const lookup: NftMapLookup = { key: selector(addr['map']['key']), data: mapData(addr['map']['data']) };
    stmt.address = { kind: 'lookup', lookup };
    addrText = lookupText(lookup);
  } else if (addr !== undefined) {
    const v = value(addr);
    stmt.address = v;
    addrText = valueText(v);
    if (addrText.includes(':') && o['port'] !== undefined) addrText = `[${addrText}]`;
  }
  if (o['port'] !== undefined) stmt.port = value(o['port']);
  const port = stmt.port ? `:${valueText(stmt.port)}` : '';
  stmt.text = `${type}${stmt.family ? ` ${stmt.family}` : ''}${addrText || port ? ` to ${addrText}${port}` : ''}`;
  return stmt;
}

function selector(expr: Json): NftSelector {
  if (isObject(expr)) {
    const p = expr['payload'];
    if (isObject(p) && typeof p['protocol'] === 'string' && typeof p['field'] === 'string') return { kind: 'payload', protocol: p['protocol'], field: p['field'] };
    const m = expr['meta'];
    if (isObject(m) && typeof m['key'] === 'string') return { kind: 'meta', key: m['key'] };
    const ct = expr['ct'];
    if (isObject(ct) && typeof ct['key'] === 'string' && ct['dir'] === undefined) return { kind: 'ct', key: ct['key'] };
    const concat = expr['concat'];
    if (Array.isArray(concat)) return { kind: 'concat', parts: concat.map(selector) };
  }
  return { kind: 'other', text: exprText(expr) };
}

/** An expression the model does not look into, in nft's words where it is a common one. */
function exprText(expr: Json): string {
  if (!isObject(expr)) return typeof expr === 'string' ? expr : jsonText(expr);
  const [key] = Object.keys(expr);
  const inner = key !== undefined ? expr[key] : undefined;
  const o: JsonObject = isObject(inner) ? inner : {};
  const words = (...parts: unknown[]): string => parts.filter((p) => p !== undefined && p !== '').map(String).join(' ');
  switch (key) {
    case 'numgen':
      return words('numgen', o['mode'], 'mod', o['mod'], typeof o['offset'] === 'number' && o['offset'] !== 0 ? `offset ${o['offset']}` : '');
    case 'jhash':
    case 'symhash':
      return words(key, 'mod', o['mod']);
    case 'fib':
      return words('fib', Array.isArray(o['flags']) ? o['flags'].join(' . ') : o['flags'], o['result']);
    case 'exthdr':
    case 'tcp option':
    case 'ip option':
    case 'sctp chunk':
      return words(key === 'exthdr' ? '' : key, o['name'], o['field']);
    case 'ct':
      return words('ct', o['dir'], o['family'], o['key']);
    case 'rt':
    case 'socket':
    case 'osf':
      return words(key, o['key']);
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>':
      return Array.isArray(expr[key]) ? (expr[key] as Json[]).map(exprText).join(` ${key} `) : key;
    default:
      return jsonText(expr);
  }
}

function value(v: Json): NftValue {
  if (typeof v === 'string') return v.startsWith('@') ? { kind: 'ref', name: v.slice(1) } : { kind: 'atom', text: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { kind: 'atom', text: String(v) };
  if (Array.isArray(v)) return { kind: 'set', items: v.map(value) };
  if (isObject(v)) {
    if (Array.isArray(v['set'])) return { kind: 'set', items: v['set'].map((e) => elementValue(e, false)) };
    if (Array.isArray(v['range']) && v['range'].length === 2) return { kind: 'atom', text: `${String(v['range'][0])}-${String(v['range'][1])}` };
    const prefix = v['prefix'];
    if (isObject(prefix)) return { kind: 'atom', text: `${String(prefix['addr'])}/${String(prefix['len'])}` };
    if (Array.isArray(v['concat'])) return { kind: 'concat', parts: v['concat'].map(value) };
    if (v['elem'] !== undefined && isObject(v['elem'])) return value(v['elem']['val']);
    const keys = Object.keys(v);
    if (keys.length === 1 && VERDICT_KEYS.has(keys[0]!)) {
      const body = v[keys[0]!];
      const verdict: NftVerdict = { kind: keys[0] as NftVerdict['kind'] };
      if (isObject(body) && typeof body['target'] === 'string') verdict.target = body['target'];
      return { kind: 'verdict', verdict };
    }
  }
  return { kind: 'atom', text: jsonText(v) };
}

/** An element of a named set, or of a map (`[key, data]`). */
function elementValue(e: Json, map: boolean): NftValue {
  if (map && Array.isArray(e) && e.length === 2) return { kind: 'pair', key: value(e[0]), data: value(e[1]) };
  if (isObject(e) && isObject(e['elem'])) return elementValue(e['elem']['val'], map);
  return value(e);
}

/** A map's data in a vmap or a lookup: `{"set": [[k, v], …]}` or `"@name"`. */
function mapData(v: Json): NftValue {
  if (isObject(v) && Array.isArray(v['set'])) return { kind: 'set', items: v['set'].map((e) => elementValue(e, true)) };
  return value(v);
}

function typeText(t: Json): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map(typeText).join(' . ');
  if (isObject(t) && t['typeof'] !== undefined) return `typeof ${JSON.stringify(t['typeof'])}`;
  return jsonText(t);
}

