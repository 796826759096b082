import type { InputFile } from '@portcullis/model';
import type { Inputs, Span } from '../common/report.js';
import { Unresolved } from '../common/unresolved.js';
import { Evaluator, clipText, entries, literalText, type ModuleScope, type Step, type Value } from './evaluate.js';
import { blockParts, cleanText, isBlank, isNameCode, named, parseHcl, spanOf, textOf, treeHasError, type Node, type Tree } from './hcl.js';
import { META_ATTRIBUTES, META_BLOCKS, SCHEMAS, type BlockSchema } from './schema.js';
import { ObjectBlock, type TfAttribute, type TfBlock, type TfResource } from './view.js';

/*
 * A Terraform module: the `.tf` files of one folder read together, with the values of its
 * `*.tfvars` files. Variables take their value from the tfvars (terraform.tfvars, then
 * *.auto.tfvars, then any other .tfvars, later files winning), else from their default; locals
 * are evaluated when first used; resources with `count` or `for_each` become one instance each.
 */

interface ResourceDecl {
  type: string;
  name: string;
  file: string;
  block: Node;
  body: Node | undefined;
  span: Span;
  instances?: Instance[];
}

/**
 * What a body holds, in order: its attributes and its blocks, each read from tree-sitter once.
 * Accounting for a resource's lines, the schema's reads and nested blocks' lookups all go through
 * these instead of asking for the same children again (each child a call into WebAssembly and a new
 * object). A span is worked out when first asked for.
 */
export interface AttributeItem {
  kind: 'attribute';
  node: Node;
  /** The first named child's text, '' if none. */
  name: string;
  /** The second named child; for an attribute read from the text (`literal`), once asked for (exprOf). */
  expr?: Node;
  /** The value's text, for an attribute read from the file's text (plainAttribute). */
  literal?: string;
  /** Where an attribute read from the text ends. */
  end?: number;
  span?: Span;
}

export interface BlockItem {
  kind: 'block';
  node: Node;
  type: string;
  labels: string[];
  body: Node | undefined;
  /** Where the block ends, when read from its closing brace (blockParts). */
  end?: number;
  span?: Span;
}

interface BodyContents {
  items: (AttributeItem | BlockItem)[];
  /** Attributes with a name and a value, by name (a later one wins). */
  attributes: Map<string, AttributeItem>;
}

/** An attribute's or a block's lines, worked out once. */
export function itemSpan(item: AttributeItem | BlockItem): Span {
  return (item.span ??= spanOf(item.node, item.end));
}

/** The expression of an attribute of a body's `attributes`. */
function exprOf(item: AttributeItem): Node {
  return (item.expr ??= named(item.node)[1]!);
}

/** One instance of a resource: its `count.index` or `each` key, or why the instances are not known. */
interface Instance {
  key?: Value;
  bindings: Map<string, Value>;
  unknown?: string;
}

const KNOWN_TOP_BLOCKS = new Set(['terraform', 'provider', 'variable', 'locals', 'output', 'data', 'module', 'moved', 'import', 'check', 'removed', 'resource', 'ephemeral']);

export class TerraformModule implements ModuleScope {
  private readonly trees: { path: string; tree: Tree }[] = [];
  private readonly variables = new Map<string, { defaultNode?: Node }>();
  private readonly tfvars = new Map<string, Value>();
  private readonly locals = new Map<string, { node: Node; value?: Value; busy?: boolean }>();
  private readonly resources = new Map<string, ResourceDecl>();
  private readonly bodies = new Map<number, BodyContents>();
  private readonly busyAttrs = new Set<string>();
  readonly evaluator = new Evaluator(this);

