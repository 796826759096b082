import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import {
  AddressSet,
  compileSchema,
  loadSchema,
  parseAddressSet,
  type Diagnostic,
  type Service,
  type Validator,
} from '@portcullis/model';
import type { RuleSetting } from './rules.js';

export interface IgnoreEntry {
  rule: string;
  file?: string;
  resource?: string;
  fingerprint?: string;
  reason: string;
  until?: string;
}

export interface PortcullisConfig {
  rules?: Record<string, RuleSetting>;
  trustedSources?: string[];
  inventory?: string;
  rulesDir?: string;
  ignores?: IgnoreEntry[];
}

export interface LoadedConfig {
  config: PortcullisConfig;
  /** The config file, when there is one; relative paths in it are relative to its folder. */
  file?: string;
  trusted: AddressSet;
}

export const CONFIG_FILE_NAMES = ['portcullis.yaml', 'portcullis.yml'];

/** `portcullis.yaml` in `start` or the nearest folder above it. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Parses YAML without custom tags, aliases still bounded by js-yaml's own expansion by reference. */
export function readYaml(file: string, shown: string, diagnostics: Diagnostic[], code: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    diagnostics.push({ file: shown, severity: 'error', code, message: `cannot read: ${(e as Error).message}` });
    return undefined;
  }
  try {
    return yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: shown }) ?? {};
  } catch (e) {
    const err = e as yaml.YAMLException;
    const d: Diagnostic = { file: shown, severity: 'error', code, message: `not valid YAML: ${err.reason ?? err.message}` };
    if (err.mark) d.line = err.mark.line + 1;
    diagnostics.push(d);
    return undefined;
  }
}

let configValidator: Validator<PortcullisConfig> | undefined;

export function loadConfig(file: string | undefined, shown: string | undefined, diagnostics: Diagnostic[]): LoadedConfig {
  if (!file) return { config: {}, trusted: AddressSet.empty() };
  const name = shown ?? file;
  const doc = readYaml(file, name, diagnostics, 'invalid-config');
  if (doc === undefined) return { config: {}, file, trusted: AddressSet.empty() };
  configValidator ??= compileSchema<PortcullisConfig>(loadSchema('config'));
  const result = configValidator(doc);
  if (!result.ok) {
    for (const p of result.problems) {
      diagnostics.push({ file: name, severity: 'error', code: 'invalid-config', message: `${p.path}: ${p.message}` });
    }
    return { config: {}, file, trusted: AddressSet.empty() };
  }
  let trusted = AddressSet.empty();
  (result.value.trustedSources ?? []).forEach((cidr, i) => {
    const set = parseAddressSet(cidr);
    if (set) trusted = trusted.union(set);
    else diagnostics.push({ file: name, severity: 'error', code: 'invalid-config', message: `trustedSources.${i}: "${cidr}" is not an address or CIDR` });
  });
  return { config: result.value, file, trusted };
}

interface InventoryDoc {
  services: { name: string; host: string; port: number; protocol?: 'tcp' | 'udp'; status?: 'active' | 'decommissioned'; since?: string | Date; owner?: string }[];
}

let inventoryValidator: Validator<InventoryDoc> | undefined;

/** Reads `services.yaml`; problems are errors, since a wrong inventory makes the findings wrong. */
export function loadInventory(file: string, shown: string, diagnostics: Diagnostic[]): Service[] {
  const doc = readYaml(file, shown, diagnostics, 'invalid-inventory');
  if (doc === undefined) return [];
  inventoryValidator ??= compileSchema<InventoryDoc>(loadSchema('inventory'));
  const result = inventoryValidator(doc);
  if (!result.ok) {
    for (const p of result.problems) {
      diagnostics.push({ file: shown, severity: 'error', code: 'invalid-inventory', message: `${p.path}: ${p.message}` });
    }
    return [];
  }
  const lines = lineIndexOfEntries(readFileSync(file, 'utf8'));
  return result.value.services.map((s, i) => {
    const svc: Service = {
      name: s.name,
      host: s.host,
      port: s.port,
      protocol: s.protocol ?? 'tcp',
      status: s.status ?? 'active',
      source: 'inventory',
      origin: { file: shown, line: lines[i] ?? 1 },
    };
    if (s.since !== undefined) svc.since = typeof s.since === 'string' ? s.since : String(s.since);
    if (s.owner !== undefined) svc.owner = s.owner;
    if (!parseAddressSet(s.host)) {
      diagnostics.push({ file: shown, line: lines[i], severity: 'warning', code: 'unresolved-host', message: `services.${i}.host: "${s.host}" is not an address; this service is matched by name only` });
    }
    return svc;
  });
}

/** Line numbers of the `- ` items of the top-level `services:` list, in order. */
function lineIndexOfEntries(text: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\s*-\s/.test(line)) out.push(i + 1);
  });
  return out;
}
