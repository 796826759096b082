import { Unresolved } from '../common/unresolved.js';
import { children, hasError, isBlank, named, stringLiteral, textOf, unescapeQuoted, type Node } from './hcl.js';

/*
 * Evaluates HCL expressions where their inputs are static: literals, templates, collections,
 * variables, locals, operators, conditionals, `for` expressions, splats and the common functions.
 * What depends on anything else (an attribute known after apply, a data source, a function we do
 * not evaluate) becomes an Unresolved that says why, and names the resources it refers to.
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value } | Unresolved;

/** Module-level names: `var.x`, `local.x`, resources' attributes. */
export interface ModuleScope {
  variable(name: string): Value;
  local(name: string): Value;
  /**
   * A traversal that starts with a resource type (`aws_security_group.web[0].id`): the value when
   * it is static, else an Unresolved naming the resource. `steps` are the accessors after the root.
   */
  resource(type: string, steps: Step[], text: string): { value: Value; used: number };
}

export type Step = { kind: 'attr'; name: string } | { kind: 'index'; key: Value };

const MAX_DEPTH = 200;

export class Evaluator {
  private depth = 0;

  constructor(private readonly module: ModuleScope) {}

  /** `bindings`: names bound by `for`, `dynamic`, `count` and `for_each` (`each`, `count`, iterators). */
  evaluate(node: Node, bindings: ReadonlyMap<string, Value> = new Map()): Value {
    if (this.depth > MAX_DEPTH) return new Unresolved(clipText(textOf(node)), 'the expression is nested too deeply');
    this.depth++;
    try {
      return this.node(node, bindings);
    } catch (error) {
      return new Unresolved(clipText(textOf(node)), `could not be evaluated: ${String(error)}`);
    } finally {
      this.depth--;
    }
  }

  private node(node: Node, b: ReadonlyMap<string, Value>): Value {
    switch (node.type) {
      case 'expression': {
        const plain = plainLiteral(node);
        return plain !== undefined ? plain : this.pieces(children(node), b, node);
      }
      case 'literal_value':
        return this.literal(named(node)[0]);
      case 'template_expr':
        return this.template(named(node)[0]!, b);
      case 'collection_value':
        return this.collection(named(node)[0]!, b);
      case 'conditional': {
        const [cond, yes, no] = named(node).filter((c) => c.type === 'expression');
        const c = this.evaluate(cond!, b);
        if (c instanceof Unresolved) return c;
        return this.evaluate(c === true || c === 'true' ? yes! : no!, b);
      }
      case 'operation':
        return this.node(named(node)[0]!, b);
      case 'binary_operation':
        return this.binary(node, b);
      case 'unary_operation': {
        const parts = children(node);
        const op = textOf(parts[0]!);
        const v = this.pieces(parts.slice(1), b, node);
        if (v instanceof Unresolved) return v;
        if (op === '!') return typeof v === 'boolean' ? !v : new Unresolved(clipText(textOf(node)), '! needs a boolean');
        return typeof v === 'number' ? -v : new Unresolved(clipText(textOf(node)), '- needs a number');
      }
      case 'function_call':
        return this.call(node, b);
      case 'for_expr':
        return this.forExpr(named(node)[0]!, b);
      case 'variable_expr':
      case 'get_attr':
      case 'index':
      case 'splat':
        return this.pieces([node], b, node);
      default:
        return new Unresolved(clipText(textOf(node)), `'${node.type}' is not an expression`);
    }
  }

  /**
   * A term and its accessors, as the grammar lays them side by side: `(expr)` or a term, then
   * `.attr`, `[index]`, `[*]`, `.*`. A variable's traversal is resolved as a whole first.
   */
  private pieces(parts: Node[], b: ReadonlyMap<string, Value>, whole: Node): Value {
    let i = 0;
    let value: Value;
    const first = parts[0];
    if (!first) return new Unresolved(clipText(textOf(whole)), 'empty expression');
    if (first.type === '(') {
      const inner = parts.find((p) => p.type === 'expression');
      value = inner ? this.evaluate(inner, b) : null;
      i = parts.findIndex((p) => p.type === ')') + 1;
    } else if (first.type === 'variable_expr') {
      const r = this.variable(textOf(first), parts.slice(1), b, whole);
      value = r.value;
      i = 1 + r.used;
    } else {
      value = this.evaluate(first, b);
      i = 1;
    }
    for (; i < parts.length; i++) {
      const p = parts[i]!;
      if (!p.isNamed) continue;
      value = this.accessor(value, p, b, whole);
    }
    return value;
  }

