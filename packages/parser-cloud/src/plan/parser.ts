import type { InputFile, ParseResult } from '@portcullis/model';
import { isRecord, loadJson } from '../common/document.js';
import { FieldReader } from '../common/fields.js';
import { Inputs, type Span } from '../common/report.js';
import { Unresolved } from '../common/unresolved.js';
import type { Value } from '../terraform/evaluate.js';
import { convertEstate } from '../terraform/parser.js';
import { SCHEMAS, readResources } from '../terraform/schema.js';
import type { TfAttribute, TfBlock, TfResource } from '../terraform/view.js';

/*
 * `terraform show -json plan.out` (and `terraform show -json` of a state): the resources'
 * `planned_values` (or `values`), where variables are already applied. What is known only after
 * apply is unknown there (`after_unknown`); the `configuration` section still says what such a
 * value refers to, which is how a rule finds a group that does not exist yet.
 */

export const FORMAT = 'terraform-plan';

interface Context {
  reader: FieldReader;
  /** address without instance key → attribute the configuration sets → what it refers to */
  references: Map<string, Record<string, string[]>>;
  /** address → after_unknown */
  unknown: Map<string, unknown>;
  /** address → values, for every resource (networks too) */
  values: Map<string, Record<string, unknown>>;
}

export function parseTerraformPlan(file: InputFile): ParseResult {
  const inputs = new Inputs();
  inputs.add(file);
  const doc = loadJson(file.text);
  for (const e of doc.errors) inputs.report({ file: file.path, line: e.line, column: e.column }, 'error', 'parse-error', e.message);
  const reader = new FieldReader(inputs, file.path, doc);
  const root = isRecord(doc.value) ? doc.value : {};
  const ctx: Context = { reader, references: new Map(), unknown: new Map(), values: new Map() };
  const config = isRecord(root['configuration']) ? root['configuration']['root_module'] : undefined;
  if (isRecord(config)) configReferences(config, '', ctx.references);
  if (Array.isArray(root['resource_changes'])) {
    for (const rc of root['resource_changes']) {
      if (isRecord(rc) && typeof rc['address'] === 'string' && isRecord(rc['change'])) ctx.unknown.set(rc['address'], rc['change']['after_unknown']);
    }
  }
  const values = isRecord(root['planned_values']) ? root['planned_values'] : isRecord(root['values']) ? root['values'] : undefined;
  const resources: TfResource[] = [];
  if (values && isRecord(values['root_module'])) collect(values['root_module'], ctx, resources);
  else if (!values) inputs.note({ file: file.path, line: 1 }, 'warning', 'no-planned-values', 'the plan has no planned_values: nothing to read');
  inputs.ignoreRest(file.path);
  const lookup = (address: string, attribute: string): Value | undefined => ctx.values.get(address)?.[attribute] as Value | undefined;
  return inputs.finish(convertEstate(readResources(resources, FORMAT, inputs, lookup), inputs));
}

function collect(module: Record<string, unknown>, ctx: Context, out: TfResource[]): void {
  for (const r of Array.isArray(module['resources']) ? module['resources'] : []) {
    if (!isRecord(r) || r['mode'] !== 'managed' || typeof r['type'] !== 'string' || typeof r['address'] !== 'string') continue;
    const schema = SCHEMAS[r['type']];
    const values = r['values'];
    if (isRecord(values)) ctx.values.set(r['address'], values);
    if (!schema || !isRecord(values)) continue;
    const span = ctx.reader.span(r) ?? { line: 1, endLine: 1 };
    ctx.reader.recognise({ line: span.line, endLine: span.line });
    // A plan lists every attribute of the schema, computed ones too: those not read are ignored.
    ctx.reader.fields(values, schema.used, Object.keys(values).filter((k) => !schema.used.includes(k)), r['address']);
    const address = r['address'];
    const configAddress = address.replace(/\[[^\]]*\]$/, '');
    const block = new PlanBlock(ctx, span, values, ctx.unknown.get(address), ctx.references.get(configAddress), address);
    out.push(Object.assign(block, { type: r['type'], address }) as PlanBlock & TfResource);
  }
  for (const child of Array.isArray(module['child_modules']) ? module['child_modules'] : []) {
    if (isRecord(child)) collect(child, ctx, out);
  }
}

/** The `configuration` section: what each attribute's expression refers to, by resource address. */
function configReferences(module: Record<string, unknown>, prefix: string, out: Map<string, Record<string, string[]>>): void {
  for (const r of Array.isArray(module['resources']) ? module['resources'] : []) {
    if (!isRecord(r) || typeof r['address'] !== 'string' || !isRecord(r['expressions'])) continue;
    const refs: Record<string, string[]> = {};
    for (const [attr, expr] of Object.entries(r['expressions'])) {
      const list = isRecord(expr) && Array.isArray(expr['references']) ? expr['references'] : [];
      refs[attr] = list.filter((x): x is string => typeof x === 'string').map((x) => prefix + x);
    }
    out.set(prefix + r['address'], refs);
  }
  const calls = module['module_calls'];
  if (!isRecord(calls)) return;
  for (const [name, call] of Object.entries(calls)) {
    if (isRecord(call) && isRecord(call['module'])) configReferences(call['module'], `${prefix}module.${name}.`, out);
  }
}

/** A resource's (or nested block's) values in the plan, with the places of its keys and items. */
class PlanBlock implements TfBlock {
  readonly file: string;

  constructor(
    private readonly ctx: Context,
    readonly span: Span,
    private readonly values: Record<string, unknown>,
    private readonly unknown: unknown,
    /** What the configuration sets (undefined for nested blocks, where the plan does not say). */
    private readonly refs: Record<string, string[]> | undefined,
    private readonly path: string,
  ) {
    this.file = ctx.reader.file;
  }

  attr(name: string): TfAttribute | undefined {
    const span = this.ctx.reader.keySpan(this.values, name) ?? this.span;
    const unknown = isRecord(this.unknown) ? this.unknown[name] : undefined;
    const v = this.values[name];
    if (unknown === true && (v === undefined || v === null)) {
      // Unknown and not set by the configuration: the provider computes it; it says nothing about access.
      if (this.refs && !(name in this.refs)) return undefined;
      const refs = this.refs?.[name] ?? [];
      return { value: new Unresolved(refs[0] ?? `${this.path}.${name}`, 'known only after apply', refs), span };
    }
    if (v === undefined || v === null) return undefined;
    return { value: v as Value, span };
  }

  blocks(type: string): TfBlock[] {
    const list = this.values[type];
    if (!Array.isArray(list)) return [];
    const unknowns = isRecord(this.unknown) && Array.isArray(this.unknown[type]) ? (this.unknown[type] as unknown[]) : [];
    const out: TfBlock[] = [];
    list.forEach((item, i) => {
      if (!isRecord(item)) return;
      const span = this.ctx.reader.span(item) ?? this.ctx.reader.itemSpan(list, i) ?? this.span;
      out.push(new PlanBlock(this.ctx, span, item, unknowns[i], undefined, `${this.path}.${type}[${i}]`));
    });
    return out;
  }
}
