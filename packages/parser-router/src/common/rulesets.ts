import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  type Family,
  type FilterRule,
  type InterfaceMatch,
  type Origin,
  type PortSet,
  type ProtocolSet,
  type RuleAction,
  type Ruleset,
  type Translation,
} from '@portcullis/model';

/*
 * How the router converters state a rule before it gets its id, and the first-match rulesets they
 * assemble rule by rule: one construction of a FilterRule for Cisco, pfSense and OpenWrt.
 */

/** What a FilterRule says; absent sets mean "everything of the device's family". */
export interface RuleSpec {
  action: RuleAction;
  target?: string;
  protocols?: ProtocolSet;
  sources?: AddressSet;
  destinations?: AddressSet;
  sourcePorts?: PortSet;
  destinationPorts?: PortSet;
  /** An interface match, or the names of the interfaces it matches. */
  inInterface?: InterfaceMatch | string[];
  outInterface?: InterfaceMatch | string[];
  matchesNew?: boolean;
  exact?: boolean;
  symbolic?: string[];
  translation?: Translation;
  enabled?: boolean;
  description?: string;
  text: string;
  origin: Origin;
}

const interfaceMatch = (m: InterfaceMatch | string[]): InterfaceMatch => (Array.isArray(m) ? { names: m, negated: false } : m);

/** The FilterRule a spec states, with its id, within a family (undefined: both). */
export function filterRule(id: string, spec: RuleSpec, family: Family | undefined): FilterRule {
  return filterRuleAt(id, spec, spec.origin, family);
}

/**
 * The same, with the origin given apart from the spec: a reader that states rules by line passes
 * its spec as it is instead of copying it to add an origin (a copy per rule of a 50k-line file).
 */
export function filterRuleAt(id: string, spec: Omit<RuleSpec, 'origin'>, origin: Origin, family: Family | undefined): FilterRule {
  const all = AddressSet.all(family);
  const rule: FilterRule = {
    id,
    action: spec.action,
    protocols: spec.protocols ?? ALL_PROTOCOLS,
    sources: spec.sources ?? all,
    destinations: spec.destinations ?? all,
    sourcePorts: spec.sourcePorts ?? ALL_PORTS,
    destinationPorts: spec.destinationPorts ?? ALL_PORTS,
    matchesNew: spec.matchesNew ?? true,
    exact: spec.exact ?? true,
    symbolic: spec.symbolic ?? [],
    enabled: spec.enabled ?? true,
    text: spec.text,
    origin,
  };
  if (spec.target !== undefined) rule.target = spec.target;
  if (spec.inInterface) rule.inInterface = interfaceMatch(spec.inInterface);
  if (spec.outInterface) rule.outInterface = interfaceMatch(spec.outInterface);
  if (spec.translation) rule.translation = spec.translation;
  if (spec.description !== undefined) rule.description = spec.description;
  return rule;
}

/** A first-match ruleset assembled rule by rule; ids are `NAME#N`. */
export class RulesetBuilder {
  readonly rules: FilterRule[] = [];

  constructor(
    readonly name: string,
    private readonly origin: Origin,
    private readonly defaultAction: Ruleset['defaultAction'],
    private readonly family: Family | undefined,
  ) {}

  add(spec: RuleSpec): FilterRule {
    return this.addAt(spec, spec.origin);
  }

  /** Adds the rule a spec states, with its origin given apart (see filterRuleAt). */
  addAt(spec: Omit<RuleSpec, 'origin'>, origin: Origin): FilterRule {
    const rule = filterRuleAt(`${this.name}#${this.rules.length + 1}`, spec, origin, this.family);
    this.rules.push(rule);
    return rule;
  }

  get size(): number {
    return this.rules.length;
  }

  build(): Ruleset {
    return {
      name: this.name,
      semantics: 'first-match',
      defaultAction: this.defaultAction,
      builtin: this.defaultAction !== 'return',
      rules: this.rules,
      origin: this.origin,
    };
  }
}