  private accessor(value: Value, p: Node, b: ReadonlyMap<string, Value>, whole: Node): Value {
    if (value instanceof Unresolved) return value;
    switch (p.type) {
      case 'get_attr':
        return this.step(value, { kind: 'attr', name: nameOf(named(p)[0]) }, whole);
      case 'index':
        return this.step(value, this.indexStep(p, b), whole);
      case 'splat': {
        const splat = named(p)[0]!;
        const list = Array.isArray(value) ? value : value === null ? [] : [value];
        const rest = named(splat);
        return list.map((item) => rest.reduce<Value>((v, acc) => this.accessor(v, acc, b, whole), item));
      }
      default:
        return new Unresolved(clipText(textOf(whole)), `unexpected '${p.type}'`);
    }
  }

  private indexStep(p: Node, b: ReadonlyMap<string, Value>): Step {
    const inner = named(p)[0]!;
    if (inner.type === 'legacy_index') return { kind: 'index', key: Number(textOf(inner).slice(1)) };
    const expr = named(inner).find((c) => c.type === 'expression');
    return { kind: 'index', key: expr ? this.evaluate(expr, b) : null };
  }

  step(value: Value, step: Step, whole: Node | string): Value {
    const text = typeof whole === 'string' ? whole : clipText(textOf(whole));
    if (value instanceof Unresolved) return value;
    if (step.kind === 'attr') {
      if (isObject(value) && step.name in value) return value[step.name]!;
      return new Unresolved(text, `no attribute '${step.name}' here`);
    }
    const key = step.key;
    if (key instanceof Unresolved) return key;
    if (Array.isArray(value)) {
      const n = typeof key === 'number' ? key : typeof key === 'string' ? Number(key) : NaN;
      if (Number.isInteger(n) && n >= 0 && n < value.length) return value[n]!;
      return new Unresolved(text, `index ${JSON.stringify(key)} is out of range`);
    }
    if (isObject(value) && (typeof key === 'string' || typeof key === 'number') && String(key) in value) return value[String(key)]!;
    return new Unresolved(text, `no element ${JSON.stringify(key)} here`);
  }

  private variable(name: string, rest: Node[], b: ReadonlyMap<string, Value>, whole: Node): { value: Value; used: number } {
    const bound = b.get(name);
    if (bound !== undefined) return { value: bound, used: 0 };
    const firstAttr = rest[0]?.type === 'get_attr' ? (nameOf(named(rest[0])[0])) : undefined;
    const text = traversalText(name, rest);
    switch (name) {
      case 'var':
        return firstAttr === undefined ? { value: new Unresolved(text, 'var needs a name'), used: 0 } : { value: this.module.variable(firstAttr), used: 1 };
      case 'local':
        return firstAttr === undefined ? { value: new Unresolved(text, 'local needs a name'), used: 0 } : { value: this.module.local(firstAttr), used: 1 };
      case 'data':
        return { value: new Unresolved(text, 'a data source is read only when Terraform runs', firstAttr ? [`data.${firstAttr}.${rest[1] ? (nameOf(named(rest[1])[0])) : ''}`] : []), used: rest.length };
      case 'module':
        return { value: new Unresolved(text, 'a module output is not read (modules are scanned as folders of their own)'), used: rest.length };
      case 'path':
      case 'terraform':
      case 'self':
      case 'count':
      case 'each':
        return { value: new Unresolved(text, `${name}.* is not known here`), used: rest.length };
      default: {
        if (firstAttr === undefined) return { value: new Unresolved(clipText(textOf(whole)), `'${name}' is not defined here`), used: 0 };
        const steps: Step[] = [];
        for (const r of rest) {
          if (r.type === 'get_attr') steps.push({ kind: 'attr', name: nameOf(named(r)[0]) });
          else if (r.type === 'index') steps.push(this.indexStep(r, b));
          else break;
        }
        return this.module.resource(name, steps, text);
      }
    }
  }

  private literal(node: Node | undefined): Value {
    if (!node) return null;
    switch (node.type) {
      case 'numeric_lit':
        return Number(textOf(node));
      case 'bool_lit':
        return textOf(node) === 'true';
      case 'null_lit':
        return null;
      case 'string_lit':
        return stringLiteral(node);
      default:
        return new Unresolved(clipText(textOf(node)), `unknown literal '${node.type}'`);
    }
  }

