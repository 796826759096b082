import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import {
  AddressSet,
  MAX_YAML_VALUES,
  compileSchema,
  expandedSize,
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

let yamlModule: typeof JsYaml | undefined;

/** js-yaml, loaded on first use: a scan without a config file, inventory or user rules reads no YAML. */
export function jsYaml(): typeof JsYaml {
  return (yamlModule ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml);
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
    const yaml = jsYaml();
    const doc = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: shown }) ?? {};
    if (expandedSize(doc, MAX_YAML_VALUES) > MAX_YAML_VALUES) {
      diagnostics.push({ file: shown, line: 1, severity: 'error', code, message: `not read: its aliases expand to more than ${MAX_YAML_VALUES} values (an alias bomb)` });
      return undefined;
    }
    return doc;
  } catch (e) {
    const err = e as JsYaml.YAMLException;
    // js-yaml recurses: a document nested thousands deep overflows the stack, caught here.
    const reason = e instanceof RangeError ? `nested too deep to read (${e.message})` : (err.reason ?? err.message);
    const d: Diagnostic = { file: shown, line: 1, severity: 'error', code, message: `not valid YAML: ${reason}` };
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
  hosts?: { name: string; addresses: string[] }[];
}

/** The services inventory: what runs where, and which device names have which addresses. */
export interface Inventory {
  services: Service[];
  /** Device name → its addresses (from `hosts:`, and devices named after an address). */
  hosts: Map<string, AddressSet>;
}

let inventoryValidator: Validator<InventoryDoc> | undefined;

/** Reads `services.yaml`; problems are errors, since a wrong inventory makes the findings wrong. */
export function loadInventory(file: string, shown: string, diagnostics: Diagnostic[]): Inventory {
  const empty: Inventory = { services: [], hosts: new Map() };
  const doc = readYaml(file, shown, diagnostics, 'invalid-inventory');
  if (doc === undefined) return empty;
  inventoryValidator ??= compileSchema<InventoryDoc>(loadSchema('inventory'));
  const result = inventoryValidator(doc);
  if (!result.ok) {
    for (const p of result.problems) {
      diagnostics.push({ file: shown, severity: 'error', code: 'invalid-inventory', message: `${p.path}: ${p.message}` });
    }
    return empty;
  }
  const hosts = new Map<string, AddressSet>();
  (result.value.hosts ?? []).forEach((h, i) => {
    let set = AddressSet.empty();
    h.addresses.forEach((a, j) => {
      const parsed = parseAddressSet(a);
      if (parsed) set = set.union(parsed);
      else diagnostics.push({ file: shown, severity: 'error', code: 'invalid-inventory', message: `hosts.${i}.addresses.${j}: "${a}" is not an address or CIDR` });
    });
    hosts.set(h.name, set);
  });
  const lines = lineIndexOfEntries(readFileSync(file, 'utf8'));
  const services = result.value.services.map((s, i) => {
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
    if (!parseAddressSet(s.host) && !hosts.has(s.host)) {
      diagnostics.push({ file: shown, line: lines[i], severity: 'warning', code: 'unresolved-host', message: `services.${i}.host: "${s.host}" is neither an address nor a name listed under hosts; this service matches nothing` });
    }
    return svc;
  });
  return { services, hosts };
}

/** The addresses of a service's host: its own address, or those of the named host. */
export function serviceAddresses(service: Service, hosts: Map<string, AddressSet>): AddressSet | undefined {
  return parseAddressSet(service.host) ?? hosts.get(service.host);
}

/** Line numbers of the items of the top-level `services:` list, in order. */
function lineIndexOfEntries(text: string): number[] {
  const out: number[] = [];
  let inside = false;
  let indent = -1;
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^[^\s#-]/.test(line)) {
      inside = /^services\s*:/.test(line);
      indent = -1;
      return;
    }
    if (!inside) return;
    const m = /^(\s*)-\s/.exec(line);
    if (!m) return;
    const width = m[1]!.length;
    if (indent < 0) indent = width;
    if (width === indent) out.push(i + 1);
  });
  return out;
}
