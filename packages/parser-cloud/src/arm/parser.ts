import type { InputFile, ParseResult } from '@portcullis/model';
import { convertNsg } from '../azure/convert.js';
import type { AzureNsg, AzureSecurityRule } from '../azure/representation.js';
import { isRecord, loadJson } from '../common/document.js';
import { FieldReader, asNumber, asString } from '../common/fields.js';
import { Inputs, type Span } from '../common/report.js';
import { Unresolved, isUnresolved, type Maybe } from '../common/unresolved.js';
import { ArmEvaluator } from './expressions.js';

/*
 * ARM templates: `Microsoft.Network/networkSecurityGroups` with their `securityRules`, and the
 * separate `…/securityRules` resources (top level, named `nsg/rule`, or nested in the NSG).
 */

export const FORMAT = 'arm-template';

const NSG_TYPE = 'microsoft.network/networksecuritygroups';
const RULE_TYPE = 'microsoft.network/networksecuritygroups/securityrules';
const TEMPLATE_KEYS = ['$schema', 'contentVersion', 'apiProfile', 'parameters', 'variables', 'functions', 'resources', 'outputs', 'metadata', 'languageVersion', 'definitions'];
const RESOURCE_USED = ['type', 'name', 'properties', 'resources'];
const RESOURCE_IGNORED = ['apiVersion', 'location', 'tags', 'dependsOn', 'condition', 'comments', 'metadata', 'scope', 'id', 'sku', 'kind'];
const RULE_FIELDS = [
  'priority', 'direction', 'access', 'protocol', 'sourceAddressPrefix', 'sourceAddressPrefixes', 'sourcePortRange', 'sourcePortRanges',
  'destinationAddressPrefix', 'destinationAddressPrefixes', 'destinationPortRange', 'destinationPortRanges',
  'sourceApplicationSecurityGroups', 'destinationApplicationSecurityGroups',
];

export function parseArm(file: InputFile): ParseResult {
  const inputs = new Inputs();
  inputs.add(file);
  const doc = loadJson(file.text);
  for (const e of doc.errors) inputs.report({ file: file.path, line: e.line, column: e.column }, 'error', 'parse-error', e.message);
  const r = new FieldReader(inputs, file.path, doc);
  const root = isRecord(doc.value) ? doc.value : {};
  r.fields(root, ['resources'], TEMPLATE_KEYS, 'template');
  const evaluator = new ArmEvaluator({
    parameters: isRecord(root['parameters']) ? root['parameters'] : {},
    variables: isRecord(root['variables']) ? root['variables'] : {},
  });
  const reader = new TemplateReader(r, evaluator);
  reader.resources(Array.isArray(root['resources']) ? root['resources'] : [], undefined);
  reader.attachRules();
  inputs.ignoreRest(file.path);
  return inputs.finish(reader.nsgs.map((n) => convertNsg(n, inputs)));
}

class TemplateReader {
  readonly nsgs: AzureNsg[] = [];
  private readonly pending: { nsg: string; rule: AzureSecurityRule; at: Span }[] = [];

  constructor(
    private readonly r: FieldReader,
    private readonly evaluator: ArmEvaluator,
  ) {}

  resources(list: unknown[], parent: AzureNsg | undefined): void {
    for (const res of list) {
      if (!isRecord(res)) continue;
      const type = typeof res['type'] === 'string' ? res['type'].toLowerCase() : '';
      if (type === NSG_TYPE && !parent) this.nsg(res);
      else if (type === RULE_TYPE || (parent && type === 'securityrules')) this.separateRule(res, parent);
      else if (isRecord(res) && Array.isArray(res['resources'])) this.resources(res['resources'], undefined);
    }
  }

  private text(v: unknown): string {
    const e = this.evaluator.value(v);
    // JSON.stringify(undefined) is undefined, not a string: a resource without a name has one here.
    return typeof e === 'string' ? e : isUnresolved(e) ? e.text : (JSON.stringify(v) ?? String(v));
  }

