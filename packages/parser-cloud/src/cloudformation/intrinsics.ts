import { DEFAULT_SCHEMA, Type, type Schema } from 'js-yaml';
import { isRecord } from '../common/document.js';
import { Unresolved } from '../common/unresolved.js';

/*
 * CloudFormation's short-form intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`, …) as js-yaml types that
 * build the plain long form (`{ Ref: … }`, `{ "Fn::GetAtt": [...] }`): the template is data, never
 * code. Then a small evaluator works out what is static: parameter defaults, mappings, conditions.
 */

const FUNCTIONS = [
  'Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform',
  'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length', 'GetAtt',
];

function tagTypes(): Type[] {
  const types: Type[] = [];
  const kinds = ['scalar', 'sequence', 'mapping'] as const;
  for (const kind of kinds) {
    types.push(new Type('!Ref', { kind, construct: (data: unknown) => ({ Ref: data }) }));
    types.push(new Type('!Condition', { kind, construct: (data: unknown) => ({ Condition: data }) }));
    for (const name of FUNCTIONS) {
      types.push(new Type(`!${name}`, {
        kind,
        construct: (data: unknown) => {
          // `!GetAtt Resource.Attribute` is the scalar form of `[Resource, Attribute]`.
          if (name === 'GetAtt' && typeof data === 'string') {
            const dot = data.indexOf('.');
            return { 'Fn::GetAtt': dot > 0 ? [data.slice(0, dot), data.slice(dot + 1)] : [data] };
          }
          return { [`Fn::${name}`]: data };
        },
      }));
    }
  }
  return types;
}

export const CLOUDFORMATION_SCHEMA: Schema = DEFAULT_SCHEMA.extend(tagTypes());

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

/** What the template declares that intrinsic functions can refer to. */
export interface TemplateScope {
  parameters: Record<string, unknown>;
  mappings: Record<string, unknown>;
  conditions: Record<string, unknown>;
  resources: Set<string>;
}

/** The value of `!Ref AWS::NoValue`: the property is left out. */
export const NO_VALUE = Symbol('AWS::NoValue');

export class TemplateEvaluator {
  private readonly conditionCache = new Map<string, boolean | Unresolved>();

  constructor(private readonly scope: TemplateScope) {}