  constructor(
    files: InputFile[],
    private readonly inputs: Inputs,
  ) {
    const tf = files.filter((f) => !isTfvars(f.path));
    const vars = files.filter((f) => isTfvars(f.path)).sort((a, b) => tfvarsRank(a.path) - tfvarsRank(b.path) || (a.path < b.path ? -1 : 1));
    for (const f of [...tf, ...vars]) {
      const parsed = parseHcl(f.text);
      if (typeof parsed === 'string') {
        inputs.report({ file: f.path, line: 1 }, 'error', 'parse-error', parsed);
        continue;
      }
      this.trees.push({ path: f.path, tree: parsed });
      const root = parsed.rootNode;
      if (treeHasError(parsed)) this.syntaxErrors(f.path, root);
      this.comments(f.path);
      if (isTfvars(f.path)) this.readTfvars(f.path, root, tfvarsRank(f.path));
      else this.declarations(f.path, root);
    }
  }

  /** Frees the parse trees (WebAssembly memory). */
  dispose(): void {
    for (const t of this.trees) t.tree.delete();
    this.trees.length = 0;
  }

  // ---- reading the files ----------------------------------------------------------------------

  private syntaxErrors(file: string, root: Node): void {
    let reported = 0;
    // Depth first, in document order, with a stack of its own: tree-sitter's error recovery can nest
    // nodes tens of thousands deep (a line of 87,000 `>`), too deep for a recursive walk.
    const todo: Node[] = [root];
    while (todo.length > 0 && reported < 50) {
      const n = todo.pop()!;
      if (n.isError || n.isMissing) {
        const s = spanOf(n);
        reported++;
        this.inputs.report({ file, line: s.line, column: s.column }, 'error', 'syntax-error',
          n.isMissing ? `missing '${n.type}' here` : `not valid HCL: '${clipText(textOf(n)).slice(0, 60)}'`);
        continue;
      }
      const next: Node[] = [];
      for (const c of named(n)) if (c.hasError || c.isMissing) next.push(c);
      for (const c of n.children) if (c && c.isMissing) next.push(c);
      for (let i = next.length - 1; i >= 0; i--) todo.push(next[i]!);
    }
  }

  /** Suppressions in `#`, `//` and `/* … *\/` comments. */
  private comments(file: string): void {
    this.inputs.textLines(file).forEach((line, i) => {
      if (!line.includes('portcullis-ignore')) return;
      const at = hclCommentStart(line);
      if (at >= 0) this.inputs.comment(file, i + 1, line.slice(at));
    });
  }

  private readTfvars(file: string, root: Node, rank: number): void {
    const body = named(root).find((c) => c.type === 'body');
    for (const c of body ? named(body) : []) {
      if (c.type === 'attribute') {
        const [id, expr] = named(c);
        if (!id || !expr) continue;
        this.tfvars.set(textOf(id), this.evaluator.evaluate(expr));
        this.inputs.recognise(file, spanOf(c));
      } else if (c.type === 'block') {
        this.inputs.report({ file, line: spanOf(c).line }, 'warning', 'unrecognised-line', 'a .tfvars file holds only variable assignments');
      }
    }
    if (rank === 2) this.inputs.note({ file, line: 1 }, 'info', 'tfvars-assumed', 'Terraform loads this file only with -var-file; its values are used as if it were given');
    this.inputs.ignoreRest(file);
  }

