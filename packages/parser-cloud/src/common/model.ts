import {
  AddressSet,
  parseAddressSet,
  portSet,
  type Device,
  type FilterRule,
  type Origin,
  type PortSet,
  type Ruleset,
  type RulesetSemantics,
  type Vendor,
  noItems,
} from '@portcullis/model';
import type { Reporter } from './report.js';
import { isUnresolved, type Maybe } from './unresolved.js';

/**
 * The pipeline of every cloud boundary: packets from the network meet its `ingress` ruleset. One
 * for all of them, as are the empty lists of forwards and interfaces: a large account has tens of
 * thousands of groups, and nothing changes a device's pipeline or lists once it is made (frozen, so
 * that a change would fail loudly).
 */
const NONE = noItems<string>();
const CLOUD_PIPELINE: Device['pipeline'] = Object.freeze({ prerouting: NONE, dnat: NONE, input: Object.freeze(['ingress']) as unknown as string[], forward: NONE });
const NO_FORWARDS = noItems<Device['forwards'][number]>();

export function cloudDevice(
  name: string,
  vendor: Vendor,
  format: string,
  origin: Origin,
  ingress: Ruleset,
  egress: Ruleset | undefined,
): Device {
  return {
    name,
    vendor,
    format,
    file: origin.file,
    family: 'mixed',
    rulesets: egress ? { ingress, egress } : { ingress },
    pipeline: CLOUD_PIPELINE,
    forwards: NO_FORWARDS,
    externalInterfaces: NONE,
    origin,
  };
}

export function ruleset(name: string, semantics: RulesetSemantics, defaultAction: 'allow' | 'deny', rules: FilterRule[], origin: Origin): Ruleset {
  let ids = ruleIds.get(name);
  if (!ids) ruleIds.set(name, (ids = []));
  for (let i = 0; i < rules.length; i++) rules[i]!.id = i < MAX_SHARED_IDS ? (ids[i] ??= `${name}#${i + 1}`) : `${name}#${i + 1}`;
  return { name, semantics, defaultAction, builtin: true, rules, origin };
}

/**
 * Rule ids by ruleset name and place (`ingress#3`): tens of thousands of groups number their rules
 * the same way, and share the strings; the first MAX_SHARED_IDS places of each name are kept.
 */
const ruleIds = new Map<string, string[]>();
const MAX_SHARED_IDS = 1024;

/**
 * Addresses as cloud APIs write them: CIDRs (host bits ignored, so `1.2.3.4/0` is everything) and
 * bare addresses. Anything else is reported and left out.
 */
export function cidrSet(texts: readonly string[], origin: Origin, reporter: Reporter): AddressSet {
  let set: AddressSet | undefined;
  for (const text of texts) {
    const parsed = parsedAddresses(text);
    // The first is the parsed set itself: most rules name one CIDR, and share its set with every
    // rule that names it (a union with the empty set would make a copy of it for each).
    if (parsed) set = set === undefined ? parsed : set.union(parsed);
    else reporter.report(origin, 'warning', 'invalid-address', `'${text}' is not an IPv4 or IPv6 address or CIDR block; left out of the rule's sources`);
  }
  return set ?? AddressSet.empty();
}

/**
 * Address sets are immutable, and a large account names the same few CIDRs (`0.0.0.0/0`, its VPC's
 * blocks) in thousands of rules: each text is parsed once. The memo is bounded: when full it starts
 * over, so a file of millions of distinct addresses costs no more memory than parsing them did.
 */
const parsedTexts = new Map<string, AddressSet | undefined>();
const MAX_PARSED_TEXTS = 4096;

function parsedAddresses(text: string): AddressSet | undefined {
  if (parsedTexts.has(text)) return parsedTexts.get(text);
  if (parsedTexts.size >= MAX_PARSED_TEXTS) parsedTexts.clear();
  const parsed = parseAddressSet(text);
  parsedTexts.set(text, parsed);
  return parsed;
}

/** An inclusive port range with both ends known and in order (portSet shares the sets it makes). */
export function portRange(from: number, to: number): PortSet | undefined {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > to) return undefined;
  return portSet([[from, to]]);
}

/** Reports the unresolved values of a rule once each, with why they could not be worked out. */
export function reportUnresolved(values: Maybe<unknown>[], origin: Origin, reporter: Reporter, consequence: string): void {
  const seen = new Set<string>();
  for (const u of values) {
    if (!isUnresolved(u) || seen.has(u.text)) continue;
    seen.add(u.text);
    reporter.note(origin, 'warning', 'unresolved-reference', `${u.text}: ${u.reason}; ${consequence}`);
  }
}

/** A rule that matches no address: it stands for what only symbolic sources would let in. */
export function symbolicRule(base: Omit<FilterRule, 'sources' | 'exact' | 'symbolic'>, symbolic: string[]): FilterRule {
  return { ...base, sources: AddressSet.empty(), exact: false, symbolic };
}