  /** A quoted or heredoc template: literal text between interpolations, taken from the source. */
  private template(node: Node, b: ReadonlyMap<string, Value>): Value {
    const parts = children(node);
    const heredoc = node.type === 'heredoc_template';
    const text = textOf(node);
    const base = node.startIndex;
    let from: number;
    let to: number;
    if (heredoc) {
      const ids = parts.filter((p) => p.type === 'heredoc_identifier');
      if (ids.length < 2) return new Unresolved(clipText(text), 'unterminated heredoc');
      from = text.indexOf('\n', ids[0]!.endIndex - base) + 1;
      to = ids[ids.length - 1]!.startIndex - base;
    } else {
      from = (parts.find((p) => p.type === 'quoted_template_start')?.endIndex ?? base) - base;
      to = (parts.find((p) => p.type === 'quoted_template_end')?.startIndex ?? node.endIndex) - base;
    }
    const inner = parts.filter((p) => p.type === 'template_interpolation' || p.type === 'template_directive');
    const literal = (s: string): string => (heredoc ? s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : unescapeQuoted(s));
    // A template that is one interpolation and nothing else has that value, whatever its type.
    if (inner.length === 1 && inner[0]!.type === 'template_interpolation' && text.slice(from, inner[0]!.startIndex - base).length === 0 && text.slice(inner[0]!.endIndex - base, to).length === 0) {
      const expr = named(inner[0]!).find((c) => c.type === 'expression');
      return expr ? this.evaluate(expr, b) : null;
    }
    let out = '';
    let at = from;
    for (const p of inner) {
      out += literal(text.slice(at, p.startIndex - base));
      at = p.endIndex - base;
      if (p.type === 'template_directive') return new Unresolved(clipText(text), 'template directives (%{ if } / %{ for }) are not evaluated');
      const expr = named(p).find((c) => c.type === 'expression');
      const v = expr ? this.evaluate(expr, b) : null;
      if (v instanceof Unresolved) return v;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out += String(v);
      else return new Unresolved(clipText(text), 'a template interpolates a value that is not a string');
    }
    out += literal(text.slice(at, Math.max(at, to)));
    if (heredoc && parts.some((p) => p.type === 'heredoc_start' && textOf(p) === '<<-')) out = dedent(out);
    return out;
  }

  private collection(node: Node, b: ReadonlyMap<string, Value>): Value {
    if (node.type === 'tuple') return named(node).filter((c) => c.type === 'expression').map((c) => this.evaluate(c, b));
    const obj: Record<string, Value> = {};
    for (const elem of named(node).filter((c) => c.type === 'object_elem')) {
      const keyNode = elem.childForFieldName('key');
      const valNode = elem.childForFieldName('val');
      if (!keyNode || !valNode) continue;
      const key = this.objectKey(keyNode, b);
      if (key instanceof Unresolved) return key;
      obj[key] = this.evaluate(valNode, b);
    }
    return obj;
  }

  /** A bare name as a key is the name itself; anything else is evaluated. */
  private objectKey(node: Node, b: ReadonlyMap<string, Value>): string | Unresolved {
    const parts = named(node);
    if (parts.length === 1 && parts[0]!.type === 'variable_expr') return textOf(parts[0]!);
    const v = this.evaluate(node, b);
    if (v instanceof Unresolved) return v;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    return new Unresolved(clipText(textOf(node)), 'an object key must be a string');
  }

