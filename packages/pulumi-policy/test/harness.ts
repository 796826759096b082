import type { PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs } from '@pulumi/policy';
import { portcullisPolicies, type PortcullisPolicy } from '../src/policies.js';
import { UnknownValueError } from '../src/resources.js';

/*
 * Calls the pack's policies as CrossGuard's runtime does, with the argument bags it builds: the
 * resource's type token, URN, name and properties (unknowns as Pulumi's sentinel), and for the
 * stack the resources with their property dependencies.
 */

export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export const policies: PortcullisPolicy[] = portcullisPolicies();

export interface Declared {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** The URN, when the test has a real one (a mocked program's). */
  urn?: string;
  /** Property → names of the declared resources its value comes from. */
  dependsOn?: Record<string, string[]>;
}

export interface Outcome {
  /** `policy: message` for each violation, with `@name` of the resource for stack violations. */
  violations: string[];
  /** Policies that said they could not run during preview, with what they could not check. */
  unknown: { policy: string; message: string }[];
  notApplicable: string[];
}

export const urnOf = (d: Pick<Declared, 'type' | 'name' | 'urn'>): string => d.urn ?? `urn:pulumi:dev::shop::${d.type}::${d.name}`;

const OPTIONS: PolicyResourceOptions = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function outcome(): Outcome {
  return { violations: [], unknown: [], notApplicable: [] };
}

/** Runs one policy half and files what it said. */
async function run(policy: PortcullisPolicy, out: Outcome, call: () => Promise<void> | void): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (e instanceof NotApplicable) out.notApplicable.push(policy.name);
    else if (e instanceof UnknownValueError) out.unknown.push({ policy: policy.name, message: e.message });
    else throw e;
  }
}

export async function validateResource(d: Declared, config: Record<string, Record<string, unknown>> = {}): Promise<Outcome> {
  const out = outcome();
  for (const policy of policies) {
    const args: ResourceValidationArgs = {
      type: d.type,
      props: d.props,
      urn: urnOf(d),
      name: d.name,
      opts: OPTIONS,
      stackTags: new Map(),
      isType: () => false,
      asType: () => undefined,
      getConfig: <T extends object>() => (config[policy.name] ?? {}) as T,
      notApplicable,
    };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const validate of validations) {
      await run(policy, out, () => validate(args, (message) => out.violations.push(`${policy.name}: ${message}`)));
    }
  }
  return out;
}

export function stackResources(declared: Declared[]): PolicyResource[] {
  const byName = new Map<string, PolicyResource>();
  const resources = declared.map((d) => {
    const r: PolicyResource = {
      type: d.type,
      props: d.props,
      urn: urnOf(d),
      name: d.name,
      opts: OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byName.set(d.name, r);
    return r;
  });
  declared.forEach((d, i) => {
    for (const [key, names] of Object.entries(d.dependsOn ?? {})) {
      const deps = names.map((n) => byName.get(n)!);
      resources[i]!.propertyDependencies[key] = deps;
      resources[i]!.dependencies.push(...deps);
    }
  });
  return resources;
}

export async function validateStack(declared: Declared[] | PolicyResource[], config: Record<string, Record<string, unknown>> = {}): Promise<Outcome> {
  const out = outcome();
  const resources = declared.length > 0 && 'urn' in declared[0]! ? (declared as PolicyResource[]) : stackResources(declared as Declared[]);
  const names = new Map(resources.map((r) => [r.urn, r.name]));
  for (const policy of policies) {
    const args: StackValidationArgs = {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => (config[policy.name] ?? {}) as T,
      notApplicable,
    };
    await run(policy, out, () => policy.validateStack(args, (message, urn) => out.violations.push(`${policy.name}@${names.get(urn ?? '') ?? 'stack'}: ${message}`)));
  }
  return out;
}

/** The policy ids among violations, in order. */
export function ids(violations: string[]): string[] {
  return violations.map((v) => v.slice(0, v.indexOf(':')));
}
