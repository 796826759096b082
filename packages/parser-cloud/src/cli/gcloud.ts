import type { InputFile, ParseResult } from '@portcullis/model';
import { isRecord, readJsonPiecewise, type PiecewiseDocument } from '../common/document.js';
import { FieldReader, arrayField, numberField, stringField } from '../common/fields.js';
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
const ENTRY_USED = ['IPProtocol', 'ports'];
const NONE: readonly string[] = [];

/** `https://…/global/networks/default` → `default`. */
export function networkName(text: string): string {
  const slash = text.lastIndexOf('/');
  return slash >= 0 ? text.slice(slash + 1) : text;
}

export function parseGcloud(file: InputFile): ParseResult {
  // A large `list` output is read a rule at a time (see PiecewiseDocument): each is done with before the next.
  return readJsonPiecewise(file.text, (doc) => readGcloud(file, doc));
}

/** Reads one document, piecewise or whole: what `parseGcloud` does once it has the document. */
export function readGcloud(file: InputFile, doc: PiecewiseDocument): ParseResult {
  const inputs = new Inputs();
  inputs.add(file);
  for (const e of doc.errors) inputs.report({ file: file.path, line: e.line, column: e.column }, 'error', 'parse-error', e.message);
  const r = new FieldReader(inputs, file.path, doc);
  const root = doc.value;
  // `list` output, or one rule (`describe`), whose own lists are then the document's top lists.
  const list = Array.isArray(root) ? root : isRecord(root) ? [root] : [];
  const rules: GcpFirewallRule[] = [];
  for (const x of doc.items(list)) if (isRecord(x)) rules.push(readRule(r, doc, x));
  inputs.ignoreRest(file.path);
  return inputs.finish(convertFirewallRules(rules, inputs));
}

function readRule(r: FieldReader, doc: PiecewiseDocument, x: Record<string, unknown>): GcpFirewallRule {
  r.fields(x, RULE_USED, RULE_IGNORED, 'firewall rule');
  const name = stringField(x, 'name') ?? `rule on line ${r.span(x)?.line ?? 1}`;
  const strings = (key: string): string[] => arrayField(x, key).filter((v): v is string => typeof v === 'string');
  // The entries of a rule in a list are its own (`items` gives them as they are); those of a lone rule
  // are in top lists of the document, read one at a time (texts, as in `sourceRanges`, stay in their lists).
  const read = (key: string): GcpProtocolEntry[] => {
    const out: GcpProtocolEntry[] = [];
    for (const e of doc.items(arrayField(x, key))) {
      if (!isRecord(e)) continue;
      r.fields(e, ENTRY_USED, NONE, 'firewall rule entry');
      out.push({ protocol: stringField(e, 'IPProtocol') ?? 'all', ports: arrayField(e, 'ports').map(portText) });
    }
    return out;
  };
  // A rule with denied entries denies: its allowed ones, which GCP would refuse beside them, are not read.
  const denied = read('denied');
  const entries = denied.length > 0 ? denied : read('allowed');
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