  private binary(node: Node, b: ReadonlyMap<string, Value>): Value {
    const parts = children(node);
    const opAt = parts.findIndex((p) => !p.isNamed && p.type !== '(' && p.type !== ')');
    if (opAt < 0) return new Unresolved(clipText(textOf(node)), 'no operator');
    const op = parts[opAt]!.type;
    const left = this.pieces(parts.slice(0, opAt), b, node);
    if (op === '&&' && left === false) return false;
    if (op === '||' && left === true) return true;
    const right = this.pieces(parts.slice(opAt + 1), b, node);
    if (left instanceof Unresolved) return left;
    if (right instanceof Unresolved) return right;
    const text = clipText(textOf(node));
    switch (op) {
      case '==':
        return equal(left, right);
      case '!=':
        return !equal(left, right);
      case '&&':
      case '||':
        if (typeof left !== 'boolean' || typeof right !== 'boolean') return new Unresolved(text, `${op} needs booleans`);
        return op === '&&' ? left && right : left || right;
    }
    const l = toNumber(left);
    const r = toNumber(right);
    if (l === undefined || r === undefined) return new Unresolved(text, `${op} needs numbers`);
    switch (op) {
      case '+':
        return l + r;
      case '-':
        return l - r;
      case '*':
        return l * r;
      case '/':
        return r === 0 ? new Unresolved(text, 'division by zero') : l / r;
      case '%':
        return r === 0 ? new Unresolved(text, 'division by zero') : l % r;
      case '<':
        return l < r;
      case '>':
        return l > r;
      case '<=':
        return l <= r;
      case '>=':
        return l >= r;
      default:
        return new Unresolved(text, `operator ${op} is not evaluated`);
    }
  }

  private forExpr(node: Node, b: ReadonlyMap<string, Value>): Value {
    const parts = named(node);
    const intro = parts.find((p) => p.type === 'for_intro')!;
    const names = named(intro).filter((c) => c.type === 'identifier').map((c) => textOf(c));
    const source = named(intro).find((c) => c.type === 'expression');
    const collection = source ? this.evaluate(source, b) : null;
    if (collection instanceof Unresolved) return collection;
    const cond = parts.find((p) => p.type === 'for_cond');
    const condExpr = cond ? named(cond).find((c) => c.type === 'expression') : undefined;
    const bodies = parts.filter((p) => p.type === 'expression');
    const grouping = parts.some((p) => p.type === 'ellipsis');
    const tuple = node.type === 'for_tuple_expr';
    const out: Value[] = [];
    const obj: Record<string, Value> = {};
    for (const [k, v] of entries(collection)) {
      const inner = new Map(b);
      if (names.length === 2) {
        inner.set(names[0]!, k);
        inner.set(names[1]!, v);
      } else inner.set(names[0]!, v);
      if (condExpr) {
        const ok = this.evaluate(condExpr, inner);
        if (ok instanceof Unresolved) return ok;
        if (ok !== true) continue;
      }
      if (tuple) {
        out.push(this.evaluate(bodies[0]!, inner));
        continue;
      }
      const key = this.evaluate(bodies[0]!, inner);
      if (key instanceof Unresolved) return key;
      const value = this.evaluate(bodies[1]!, inner);
      const ks = String(key as string);
      if (grouping) {
        const list = (obj[ks] as Value[] | undefined) ?? [];
        list.push(value);
        obj[ks] = list;
      } else obj[ks] = value;
    }
    return tuple ? out : obj;
  }

  private call(node: Node, b: ReadonlyMap<string, Value>): Value {
    const name = nameOf(named(node).find((c) => c.type === 'identifier'));
    const argsNode = named(node).find((c) => c.type === 'function_arguments');
    const argNodes = argsNode ? named(argsNode).filter((c) => c.type === 'expression') : [];
    const expand = argsNode ? named(argsNode).some((c) => c.type === 'ellipsis') : false;
    const text = clipText(textOf(node));
    if (name === 'try' || name === 'can') {
      for (const a of argNodes) {
        const v = this.evaluate(a, b);
        if (!(v instanceof Unresolved) || !v.reason.startsWith('no ')) return name === 'can' ? !(v instanceof Unresolved) : v;
        if (name === 'can') return false;
      }
      return new Unresolved(text, 'no argument of try() could be evaluated');
    }
    let args = argNodes.map((a) => this.evaluate(a, b));
    if (expand && args.length > 0) {
      const last = args[args.length - 1]!;
      if (last instanceof Unresolved) return last;
      if (!Array.isArray(last)) return new Unresolved(text, '... needs a list');
      args = [...args.slice(0, -1), ...last];
    }
    const fn = FUNCTIONS[name];
    if (!fn) return new Unresolved(text, `function ${name}() is not evaluated`);
    // Functions that cope with unknown elements handle them; the others need every argument known.
    if (!LENIENT.has(name)) {
      const u = args.find((a) => a instanceof Unresolved);
      if (u) return u;
    }
    const r = fn(args);
    return r === undefined ? new Unresolved(text, `${name}() got arguments it does not accept`) : r;
  }
}

