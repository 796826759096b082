import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity as PolicySeverity,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { activateRules, assessDevices, loadBuiltinRules, type Assessment, type RuleDefinition, type RuleSetting, type Severity } from '@portcullis/engine';
import type { Diagnostic } from '@portcullis/model';
import { PULUMI_TYPES, PULUMI_UNKNOWN, PULUMI_UNKNOWN_REASON, parsePulumiResources, type PulumiResource } from '@portcullis/parser-cloud';
import { ruleDocUrl } from '@portcullis/report';
import { UnknownValueError, fromResourceArgs, fromStackResource } from './resources.js';

/*
 * One CrossGuard policy per Portcullis rule. Each has two halves:
 * - a resource check, for resources that state their whole ruleset inline (a security group with
 *   ingress/egress blocks, a network ACL with entries, an NSG with securityRules): judged alone, as
 *   soon as the resource is seen;
 * - a stack check, for what only the stack shows: rule resources joined with the group, ACL or NSG
 *   they belong to, and GCP firewall rules taken together per network. It reports the findings on
 *   those resources, so nothing is reported twice.
 * Both read the resources into the model with parser-cloud and run the engine's analysis and rules,
 * as a scan does, so a finding means the same here as in the CLI.
 */

/** A policy with both checks; CrossGuard runs `validateResource` per resource and `validateStack` once. */
export type PortcullisPolicy = ResourceValidationPolicy & StackValidationPolicy;

/** The place the rule docs live, for each policy's `url` (PORTCULLIS_DOCS_URL, as in the CLI's reports). */
function docsUrl(): string | undefined {
  return process.env['PORTCULLIS_DOCS_URL'] || undefined;
}

const POLICY_SEVERITY: Record<Severity, PolicySeverity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'low' };

/** Critical and high rules block a deployment unless configured otherwise; the rest advise. */
export function defaultEnforcement(severity: Severity): EnforcementLevel {
  return severity === 'critical' || severity === 'high' ? 'mandatory' : 'advisory';
}

function configSchema(rule: RuleDefinition): PolicyConfigSchema {
  const properties = rule.options?.['properties'];
  return { properties: (properties && typeof properties === 'object' ? properties : {}) as PolicyConfigSchema['properties'] };
}

/** The policy's own options: the config's keys the rule's options schema names. */
function ruleOptions(rule: RuleDefinition, config: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(configSchema(rule).properties);
  const options: Record<string, unknown> = {};
  for (const key of names) if (config[key] !== undefined) options[key] = config[key];
  return options;
}

/**
 * Reads resources and evaluates every built-in rule over them, with `options` for the rule asked
 * about. All rules run, not only that one: a narrower finding inside a wider one (SSH inside "every
 * port") is then left to the wider rule, as in a scan. The last answer is kept: a stack's or a
 * resource's policies all ask about the same resources one after another.
 */
class Assessor {
  private readonly rules: RuleDefinition[];
  private last: { key: string; result: Assessment & { parse: Diagnostic[] } } | undefined;

  constructor(rules?: RuleDefinition[]) {
    const diagnostics: Diagnostic[] = [];
    this.rules = rules ?? loadBuiltinRules(diagnostics);
    if (diagnostics.length > 0) throw new Error(`the built-in rules could not be read: ${diagnostics.map((d) => `${d.file}: ${d.message}`).join('; ')}`);
  }

  definitions(): RuleDefinition[] {
    return this.rules;
  }

  assess(resources: PulumiResource[], ruleId: string, options: Record<string, unknown>): Assessment & { parse: Diagnostic[] } {
    const configured = Object.keys(options).length > 0;
    const key = JSON.stringify([resources, configured ? ruleId : '', options]);
    if (this.last?.key === key) return this.last.result;
    const settings: Record<string, RuleSetting> = configured ? { [ruleId]: { options } } : {};
    const diagnostics: Diagnostic[] = [];
    const active = activateRules(this.rules.map((rule) => ({ rule, source: 'builtin' })), settings, 'policy pack config', diagnostics);
    if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => d.message).join('; '));
    const parsed = parsePulumiResources(resources);
    const result = { ...assessDevices(parsed.devices, { rules: active }), parse: parsed.diagnostics };
    this.last = { key, result };
    return result;
  }
}

