import type { InputFile, ParseResult } from '@portcullis/model';
import { isRecord, loadJson } from '../common/document.js';
import { FieldReader, arrayField, numberField, records, stringField } from '../common/fields.js';
import { Inputs } from '../common/report.js';
import { convertFirewallRules } from '../gcp/convert.js';
import type { GcpFirewallRule, GcpProtocolEntry } from '../gcp/representation.js';

/** `gcloud compute firewall-rules list --format=json` (an array; `describe` gives one object). */

export const FORMAT = 'gcloud';

/**
 * A port entry as text: a string or number as it is, anything else as JSON, to be reported as a port
 * that is not one. (The JSON readers make records without a prototype, which String() cannot print.)
 */
function portText(p: unknown): string {
  return typeof p === 'string' || typeof p === 'number' ? String(p) : (JSON.stringify(p) ?? String(p));
}

const RULE_USED = [
  'name', 'network', 'direction', 'priority', 'allowed', 'denied', 'sourceRanges', 'sourceTags', 'sourceServiceAccounts',
  'destinationRanges', 'targetTags', 'targetServiceAccounts', 'disabled', 'description',
];
const RULE_IGNORED = ['id', 'kind', 'selfLink', 'creationTimestamp', 'logConfig', 'params'];

/** `https://…/global/networks/default` → `default`. */
export function networkName(text: string): string {
  const slash = text.lastIndexOf('/');
  return slash >= 0 ? text.slice(slash + 1) : text;
}

export function parseGcloud(file: InputFile): ParseResult {
  const inputs = new Inputs();
  inputs.add(file);
  const doc = loadJson(file.text);
  for (const e of doc.errors) inputs.report({ file: file.path, line: e.line, column: e.column }, 'error', 'parse-error', e.message);
  const r = new FieldReader(inputs, file.path, doc);
  const root = doc.value;
  const list = Array.isArray(root) ? root : isRecord(root) ? [root] : [];
  const rules = records(list).map((x) => readRule(r, x));
  inputs.ignoreRest(file.path);
  return inputs.finish(convertFirewallRules(rules, inputs));
}

function readRule(r: FieldReader, x: Record<string, unknown>): GcpFirewallRule {
  r.fields(x, RULE_USED, RULE_IGNORED, 'firewall rule');
  const name = stringField(x, 'name') ?? `rule on line ${r.span(x)?.line ?? 1}`;
  const strings = (key: string): string[] => arrayField(x, key).filter((v): v is string => typeof v === 'string');
  const denied = records(arrayField(x, 'denied'));
  const entries = (denied.length > 0 ? denied : records(arrayField(x, 'allowed'))).map((e): GcpProtocolEntry => {
    r.fields(e, ['IPProtocol', 'ports'], [], 'firewall rule entry');
    return { protocol: stringField(e, 'IPProtocol') ?? 'all', ports: arrayField(e, 'ports').map(portText) };
  });
  const rule: GcpFirewallRule = {
    origin: r.origin(x, name),
    name,
    format: FORMAT,
    network: networkName(stringField(x, 'network') ?? 'default'),
    direction: stringField(x, 'direction') ?? 'INGRESS',
    priority: numberField(x, 'priority') ?? 1000,
    action: denied.length > 0 ? 'deny' : 'allow',
    entries,
    sourceTags: strings('sourceTags'),
    sourceServiceAccounts: strings('sourceServiceAccounts'),
    targetTags: strings('targetTags'),
    targetServiceAccounts: strings('targetServiceAccounts'),
    disabled: x['disabled'] === true,
  };
  if ('sourceRanges' in x) rule.sourceRanges = strings('sourceRanges');
  if ('destinationRanges' in x) rule.destinationRanges = strings('destinationRanges');
  const description = stringField(x, 'description');
  if (description) rule.description = description;
  return rule;
}