/**
 * The value of an expression that is one plain literal, read from its text alone without walking
 * its nodes: a whole number (`22`, `-1`), `true`, `false`, `null`, a quoted string without
 * escapes, interpolation, `$` or `%` (`"tcp"`), or a list of these (`["10.0.0.0/8", 22]`, commas
 * and blanks between, no comments). Undefined for anything else, and for an expression with a
 * syntax error, which the general path reads. Most values in real files are these; each node the
 * general path visits is a call into tree-sitter's WebAssembly and a new object.
 */
export function plainLiteral(expr: Node): Value | undefined {
  const value = literalText(textOf(expr));
  return value === undefined || hasError(expr) ? undefined : value;
}

/** plainLiteral() of an expression's text, for a caller that knows the expression has no syntax error. */
export function literalText(text: string): Value | undefined {
  return text.charCodeAt(0) === 91 ? plainList(text) : plainScalar(text);
}

function plainScalar(text: string): Value | undefined {
  const c = text.charCodeAt(0);
  if (c === 34) return PLAIN_STRING.test(text) ? text.slice(1, -1) : undefined;
  if ((c >= 48 && c <= 57) || c === 45) return PLAIN_INTEGER.test(text) ? Number(text) : undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  return text === 'null' ? null : undefined;
}

/** `[`, plain scalars each followed by a comma (optional after the last), `]`; blanks anywhere between. */
function plainList(text: string): Value[] | undefined {
  const out: Value[] = [];
  let i = skipBlanks(text, 1);
  while (i < text.length && text.charCodeAt(i) !== 93) {
    // A quoted element runs to the next quote (one with an escaped quote is then not plain), any
    // other to the next blank, comma or `]`.
    let end = i;
    if (text.charCodeAt(i) === 34) {
      end = text.indexOf('"', i + 1) + 1;
      if (end === 0) return undefined;
    } else {
      while (end < text.length) {
        const c = text.charCodeAt(end);
        if (isBlank(c) || c === 44 || c === 93) break;
        end++;
      }
    }
    const value = plainScalar(text.slice(i, end));
    if (value === undefined) return undefined;
    out.push(value);
    i = skipBlanks(text, end);
    if (text.charCodeAt(i) === 44) i = skipBlanks(text, i + 1);
    else if (text.charCodeAt(i) !== 93) return undefined;
  }
  return i === text.length - 1 ? out : undefined;
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

const PLAIN_STRING = /^"[^"\\$%\r\n]*"$/;
const PLAIN_INTEGER = /^-?[0-9]{1,15}$/;

function isObject(v: Value): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unresolved);
}

/** A collection's elements as (key, value): lists by index, maps by sorted key, as HCL iterates them. */
export function entries(v: Value): [Value, Value][] {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (isObject(v)) return Object.keys(v).sort().map((k) => [k, v[k]!]);
  return [];
}

function toNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function equal(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function dedent(text: string): string {
  const lines = text.split('\n');
  let min = Infinity;
  for (const l of lines) if (l.trim() !== '') min = Math.min(min, l.length - l.trimStart().length);
  return lines.map((l) => l.slice(Number.isFinite(min) ? min : 0)).join('\n');
}

export function clipText(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 79)}…` : one;
}

function nameOf(node: Node | undefined): string {
  return node ? textOf(node) : '';
}

function traversalText(name: string, rest: Node[]): string {
  let t = name;
  for (const r of rest) {
    if (r.type !== 'get_attr' && r.type !== 'index') break;
    t += textOf(r);
  }
  return clipText(t);
}

const str = (v: Value): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const list = (v: Value): Value[] | undefined => (Array.isArray(v) ? v : undefined);

/** Functions that work on lists whose elements may be unknown (the unknown elements stay so). */
const LENIENT = new Set(['concat', 'flatten', 'tolist', 'toset', 'distinct', 'compact', 'length', 'element', 'coalescelist', 'values', 'merge', 'lookup']);

const FUNCTIONS: Record<string, (args: Value[]) => Value | undefined> = {
  concat: (args) => {
    const out: Value[] = [];
    for (const a of args) {
      if (a instanceof Unresolved) return a;
      if (!Array.isArray(a)) return undefined;
      out.push(...a);
    }
    return out;
  },
  flatten: ([a]) => {
    if (a instanceof Unresolved) return a;
    const l = list(a!);
    if (!l) return undefined;
    const out: Value[] = [];
    const walk = (xs: Value[]): void => xs.forEach((x) => (Array.isArray(x) ? walk(x) : out.push(x)));
    walk(l);
    return out;
  },
  tolist: ([a]) => (a instanceof Unresolved ? a : list(a!) ?? (isObject(a!) ? Object.values(a) : undefined)),
  toset: ([a]) => {
    if (a instanceof Unresolved) return a;
    const l = list(a!);
    if (!l) return undefined;
    const seen = new Set<string>();
    return l.filter((x) => {
      const k = x instanceof Unresolved ? `?${x.text}` : JSON.stringify(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  },
  distinct: (args) => FUNCTIONS['toset']!(args),
  compact: ([a]) => (a instanceof Unresolved ? a : list(a!)?.filter((x) => x !== null && x !== '')),
  length: ([a]) => {
    if (a instanceof Unresolved) return a;
    if (Array.isArray(a)) return a.length;
    if (typeof a === 'string') return [...a].length;
    return isObject(a!) ? Object.keys(a).length : undefined;
  },
  element: ([a, i]) => {
    if (a instanceof Unresolved) return a;
    if (i instanceof Unresolved) return i;
    const l = list(a!);
    const n = typeof i === 'number' ? i : undefined;
    return l && n !== undefined && l.length > 0 ? l[((n % l.length) + l.length) % l.length] : undefined;
  },
  coalescelist: (args) => {
    for (const a of args) {
      if (a instanceof Unresolved) return a;
      if (Array.isArray(a) && a.length > 0) return a;
    }
    return [];
  },
  coalesce: (args) => args.find((a) => a !== null && a !== '') ?? null,
  keys: ([a]) => (isObject(a!) ? Object.keys(a).sort() : undefined),
  values: ([a]) => {
    if (a instanceof Unresolved) return a;
    return isObject(a!) ? Object.keys(a).sort().map((k) => a[k]!) : undefined;
  },
  lookup: ([m, k, d]) => {
    if (m instanceof Unresolved) return m;
    if (k instanceof Unresolved) return k;
    if (!isObject(m!) || str(k!) === undefined) return undefined;
    const key = str(k!)!;
    return key in m ? m[key]! : d;
  },
  merge: (args) => {
    const out: Record<string, Value> = {};
    for (const a of args) {
      if (a instanceof Unresolved) return a;
      if (a === null) continue;
      if (!isObject(a)) return undefined;
      Object.assign(out, a);
    }
    return out;
  },
  contains: ([l, v]) => (Array.isArray(l) ? l.some((x) => equal(x, v!)) : undefined),
  join: ([sep, l]) => {
    const parts = list(l!)?.map(str);
    return typeof sep === 'string' && parts && parts.every((p) => p !== undefined) ? parts.join(sep) : undefined;
  },
  split: ([sep, s]) => (typeof sep === 'string' && typeof s === 'string' && sep !== '' ? s.split(sep) : undefined),
  lower: ([s]) => (typeof s === 'string' ? s.toLowerCase() : undefined),
  upper: ([s]) => (typeof s === 'string' ? s.toUpperCase() : undefined),
  trimspace: ([s]) => (typeof s === 'string' ? s.trim() : undefined),
  tostring: ([s]) => (s === null ? null : str(s!)),
  tonumber: ([s]) => (s === null ? null : toNumber(s!)),
  tobool: ([s]) => (typeof s === 'boolean' ? s : s === 'true' ? true : s === 'false' ? false : undefined),
  format: ([f, ...rest]) => {
    if (typeof f !== 'string') return undefined;
    let i = 0;
    let bad = false;
    const out = f.replace(/%(%|s|d|v)/g, (_m, c: string) => {
      if (c === '%') return '%';
      const v = str(rest[i++] ?? null);
      if (v === undefined) bad = true;
      return v ?? '';
    });
    return bad ? undefined : out;
  },
  range: (args) => {
    const n = args.map((a) => (typeof a === 'number' ? a : NaN));
    const [start, end, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
    if (![start, end, step].every(Number.isFinite) || step === 0 || Math.abs((end - start) / step) > 10000) return undefined;
    const out: number[] = [];
    for (let x = start; step > 0 ? x < end : x > end; x += step) out.push(x);
    return out;
  },
  min: (args) => (args.every((a): a is number => typeof a === 'number') ? Math.min(...args) : undefined),
  max: (args) => (args.every((a): a is number => typeof a === 'number') ? Math.max(...args) : undefined),
};