  /** Evaluates intrinsic functions where their inputs are static; anything else becomes Unresolved. */
  value(v: unknown, depth = 0): unknown {
    if (depth > 50) return new Unresolved(shortText(v), 'too deeply nested');
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1)).filter((x) => x !== NO_VALUE);
    if (!isRecord(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const key = keys[0]!;
      const arg = v[key];
      if (key === 'Ref') return this.ref(arg);
      if (key.startsWith('Fn::')) return this.fn(key.slice(4), arg, v, depth);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const x = this.value(v[k], depth + 1);
      if (x !== NO_VALUE) out[k] = x;
    }
    return out;
  }

  private ref(name: unknown): unknown {
    if (typeof name !== 'string') return new Unresolved(`!Ref ${shortText(name)}`, 'Ref needs a name');
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (PSEUDO.has(name)) return new Unresolved(`!Ref ${name}`, 'a pseudo parameter known only when the stack is deployed');
    if (name in this.scope.parameters) return this.parameter(name);
    if (this.scope.resources.has(name)) return new Unresolved(`!Ref ${name}`, `the id of resource ${name} is known only when the stack is deployed`, [name]);
    return new Unresolved(`!Ref ${name}`, `${name} is neither a parameter nor a resource of this template`);
  }

  private parameter(name: string): unknown {
    const p = this.scope.parameters[name];
    if (!isRecord(p) || !('Default' in p)) return new Unresolved(`!Ref ${name}`, `parameter ${name} has no Default; its value is given at deployment`);
    const type = typeof p['Type'] === 'string' ? p['Type'] : 'String';
    const d = p['Default'];
    if ((type === 'CommaDelimitedList' || type.startsWith('List<')) && typeof d === 'string') return d.split(',').map((s) => s.trim());
    if (type === 'Number' && typeof d === 'string' && d.trim() !== '' && !Number.isNaN(Number(d))) return Number(d);
    return d;
  }

  private fn(name: string, arg: unknown, whole: unknown, depth: number): unknown {
    const text = shortText(whole);
    const unresolved = (reason: string, refs: string[] = []): Unresolved => new Unresolved(text, reason, refs);
    const args: unknown[] | undefined = Array.isArray(arg) ? (arg as unknown[]) : undefined;
    switch (name) {
      case 'GetAtt': {
        const res = typeof args?.[0] === 'string' ? args[0] : '';
        return unresolved(`attribute ${typeof args?.[1] === 'string' ? `${args[1]} ` : ''}of ${res || 'a resource'} is known only when the stack is deployed`, res ? [res] : []);
      }
      case 'Sub':
        return this.sub(arg, text, depth);
      case 'Join': {
        const list = args && args.length === 2 ? this.value(args[1], depth + 1) : undefined;
        const sep = args?.[0];
        if (typeof sep !== 'string' || !Array.isArray(list)) return firstUnresolved(list) ?? unresolved('Fn::Join needs a delimiter and a list');
        const bad = (list as unknown[]).find((x) => typeof x !== 'string' && typeof x !== 'number');
        return bad === undefined ? list.join(sep) : bad instanceof Unresolved ? bad : unresolved('Fn::Join over values that are not strings');
      }
      case 'Select': {
        const index = args ? this.value(args[0], depth + 1) : undefined;
        const list = args ? this.value(args[1], depth + 1) : undefined;
        const i = typeof index === 'string' ? Number(index) : index;
        if (typeof i === 'number' && Array.isArray(list) && Number.isInteger(i) && i >= 0 && i < list.length) return list[i];
        return firstUnresolved(index, list) ?? unresolved('Fn::Select index is not in the list');
      }
      case 'Split': {
        const sep = args?.[0];
        const s = args ? this.value(args[1], depth + 1) : undefined;
        if (typeof sep === 'string' && typeof s === 'string' && sep !== '') return s.split(sep);
        return firstUnresolved(s) ?? unresolved('Fn::Split needs a delimiter and a string');
      }
      case 'FindInMap': {
        const parts = args ? args.map((x) => this.value(x, depth + 1)) : [];
        let cur: unknown = this.scope.mappings;
        for (const p of parts.slice(0, 3)) {
          if (typeof p !== 'string' || !isRecord(cur) || !(p in cur)) return firstUnresolved(...parts) ?? unresolved('Fn::FindInMap: no such entry in Mappings');
          cur = cur[p];
        }
        return parts.length === 3 ? this.value(cur, depth + 1) : unresolved('Fn::FindInMap needs a map, a key and a second key');
      }
      case 'If': {
        const cond = args?.[0];
        if (!args || args.length !== 3 || typeof cond !== 'string') return unresolved('Fn::If needs a condition name and two values');
        const c = this.condition(cond);
        if (c instanceof Unresolved) return new Unresolved(text, `condition ${cond} depends on ${c.text}: ${c.reason}`);
        return this.value(c ? args[1] : args[2], depth + 1);
      }
      default:
        return unresolved(`Fn::${name} is not evaluated`);
    }
  }

  /** A condition of the template's Conditions section, when it depends on static values only. */
  condition(name: string, depth = 0): boolean | Unresolved {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (depth > 20) return new Unresolved(name, 'conditions refer to each other in a loop');
    const def = this.scope.conditions[name];
    const result = def === undefined ? new Unresolved(name, 'no such condition') : this.truth(def, depth + 1);
    this.conditionCache.set(name, result);
    return result;
  }

  private truth(v: unknown, depth: number): boolean | Unresolved {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') return v === 'true' ? true : v === 'false' ? false : new Unresolved(v, 'not a condition');
    if (!isRecord(v)) return new Unresolved(shortText(v), 'not a condition');
    const [key] = Object.keys(v);
    const arg = key ? v[key] : undefined;
    const args: unknown[] = Array.isArray(arg) ? (arg as unknown[]) : [];
    switch (key) {
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg, depth) : new Unresolved(shortText(v), 'Condition needs a name');
      case 'Fn::Equals': {
        const [a, b] = args.map((x) => this.value(x, depth));
        if (a instanceof Unresolved) return a;
        if (b instanceof Unresolved) return b;
        return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
      }
      case 'Fn::Not': {
        const t = this.truth(args[0], depth);
        return t instanceof Unresolved ? t : !t;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const values = args.map((x) => this.truth(x, depth));
        const known = values.filter((x): x is boolean => typeof x === 'boolean');
        if (key === 'Fn::And' && known.includes(false)) return false;
        if (key === 'Fn::Or' && known.includes(true)) return true;
        const u = values.find((x): x is Unresolved => x instanceof Unresolved);
        return u ?? key === 'Fn::And';
      }
      default:
        return new Unresolved(shortText(v), 'not a condition function');
    }
  }

  private sub(arg: unknown, text: string, depth: number): unknown {
    const list: unknown[] | undefined = Array.isArray(arg) ? (arg as unknown[]) : undefined;
    const template = list ? list[0] : arg;
    const vars = list && isRecord(list[1]) ? list[1] : {};
    if (typeof template !== 'string') return new Unresolved(text, 'Fn::Sub needs a string');
    let out = '';
    let i = 0;
    while (i < template.length) {
      const open = template.indexOf('${', i);
      if (open < 0) break;
      const close = template.indexOf('}', open);
      if (close < 0) break;
      out += template.slice(i, open);
      const name = template.slice(open + 2, close).trim();
      i = close + 1;
      if (name.startsWith('!')) {
        out += `\${${name.slice(1)}}`;
        continue;
      }
      const v = name in vars ? this.value(vars[name], depth + 1) : name.includes('.') ? this.fn('GetAtt', name.split('.'), { 'Fn::GetAtt': name }, depth) : this.ref(name);
      if (typeof v === 'string' || typeof v === 'number') out += String(v);
      else return v instanceof Unresolved ? new Unresolved(text, `\${${name}}: ${v.reason}`, v.refs) : new Unresolved(text, `\${${name}} is not a string`);
    }
    return out + template.slice(i);
  }
}

function firstUnresolved(...values: unknown[]): Unresolved | undefined {
  for (const v of values) {
    if (v instanceof Unresolved) return v;
    if (Array.isArray(v)) {
      const u = (v as unknown[]).find((x): x is Unresolved => x instanceof Unresolved);
      if (u) return u;
    }
  }
  return undefined;
}

/** A short rendering of an intrinsic for messages: `!Ref VpcCidr`, `!GetAtt Web.GroupId`. */
export function shortText(v: unknown): string {
  if (isRecord(v)) {
    const [key] = Object.keys(v);
    if (key === 'Ref') return `!Ref ${String(v[key] as string)}`;
    if (key === 'Fn::GetAtt' && Array.isArray(v[key])) return `!GetAtt ${(v[key] as unknown[]).map(String).join('.')}`;
    if (key?.startsWith('Fn::')) return `!${key.slice(4)} ${clipJson(v[key])}`;
  }
  return clipJson(v);
}

function clipJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