  private declarations(file: string, root: Node): void {
    const body = named(root).find((c) => c.type === 'body');
    for (const item of body ? this.contents(body).items : []) {
      if (item.kind === 'attribute') {
        this.inputs.report({ file, line: itemSpan(item).line }, 'warning', 'unrecognised-line', 'an attribute outside any block: not valid in a .tf file');
        continue;
      }
      const { node: c, type, labels, body: inner } = item;
      const span = itemSpan(item);
      if (!KNOWN_TOP_BLOCKS.has(type)) {
        this.inputs.report({ file, line: span.line }, 'warning', 'unrecognised-line', `'${type}' is not a Terraform block`);
        continue;
      }
      if (type === 'variable' && labels[0] !== undefined) {
        const def = inner ? this.attributes(inner).get('default') : undefined;
        this.variables.set(labels[0], def ? { defaultNode: exprOf(def) } : {});
        this.inputs.recognise(file, span);
      } else if (type === 'locals' && inner) {
        for (const [name, item] of this.attributes(inner)) this.locals.set(name, { node: exprOf(item) });
        this.inputs.recognise(file, span);
      } else if (type === 'resource' && labels.length >= 2) {
        const decl: ResourceDecl = { type: labels[0]!, name: labels[1]!, file, block: c, body: inner, span };
        this.resources.set(`${decl.type}.${decl.name}`, decl);
        if (SCHEMAS[decl.type]) this.account(file, span, inner, SCHEMAS[decl.type]!, true);
      }
      this.inputs.ignore(file, span);
    }
    this.inputs.ignoreRest(file);
  }

  /**
   * Marks a resource's lines: its header and the attributes and blocks the schema uses are
   * recognised, the ones it knows to be irrelevant ignored, anything else reported.
   */
  private account(file: string, span: Span, body: Node | undefined, schema: BlockSchema, resource: boolean): void {
    this.inputs.recognise(file, { line: span.line, endLine: span.line });
    for (const c of body ? this.contents(body).items : []) {
      const s = itemSpan(c);
      if (c.kind === 'attribute') {
        const name = c.name;
        if (schema.used.includes(name) || (resource && (name === 'count' || name === 'for_each'))) this.inputs.recognise(file, s);
        else if (schema.ignored.includes(name) || (resource && META_ATTRIBUTES.includes(name))) this.inputs.ignore(file, s);
        else this.inputs.report({ file, line: s.line }, 'info', 'unsupported-attribute', `attribute '${name}' is not read`);
      } else {
        const { type, labels } = c;
        const nested = schema.blocks?.[type];
        if (type === 'dynamic' && labels[0] !== undefined && schema.blocks?.[labels[0]]) {
          this.inputs.recognise(file, s);
        } else if (nested) {
          if (nested.used.length > 0) this.account(file, s, c.body, nested, false);
          this.inputs.ignore(file, s);
        } else if (resource && META_BLOCKS.includes(type)) {
          this.inputs.ignore(file, s);
        } else {
          this.inputs.report({ file, line: s.line }, 'info', 'unsupported-attribute', `block '${type}' is not read`);
        }
      }
    }
    this.inputs.ignore(file, span);
  }

  /** A body's attributes with a name and a value, by name. */
  attributes(body: Node): Map<string, AttributeItem> {
    return this.contents(body).attributes;
  }