  private nsg(res: Record<string, unknown>): void {
    this.r.fields(res, RESOURCE_USED, RESOURCE_IGNORED, 'network security group');
    const name = this.text(res['name']);
    const nsg: AzureNsg = { name, format: FORMAT, origin: this.r.origin(res, name), rules: [] };
    const props = res['properties'];
    if (isRecord(props)) {
      this.r.fields(props, ['securityRules'], ['flushConnection'], `properties of ${name}`);
      const rules = props['securityRules'];
      if (Array.isArray(rules)) {
        rules.forEach((x, i) => {
          if (isRecord(x)) nsg.rules.push(this.rule(x, name, this.r.itemSpan(rules, i)));
        });
      } else if (rules !== undefined) {
        this.r.inputs.note({ file: this.r.file, line: this.r.keySpan(props, 'securityRules')?.line ?? 1 }, 'warning', 'unresolved-reference', `securityRules is an expression (${this.text(rules)}); its rules are not known`);
      }
    }
    this.nsgs.push(nsg);
    if (Array.isArray(res['resources'])) this.resources(res['resources'], nsg);
  }

  private separateRule(res: Record<string, unknown>, parent: AzureNsg | undefined): void {
    this.r.fields(res, RESOURCE_USED, RESOURCE_IGNORED, 'security rule');
    const full = this.text(res['name']);
    const slash = full.lastIndexOf('/');
    const nsg = parent?.name ?? (slash > 0 ? full.slice(0, slash) : full);
    const rule = this.rule(res, nsg, undefined);
    rule.name = slash > 0 && !parent ? full.slice(slash + 1) : full;
    if (parent) parent.rules.push(rule);
    else this.pending.push({ nsg, rule, at: this.r.span(res) ?? { line: 1, endLine: 1 } });
  }

  /** Separate rules join their NSG once every NSG of the template is known. */
  attachRules(): void {
    for (const p of this.pending) {
      let nsg = this.nsgs.find((n) => n.name === p.nsg);
      if (!nsg) {
        nsg = { name: p.nsg, format: FORMAT, origin: p.rule.origin, rules: [], external: true };
        this.r.inputs.note({ file: this.r.file, line: p.at.line }, 'info', 'external-container', `the rule belongs to ${p.nsg}, which this template does not declare: its rules are read as an NSG of their own`);
        this.nsgs.push(nsg);
      }
      nsg.rules.push(p.rule);
    }
  }

  private rule(x: Record<string, unknown>, nsg: string, span: Span | undefined): AzureSecurityRule {
    // An inline rule is accounted here; a separate rule resource was, as a resource.
    if (span) this.r.fields(x, ['name', 'properties'], ['id', 'type', 'etag'], 'security rule');
    const raw = isRecord(x['properties']) ? x['properties'] : {};
    this.r.fields(raw, RULE_FIELDS, ['description', 'provisioningState'], 'security rule');
    const p = this.evaluator.value(raw) as Record<string, unknown>;
    const list = (one: string, many: string): Maybe<string>[] => {
      const out: Maybe<string>[] = [];
      const single = p[one];
      if (single !== undefined && single !== '') out.push(asString(single, one));
      const multi = p[many];
      if (Array.isArray(multi)) for (const m of multi) out.push(asString(m, many));
      else if (multi !== undefined) out.push(isUnresolved(multi) ? multi : asString(multi, many));
      return out;
    };
    const groups = (key: string): string[] => (Array.isArray(p[key]) ? (p[key] as unknown[]).map((g) => (isRecord(g) ? this.text(g['id']) : this.text(g))) : []);
    const required = <T>(v: Maybe<T> | undefined, key: string): Maybe<T> => v ?? new Unresolved(key, `the rule has no ${key}`);
    const rule: AzureSecurityRule = {
      origin: this.r.origin(x, nsg, span),
      name: this.text(x['name']),
      priority: required(p['priority'] === undefined ? undefined : asNumber(p['priority'], 'priority'), 'priority'),
      direction: required(p['direction'] === undefined ? undefined : asString(p['direction'], 'direction'), 'direction'),
      access: required(p['access'] === undefined ? undefined : asString(p['access'], 'access'), 'access'),
      protocol: required(p['protocol'] === undefined ? undefined : asString(p['protocol'], 'protocol'), 'protocol'),
      sourcePrefixes: list('sourceAddressPrefix', 'sourceAddressPrefixes'),
      sourcePortRanges: list('sourcePortRange', 'sourcePortRanges'),
      destinationPrefixes: list('destinationAddressPrefix', 'destinationAddressPrefixes'),
      destinationPortRanges: list('destinationPortRange', 'destinationPortRanges'),
      sourceGroups: groups('sourceApplicationSecurityGroups'),
      destinationGroups: groups('destinationApplicationSecurityGroups'),
    };
    if (typeof p['description'] === 'string') rule.description = p['description'];
    return rule;
  }
}
