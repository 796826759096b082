import * as crossguard from '@pulumi/policy';
import type { PolicyResource, ResourceValidationArgs } from '@pulumi/policy';
import { PULUMI_UNKNOWN, type PulumiResource } from '@portcullis/parser-cloud';

/*
 * What a policy is handed, as the plain resources the Pulumi reader takes. During a preview the
 * policy runtime hands properties behind a proxy that throws CrossGuard's UnknownValueError when a
 * value is not known yet; here each such value becomes Pulumi's unknown sentinel instead, so the
 * rest of the resource is still checked and the unknown is reported as such.
 */

/** CrossGuard's error for "read a value that is unknown during preview"; exported, though not in its typings. */
export const UnknownValueError = (crossguard as unknown as { UnknownValueError: new (sentinel: string, path: string[]) => Error }).UnknownValueError;

/** Deep enough for any provider's property shapes; deeper values are left out. */
const MAX_DEPTH = 32;

function read(owner: Record<string | number, unknown>, key: string | number): unknown {
  try {
    return owner[key];
  } catch (e) {
    if (e instanceof UnknownValueError) return PULUMI_UNKNOWN;
    throw e;
  }
}

/** A plain copy of (possibly proxied) properties, with unknown values as Pulumi's sentinel. */
export function plainValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const list = value as unknown[];
    const out: unknown[] = [];
    for (let i = 0; i < list.length; i++) out.push(plainValue(read(list as unknown as Record<number, unknown>, i), depth + 1));
    return out;
  }
  const owner = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(owner)) out[key] = plainValue(read(owner, key), depth + 1);
  return out;
}

function plainProps(props: Record<string, unknown>): Record<string, unknown> {
  return plainValue(props) as Record<string, unknown>;
}

export function fromResourceArgs(args: Pick<ResourceValidationArgs, 'type' | 'urn' | 'name' | 'props'>): PulumiResource {
  return { type: args.type, urn: args.urn, name: args.name, props: plainProps(args.props) };
}

export function fromStackResource(r: Pick<PolicyResource, 'type' | 'urn' | 'name' | 'props' | 'propertyDependencies'>): PulumiResource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) propertyDependencies[key] = deps.map((d) => d.urn);
  return { type: r.type, urn: r.urn, name: r.name, props: plainProps(r.props), propertyDependencies };
}