  /** A body's attributes and blocks, read once. */
  contents(body: Node): BodyContents {
    let contents = this.bodies.get(body.id);
    if (contents) return contents;
    contents = { items: [], attributes: new Map() };
    const children = named(body);
    // In a tree without errors, `name = literal` is read from the text between an item and the next
    // (plainAttribute); the last item ends where the body does.
    const text = cleanText(body.tree);
    const bodyEnd = text !== undefined && children.length > 0 ? body.endIndex : 0;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      const plain = text !== undefined ? plainAttribute(text, c.startIndex, children[i + 1]?.startIndex ?? bodyEnd) : undefined;
      if (plain) {
        const item: AttributeItem = { kind: 'attribute', node: c, name: plain.name, literal: plain.literal, end: plain.end };
        contents.items.push(item);
        contents.attributes.set(item.name, item);
        continue;
      }
      const t = c.type;
      if (t === 'attribute') {
        const [id, expr] = named(c);
        const item: AttributeItem = { kind: 'attribute', node: c, name: id ? textOf(id) : '', expr };
        contents.items.push(item);
        if (id && expr) contents.attributes.set(item.name, item);
      } else if (t === 'block') {
        contents.items.push({ kind: 'block', node: c, ...blockParts(c) });
      }
    }
    this.bodies.set(body.id, contents);
    return contents;
  }

  // ---- scope ------------------------------------------------------------------------------------

  variable(name: string): Value {
    const given = this.tfvars.get(name);
    if (given !== undefined) return given;
    const v = this.variables.get(name);
    if (!v) return new Unresolved(`var.${name}`, `variable ${name} is not declared in this folder`);
    if (!v.defaultNode) return new Unresolved(`var.${name}`, `variable ${name} has no default and no value in a .tfvars file`);
    return this.evaluator.evaluate(v.defaultNode);
  }

  local(name: string): Value {
    const l = this.locals.get(name);
    if (!l) return new Unresolved(`local.${name}`, `local ${name} is not defined in this folder`);
    if (l.value !== undefined) return l.value;
    if (l.busy) return new Unresolved(`local.${name}`, `local ${name} refers to itself`);
    l.busy = true;
    const value = this.evaluator.evaluate(l.node);
    l.busy = false;
    l.value = value;
    return value;
  }

  resource(type: string, steps: Step[], text: string): { value: Value; used: number } {
    const first = steps[0];
    if (!first || first.kind !== 'attr') return { value: new Unresolved(text, `'${type}' is not defined here`), used: 0 };
    const base = `${type}.${first.name}`;
    const decl = this.resources.get(base);
    if (!decl) return { value: new Unresolved(text, `resource ${base} is not declared in this folder`, [base]), used: steps.length };
    let used = 1;
    let address = base;
    let bindings: Map<string, Value> | undefined = new Map();
    const repeated = decl.body && (this.attributes(decl.body).has('count') || this.attributes(decl.body).has('for_each'));
    if (repeated) {
      const idx = steps[1];
      if (idx?.kind === 'index') {
        used = 2;
        if (idx.key instanceof Unresolved) return { value: idx.key, used: steps.length };
        address = `${base}[${JSON.stringify(idx.key)}]`;
        bindings = this.instances(decl).find((i) => JSON.stringify(i.key) === JSON.stringify(idx.key))?.bindings;
      } else bindings = undefined;
    }
    const attr = steps[used];
    if (!attr || attr.kind !== 'attr') return { value: new Unresolved(text, `${address} is a resource`, [address]), used };
    used++;
    const item = decl.body ? this.attributes(decl.body).get(attr.name) : undefined;
    const key = `${address}.${attr.name}`;
    if (!item || !bindings || this.busyAttrs.has(key)) return { value: new Unresolved(text, `${key} is known only after apply`, [address]), used };
    this.busyAttrs.add(key);
    const value = this.evaluator.evaluate(exprOf(item), bindings);
    this.busyAttrs.delete(key);
    return { value: value instanceof Unresolved ? new Unresolved(text, value.reason, [address, ...value.refs]) : value, used };
  }

  // ---- instances --------------------------------------------------------------------------------

  private instances(decl: ResourceDecl): Instance[] {
    if (decl.instances) return decl.instances;
    const attrs = decl.body ? this.attributes(decl.body) : new Map<string, AttributeItem>();
    const countItem = attrs.get('count');
    const forEachItem = attrs.get('for_each');
    const count = countItem && exprOf(countItem);
    const forEach = forEachItem && exprOf(forEachItem);
    const out: Instance[] = [];
    if (count) {
      const n = this.evaluator.evaluate(count);
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1000) {
        for (let i = 0; i < n; i++) out.push({ key: i, bindings: new Map([['count', { index: i }]]) });
      } else {
        const reason = n instanceof Unresolved ? `count is ${n.text}: ${n.reason}` : `count ${JSON.stringify(n)} is not a whole number from 0 to 1000`;
        out.push({ bindings: new Map([['count', { index: new Unresolved('count.index', reason) }]]), unknown: reason });
      }
    } else if (forEach) {
      const v = this.evaluator.evaluate(forEach);
      if (v instanceof Unresolved) {
        const reason = `for_each is ${v.text}: ${v.reason}`;
        out.push({ bindings: new Map([['each', { key: new Unresolved('each.key', reason), value: new Unresolved('each.value', reason) }]]), unknown: reason });
      } else {
        // A set of strings iterates with each.key = each.value; a map by its keys.
        for (const [k, value] of entries(v)) {
          const key = Array.isArray(v) ? value : k;
          out.push({ key, bindings: new Map([['each', { key, value }]]) });
        }
      }
    } else out.push({ bindings: new Map() });
    decl.instances = out;
    return out;
  }

  /** Every instance of the resources the schema reads, as views the schema can read. */
  readResources(): TfResource[] {
    const out: TfResource[] = [];
    for (const decl of this.resources.values()) {
      if (!SCHEMAS[decl.type]) continue;
      for (const inst of this.instances(decl)) {
        const address = inst.key === undefined ? `${decl.type}.${decl.name}` : `${decl.type}.${decl.name}[${JSON.stringify(inst.key)}]`;
        const block = new HclBlock(this, decl.file, decl.block, decl.body, inst.bindings, decl.span);
        out.push(Object.assign(block, { type: decl.type, address }) as HclBlock & TfResource);
        if (inst.unknown !== undefined) {
          this.inputs.note({ file: decl.file, line: decl.span.line }, 'warning', 'unresolved-reference', `${address}: ${inst.unknown}; read as one instance, values that depend on it stay symbolic`);
        }
      }
    }
    return out;
  }

  /** A resource attribute's value when it is static (`google_compute_network.vpc` → its `name`). */
  staticAttribute(address: string, attribute: string): Value | undefined {
    const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(?:\[(.+)\])?$/.exec(address);
    if (!m) return undefined;
    const steps: Step[] = [{ kind: 'attr', name: m[2]! }];
    if (m[3] !== undefined) {
      let key: Value;
      try {
        key = JSON.parse(m[3]) as Value;
      } catch {
        return undefined;
      }
      steps.push({ kind: 'index', key });
    }
    steps.push({ kind: 'attr', name: attribute });
    const v = this.resource(m[1]!, steps, `${address}.${attribute}`).value;
    return v instanceof Unresolved ? undefined : v;
  }

  /**
   * The value of an attribute of a body's `attributes`, evaluated at the top (not from within
   * another expression, where the evaluator keeps count of how deep it is).
   */
  valueOf(item: AttributeItem, bindings: ReadonlyMap<string, Value>): Value {
    const literal = item.literal !== undefined ? literalText(item.literal) : undefined;
    return literal !== undefined ? literal : this.evaluator.evaluate(exprOf(item), bindings);
  }
}

