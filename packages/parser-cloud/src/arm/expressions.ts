import { isRecord } from '../common/document.js';
import { Unresolved } from '../common/unresolved.js';

/*
 * ARM template expressions (`[parameters('nsgName')]`, `[concat(variables('prefix'), '-nsg')]`):
 * a small reader for the expression language and an evaluator for the functions whose result is
 * static. Everything else (resourceId(), reference(), deployment values) stays Unresolved.
 */

type Token = { kind: 'name' | 'string' | 'number' | 'punct'; text: string };

const MAX_LENGTH = 4096;

function tokenize(src: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) return undefined;
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i];
        i++;
      }
      out.push({ kind: 'string', text: s });
    } else if (/[0-9-]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[0-9]/.test(src[j]!)) j++;
      out.push({ kind: 'number', text: src.slice(i, j) });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      out.push({ kind: 'name', text: src.slice(i, j) });
      i = j;
    } else if ('(),.[]'.includes(c)) {
      out.push({ kind: 'punct', text: c });
      i++;
    } else return undefined;
  }
  return out;
}

type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'member'; target: Expr; name: string }
  | { kind: 'index'; target: Expr; index: Expr };

class ExprReader {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  read(): Expr | undefined {
    const e = this.expr(0);
    return e && this.i === this.tokens.length ? e : undefined;
  }

  private expr(depth: number): Expr | undefined {
    if (depth > 50) return undefined;
    const t = this.tokens[this.i++];
    if (!t) return undefined;
    let e: Expr | undefined;
    if (t.kind === 'string') e = { kind: 'literal', value: t.text };
    else if (t.kind === 'number') e = { kind: 'literal', value: Number(t.text) };
    else if (t.kind === 'name') {
      if (t.text === 'true' || t.text === 'false') e = { kind: 'literal', value: t.text === 'true' };
      else if (t.text === 'null') e = { kind: 'literal', value: null };
      else {
        if (this.tokens[this.i]?.text !== '(') return undefined;
        this.i++;
        const args: Expr[] = [];
        while (this.tokens[this.i]?.text !== ')') {
          const a = this.expr(depth + 1);
          if (!a) return undefined;
          args.push(a);
          if (this.tokens[this.i]?.text === ',') this.i++;
          else if (this.tokens[this.i]?.text !== ')') return undefined;
        }
        this.i++;
        e = { kind: 'call', name: t.text.toLowerCase(), args };
      }
    } else return undefined;
    for (;;) {
      const n = this.tokens[this.i];
      if (n?.text === '.' && this.tokens[this.i + 1]?.kind === 'name') {
        e = { kind: 'member', target: e, name: this.tokens[this.i + 1]!.text };
        this.i += 2;
      } else if (n?.text === '[') {
        this.i++;
        const index = this.expr(depth + 1);
        if (!index || this.tokens[this.i]?.text !== ']') return undefined;
        this.i++;
        e = { kind: 'index', target: e, index };
      } else return e;
    }
  }
}

export interface TemplateValues {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
}

