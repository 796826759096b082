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

/** What a FilterRule says, before it gets its id; absent sets mean "everything of the device's family". */
export interface RuleSpec {
  action: RuleAction;
  target?: string;
  protocols?: ProtocolSet;
  sources?: AddressSet;
  destinations?: AddressSet;
  sourcePorts?: PortSet;
  destinationPorts?: PortSet;
  inInterface?: InterfaceMatch;
  outInterface?: InterfaceMatch;
  exact?: boolean;
  symbolic?: string[];
  translation?: Translation;
  enabled?: boolean;
  description?: string;
  text: string;
  origin: Origin;
}

/** A first-match ruleset assembled rule by rule; ids are `NAME#N`. */
export class RulesetBuilder {
  private readonly rules: FilterRule[] = [];

  constructor(
    readonly name: string,
    private readonly origin: Origin,
    private readonly defaultAction: Ruleset['defaultAction'],
    private readonly family: Family | undefined,
  ) {}

  add(spec: RuleSpec): FilterRule {
    const all = AddressSet.all(this.family);
    const rule: FilterRule = {
      id: `${this.name}#${this.rules.length + 1}`,
      action: spec.action,
      protocols: spec.protocols ?? ALL_PROTOCOLS,
      sources: spec.sources ?? all,
      destinations: spec.destinations ?? all,
      sourcePorts: spec.sourcePorts ?? ALL_PORTS,
      destinationPorts: spec.destinationPorts ?? ALL_PORTS,
      matchesNew: true,
      exact: spec.exact ?? true,
      symbolic: spec.symbolic ?? [],
      enabled: spec.enabled ?? true,
      text: spec.text,
      origin: spec.origin,
    };
    if (spec.target !== undefined) rule.target = spec.target;
    if (spec.inInterface) rule.inInterface = spec.inInterface;
    if (spec.outInterface) rule.outInterface = spec.outInterface;
    if (spec.translation) rule.translation = spec.translation;
    if (spec.description !== undefined) rule.description = spec.description;
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
