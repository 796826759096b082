import type { InputFile, ParseResult } from '@portcullis/model';
import { convertNsg } from '../azure/convert.js';
import type { AzureNsg, AzureSecurityRule } from '../azure/representation.js';
import { isRecord, readJsonPiecewise, type PiecewiseDocument } from '../common/document.js';
import { FieldReader, arrayField, numberField, records, stringField } from '../common/fields.js';
import { Inputs } from '../common/report.js';

/*
 * `az network nsg list` (an array) and `az network nsg show` (one object) output. The CLI flattens
 * each rule's `properties`; the REST shape, with `properties`, is read too.
 */

export const FORMAT = 'azure-cli';

const NSG_USED = ['name', 'securityRules', 'defaultSecurityRules', 'properties'];
const NSG_IGNORED = ['id', 'etag', 'location', 'resourceGroup', 'type', 'tags', 'provisioningState', 'resourceGuid', 'networkInterfaces', 'subnets', 'flowLogs', 'flushConnection'];
const RULE_USED = [
  'name', 'priority', 'direction', 'access', 'protocol', 'sourceAddressPrefix', 'sourceAddressPrefixes', 'sourcePortRange',
  'sourcePortRanges', 'destinationAddressPrefix', 'destinationAddressPrefixes', 'destinationPortRange', 'destinationPortRanges',
  'sourceApplicationSecurityGroups', 'destinationApplicationSecurityGroups', 'description', 'properties',
];
const RULE_IGNORED = ['id', 'etag', 'type', 'resourceGroup', 'provisioningState'];

export function parseAzureCli(file: InputFile): ParseResult {
  // A large `list` output is read an NSG at a time (see PiecewiseDocument): each is done with before the next.
  return readJsonPiecewise(file.text, (doc) => readAzureCli(file, doc));
}

/** Reads one document, piecewise or whole: what `parseAzureCli` does once it has the document. */
export function readAzureCli(file: InputFile, doc: PiecewiseDocument): ParseResult {
  const inputs = new Inputs();
  inputs.add(file);
  for (const e of doc.errors) inputs.report({ file: file.path, line: e.line, column: e.column }, 'error', 'parse-error', e.message);
  const r = new FieldReader(inputs, file.path, doc);
  const root = doc.value;
  // `list` output, REST's `value`, or one NSG (`show`), whose own rule lists are then the document's top lists.
  const list = Array.isArray(root) ? root : isRecord(root) && Array.isArray(root['value']) ? root['value'] : isRecord(root) ? [root] : [];
  const nsgs: AzureNsg[] = [];
  for (const n of doc.items(list)) if (isRecord(n)) nsgs.push(readNsg(r, doc, n));
  inputs.ignoreRest(file.path);
  return inputs.finish(nsgs.map((n) => convertNsg(n, inputs)));
}

function readNsg(r: FieldReader, doc: PiecewiseDocument, n: Record<string, unknown>): AzureNsg {
  r.fields(n, NSG_USED, NSG_IGNORED, 'network security group');
  const props = isRecord(n['properties']) ? n['properties'] : n;
  if (props !== n) r.fields(props, ['securityRules', 'defaultSecurityRules'], NSG_IGNORED, 'network security group properties');
  const name = stringField(n, 'name') ?? `NSG on line ${r.span(n)?.line ?? 1}`;
  // The rule lists of an NSG in a list are its own (`items` gives them as they are); those of a lone
  // NSG are top lists of the document, their rules read one at a time like the NSGs of a list.
  const rules = (key: string): AzureSecurityRule[] => {
    const out: AzureSecurityRule[] = [];
    for (const x of doc.items(arrayField(props, key))) if (isRecord(x)) out.push(readRule(r, x, name));
    return out;
  };
  const nsg: AzureNsg = { name, format: FORMAT, origin: r.origin(n, name), rules: rules('securityRules') };
  const defaults = rules('defaultSecurityRules');
  if (defaults.length > 0) nsg.defaultRules = defaults;
  return nsg;
}

/** The rule's fields live on the rule (CLI) or under `properties` (REST). */
export function readRule(r: FieldReader, x: Record<string, unknown>, nsg: string): AzureSecurityRule {
  r.fields(x, RULE_USED, RULE_IGNORED, 'security rule');
  const p = isRecord(x['properties']) ? x['properties'] : x;
  if (p !== x) r.fields(p, RULE_USED, RULE_IGNORED, 'security rule properties');
  const list = (one: string, many: string): string[] => {
    const out = arrayField(p, many).filter((v): v is string => typeof v === 'string');
    const single = stringField(p, one);
    if (single !== undefined && single !== '') out.unshift(single);
    return out;
  };
  const groups = (key: string): string[] => records(arrayField(p, key)).map((g) => stringField(g, 'id') ?? 'application security group');
  const rule: AzureSecurityRule = {
    origin: r.origin(x, nsg),
    name: stringField(x, 'name') ?? '(unnamed)',
    priority: numberField(p, 'priority') ?? 0,
    direction: stringField(p, 'direction') ?? '',
    access: stringField(p, 'access') ?? '',
    protocol: stringField(p, 'protocol') ?? '*',
    sourcePrefixes: list('sourceAddressPrefix', 'sourceAddressPrefixes'),
    sourcePortRanges: list('sourcePortRange', 'sourcePortRanges'),
    destinationPrefixes: list('destinationAddressPrefix', 'destinationAddressPrefixes'),
    destinationPortRanges: list('destinationPortRange', 'destinationPortRanges'),
    sourceGroups: groups('sourceApplicationSecurityGroups'),
    destinationGroups: groups('destinationApplicationSecurityGroups'),
  };
  const description = stringField(p, 'description');
  if (description) rule.description = description;
  return rule;
}