/** A block of a resource (or the resource itself) read through the module's evaluator. */
export class HclBlock implements TfBlock {
  private readonly values = new Map<string, TfAttribute | undefined>();

  /** `body`: the block's body, as the module read it with the block's header. */
  constructor(
    private readonly module: TerraformModule,
    readonly file: string,
    private readonly node: Node,
    private readonly body: Node | undefined,
    private readonly bindings: ReadonlyMap<string, Value>,
    readonly span: Span,
    readonly unexpanded?: Unresolved,
  ) {}

  attr(name: string): TfAttribute | undefined {
    if (this.values.has(name)) return this.values.get(name);
    const body = this.body;
    const item = body ? this.module.attributes(body).get(name) : undefined;
    let result: TfAttribute | undefined;
    if (item) {
      const value = this.module.valueOf(item, this.bindings);
      if (value !== null) result = { value, span: itemSpan(item) };
    }
    this.values.set(name, result);
    return result;
  }

  blocks(type: string): TfBlock[] {
    const body = this.body;
    if (!body) return [];
    const out: TfBlock[] = [];
    for (const c of this.module.contents(body).items) {
      if (c.kind !== 'block') continue;
      if (c.type === type) out.push(new HclBlock(this.module, this.file, c.node, c.body, this.bindings, itemSpan(c)));
      else if (c.type === 'dynamic' && c.labels[0] === type) out.push(...this.dynamic(c, type));
    }
    // Attributes as blocks: `ingress = [{ … }]`.
    const listed = this.attr(type);
    if (listed) {
      if (listed.value instanceof Unresolved) out.push(new HclBlock(this.module, this.file, this.node, body, this.bindings, listed.span, listed.value));
      else if (Array.isArray(listed.value)) {
        for (const item of listed.value) {
          if (item instanceof Unresolved) out.push(new HclBlock(this.module, this.file, this.node, body, this.bindings, listed.span, item));
          else if (item !== null && typeof item === 'object' && !Array.isArray(item)) out.push(new ObjectBlock(this.file, listed.span, item));
        }
      }
    }
    return out;
  }