/** What could not be checked because a value is unknown during preview, on the given resources. */
function unknowns(diagnostics: Diagnostic[], urns: Set<string>): string[] {
  const out = new Set<string>();
  for (const d of diagnostics) if (urns.has(d.file) && d.message.includes(PULUMI_UNKNOWN_REASON)) out.add(d.message);
  return [...out];
}

/**
 * After reporting what is known: CrossGuard's "can't run policy during preview" for the rest, by
 * the error its runtime itself raises on an unknown value, saying what could not be checked.
 */
function raiseUnknowns(messages: string[]): void {
  if (messages.length === 0) return;
  const e = new UnknownValueError(PULUMI_UNKNOWN, []);
  e.message = `${messages.length === 1 ? 'a value is' : `${messages.length} values are`} unknown until the deployment, and what depends on ${messages.length === 1 ? 'it' : 'them'} is not checked: ${messages.join(' | ')}`;
  throw e;
}

function violation(message: string, severity: Severity, rule: RuleDefinition): string {
  return severity === rule.severity ? message : `${message} (severity ${severity})`;
}

function policyFor(rule: RuleDefinition, assessor: Assessor): PortcullisPolicy {
  const validateResource = (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    const kind = PULUMI_TYPES[args.type];
    if (kind === undefined) args.notApplicable('not a security group, network ACL, network security group or firewall rule');
    if (kind !== 'container') args.notApplicable('a rule resource: checked by the stack check, with what it belongs to');
    const resource = fromResourceArgs(args);
    const result = assessor.assess([resource], rule.id, ruleOptions(rule, args.getConfig<Record<string, unknown>>()));
    for (const f of result.findings) if (f.ruleId === rule.id) reportViolation(violation(f.message, f.severity, rule));
    raiseUnknowns(unknowns([...result.parse, ...result.diagnostics], new Set([args.urn])));
  };

  const validateStack = (args: StackValidationArgs, reportViolation: ReportViolation): void => {
    const resources = args.resources.filter((r) => PULUMI_TYPES[r.type] !== undefined).map(fromStackResource);
    if (resources.length === 0) args.notApplicable('the stack has no security groups, network ACLs, network security groups or firewall rules');
    const result = assessor.assess(resources, rule.id, ruleOptions(rule, args.getConfig<Record<string, unknown>>()));
    // What the resource checks cannot see: findings on rule resources and GCP firewall rules.
    const joined = new Set(resources.filter((r) => PULUMI_TYPES[r.type] !== 'container').map((r) => r.urn));
    for (const f of result.findings) {
      if (f.ruleId === rule.id && joined.has(f.location.file)) reportViolation(violation(f.message, f.severity, rule), f.location.file);
    }
    raiseUnknowns(unknowns([...result.parse, ...result.diagnostics], joined));
  };

  const docs = ruleDocUrl({ definition: rule, severity: rule.severity, severityOverride: false, options: {}, source: 'builtin' }, docsUrl());
  return {
    name: rule.id,
    description: rule.title,
    severity: POLICY_SEVERITY[rule.severity],
    enforcementLevel: defaultEnforcement(rule.severity),
    remediationSteps: rule.remediation.trim(),
    ...(docs ? { url: docs } : {}),
    tags: rule.tags,
    configSchema: configSchema(rule),
    validateResource,
    validateStack,
  };
}

/** The pack's policies: one per built-in rule (or per rule given), named by the rule's id. */
export function portcullisPolicies(rules?: RuleDefinition[]): PortcullisPolicy[] {
  const assessor = new Assessor(rules);
  return assessor.definitions().map((rule) => policyFor(rule, assessor));
}