export class ArmEvaluator {
  private readonly busy = new Set<string>();
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly template: TemplateValues) {}

  /** Deep-evaluates a value: strings that are expressions are replaced by their value. */
  value(v: unknown, depth = 0): unknown {
    if (depth > 50) return new Unresolved('…', 'nested too deeply');
    if (typeof v === 'string') return this.string(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    if (isRecord(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.value(x, depth + 1);
      return out;
    }
    return v;
  }

  string(s: string): unknown {
    if (!s.startsWith('[') || !s.endsWith(']')) return s;
    if (s.startsWith('[[')) return s.slice(1);
    if (s.length > MAX_LENGTH) return new Unresolved(`${s.slice(0, 60)}…`, 'the expression is too long to evaluate');
    const tokens = tokenize(s.slice(1, -1));
    const expr = tokens ? new ExprReader(tokens).read() : undefined;
    if (!expr) return new Unresolved(s, 'not an expression Portcullis can read');
    return this.eval(expr, s);
  }

  private eval(e: Expr, text: string): unknown {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'member': {
        const t = this.eval(e.target, text);
        if (t instanceof Unresolved) return t;
        return isRecord(t) && e.name in t ? t[e.name] : new Unresolved(text, `no property ${e.name}`);
      }
      case 'index': {
        const t = this.eval(e.target, text);
        const i = this.eval(e.index, text);
        if (t instanceof Unresolved) return t;
        if (i instanceof Unresolved) return i;
        if (Array.isArray(t) && typeof i === 'number') return t[i] ?? new Unresolved(text, 'index out of range');
        if (isRecord(t) && typeof i === 'string' && i in t) return t[i];
        return new Unresolved(text, 'no such element');
      }
      case 'call':
        return this.call(e.name, e.args, text);
    }
  }

  private call(name: string, argExprs: Expr[], text: string): unknown {
    if (name === 'if') {
      const c = argExprs[0] ? this.eval(argExprs[0], text) : undefined;
      if (c instanceof Unresolved) return c;
      const branch = c === true ? argExprs[1] : argExprs[2];
      return branch ? this.eval(branch, text) : new Unresolved(text, 'if() needs three arguments');
    }
    const args = argExprs.map((a) => this.eval(a, text));
    const u = args.find((a) => a instanceof Unresolved);
    if (u) return u;
    const [a, b] = args;
    switch (name) {
      case 'parameters':
        return typeof a === 'string' ? this.parameter(a, text) : new Unresolved(text, 'parameters() needs a name');
      case 'variables':
        return typeof a === 'string' ? this.variable(a, text) : new Unresolved(text, 'variables() needs a name');
      case 'concat':
        if (args.every(Array.isArray)) return (args as unknown[][]).flat();
        return args.every((x) => typeof x === 'string' || typeof x === 'number') ? args.join('') : new Unresolved(text, 'concat() of values that are neither strings nor lists');
      case 'format':
        if (typeof a !== 'string') return new Unresolved(text, 'format() needs a format string');
        return a.replace(/\{(\d+)(?::[^}]*)?\}/g, (_m, n: string) => String(args[Number(n) + 1] as string));
      case 'tolower':
        return typeof a === 'string' ? a.toLowerCase() : new Unresolved(text, 'toLower() needs a string');
      case 'toupper':
        return typeof a === 'string' ? a.toUpperCase() : new Unresolved(text, 'toUpper() needs a string');
      case 'string':
        return typeof a === 'string' ? a : JSON.stringify(a);
      case 'int':
        return typeof a === 'number' ? a : typeof a === 'string' && /^-?\d+$/.test(a) ? Number(a) : new Unresolved(text, 'int() needs a number');
      case 'equals':
        return JSON.stringify(a) === JSON.stringify(b);
      case 'not':
        return typeof a === 'boolean' ? !a : new Unresolved(text, 'not() needs a boolean');
      case 'and':
        return args.every((x) => x === true);
      case 'or':
        return args.some((x) => x === true);
      case 'createarray':
        return args;
      case 'array':
        return Array.isArray(a) ? a : [a];
      default:
        return new Unresolved(text, `${name}() is known only when the template is deployed`);
    }
  }

  private parameter(name: string, text: string): unknown {
    const p = this.template.parameters[name];
    if (!isRecord(p)) return new Unresolved(text, `parameter ${name} is not declared`);
    if (!('defaultValue' in p)) return new Unresolved(text, `parameter ${name} has no defaultValue; its value is given at deployment`);
    return this.value(p['defaultValue']);
  }

  private variable(name: string, text: string): unknown {
    if (this.cache.has(name)) return this.cache.get(name);
    if (!(name in this.template.variables)) return new Unresolved(text, `variable ${name} is not declared`);
    if (this.busy.has(name)) return new Unresolved(text, `variable ${name} refers to itself`);
    this.busy.add(name);
    const v = this.value(this.template.variables[name]);
    this.busy.delete(name);
    this.cache.set(name, v);
    return v;
  }
}