  /** `dynamic "ingress" { for_each = …; iterator = …; content { … } }`, one block per element. */
  private dynamic(block: BlockItem, type: string): TfBlock[] {
    const span = itemSpan(block);
    const body = block.body;
    if (!body) return [];
    const contents = this.module.contents(body);
    const forEachItem = contents.attributes.get('for_each');
    const iteratorItem = contents.attributes.get('iterator');
    const forEach = forEachItem && exprOf(forEachItem);
    const iterator = iteratorItem ? textOf(exprOf(iteratorItem)).trim() : type;
    const content = contents.items.find((c): c is BlockItem => c.kind === 'block' && c.type === 'content');
    if (!forEach || !content) return [];
    const collection = this.module.evaluator.evaluate(forEach, this.bindings);
    if (collection instanceof Unresolved) {
      return [new HclBlock(this.module, this.file, content.node, content.body, this.bindings, span, new Unresolved(collection.text, `the dynamic "${type}" block iterates over it: ${collection.reason}`, collection.refs))];
    }
    return entries(collection).map(([key, value]) => {
      const bindings = new Map(this.bindings);
      bindings.set(iterator, { key, value });
      return new HclBlock(this.module, this.file, content.node, content.body, bindings, span);
    });
  }
}

/**
 * An attribute written `name = literal` and nothing more, read from the text from where it starts to
 * where the next item of its body starts (or the body ends): an ASCII name, `=` with spaces or tabs
 * around it, a plain literal (literalText), blanks. In a tree without syntax errors only blanks and
 * comments lie between an item and the next, and this text holds no comment: the attribute is its
 * name and that literal, and ends where the literal does, without asking tree-sitter for its nodes.
 */
function plainAttribute(text: string, start: number, next: number): { name: string; literal: string; end: number } | undefined {
  if (start >= next || !isNameStart(text.charCodeAt(start))) return undefined;
  let i = start + 1;
  while (i < next && isNameCode(text.charCodeAt(i))) i++;
  const name = i;
  while (i < next && isSpace(text.charCodeAt(i))) i++;
  if (i >= next || text.charCodeAt(i) !== 61) return undefined;
  i++;
  while (i < next && isSpace(text.charCodeAt(i))) i++;
  let end = next;
  while (end > i && isBlank(text.charCodeAt(end - 1))) end--;
  const literal = text.slice(i, end);
  return end > i && literalText(literal) !== undefined ? { name: text.slice(start, name), literal, end } : undefined;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isTfvars(path: string): boolean {
  return path.toLowerCase().endsWith('.tfvars');
}

/** terraform.tfvars first, then *.auto.tfvars, then other .tfvars (given with -var-file). */
function tfvarsRank(path: string): number {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (base === 'terraform.tfvars') return 0;
  if (base.endsWith('.auto.tfvars')) return 1;
  return 2;
}

/** Where a `#`, `//` or `/*` comment starts on a line, outside a quoted string; -1 if none. */
function hclCommentStart(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '#' || (c === '/' && (line[i + 1] === '/' || line[i + 1] === '*'))) return i;
  }
  return -1;
}
