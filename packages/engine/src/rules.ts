import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRulesJson, rulesDir as builtinRulesDir, ruleSchemaPath } from '@portcullis/rules';
import { compileSchema, formatProblems, parsePortList, type Diagnostic, type PortSet, type Validator } from '@portcullis/model';
import { jsYaml } from './config.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export type SourceClassMatch = 'any' | 'private' | 'public' | 'anywhere';

export interface RuleMatch {
  protocols?: string[];
  ports?: string;
  from?: SourceClassMatch;
  allPorts?: boolean;
  portCountAbove?: number;
}

export interface RuleExample {
  title?: string;
  format: string;
  text: string;
}

/** A rule as its YAML file states it. */
export interface RuleDefinition {
  id: string;
  title: string;
  severity: Severity;
  severityBy?: { from: SourceClassMatch; severity: Severity }[];
  tags: string[];
  description: string;
  rationale: string;
  remediation: string;
  references?: string[];
  message: string;
  /** Rules whose finding at the same place, target and protocol makes this one's redundant. */
  subsumedBy?: string[];
  match?: RuleMatch;
  check?: 'default-accept' | 'forward-to-decommissioned' | 'shadowed-rule' | 'unknown-forward-target' | 'forward-without-listener' | 'exposure-drift';
  options?: Record<string, unknown>;
  examples?: { incorrect?: RuleExample[]; correct?: RuleExample[] };
}

/** A rule ready to run: its definition, the config's say on it, and its match with options applied. */
export interface ActiveRule {
  definition: RuleDefinition;
  severity: Severity;
  /** Set when the config chose a severity: it then overrides `severityBy` too. */
  severityOverride: boolean;
  match?: RuleMatch & { portSet?: PortSet };
  options: Record<string, unknown>;
  /** Where the rule came from: `builtin` or the path of its file. */
  source: string;
}

let ruleValidator: Validator<RuleDefinition> | undefined;

function validator(): Validator<RuleDefinition> {
  ruleValidator ??= compileSchema<RuleDefinition>(JSON.parse(readFileSync(ruleSchemaPath, 'utf8')) as object);
  return ruleValidator;
}

/**
 * Reads every `*.yaml` rule in a folder; an invalid rule becomes an error diagnostic and is left out.
 * `validate: false` is for the built-in rules only: the test suite checks them against the schema,
 * and a scan then need not load the schema validator at all.
 */
export function loadRuleFolder(
  dir: string,
  diagnostics: Diagnostic[],
  displayDir = dir,
  { validate = true }: { validate?: boolean } = {},
): { rule: RuleDefinition; file: string }[] {
  const out: { rule: RuleDefinition; file: string }[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (e) {
    diagnostics.push({ file: displayDir, severity: 'error', code: 'rules-dir-unreadable', message: `cannot read rules folder: ${(e as Error).message}` });
    return out;
  }
  for (const name of names) {
    const file = join(dir, name);
    const shown = join(displayDir, name);
    let doc: unknown;
    try {
      const yaml = jsYaml();
      doc = yaml.load(readFileSync(file, 'utf8'), { schema: yaml.CORE_SCHEMA, filename: shown });
    } catch (e) {
      diagnostics.push({ file: shown, severity: 'error', code: 'invalid-rule', message: `not valid YAML: ${(e as Error).message}` });
      continue;
    }
    const result = validate ? validator()(doc) : { ok: true as const, value: doc as RuleDefinition };
    if (!result.ok) {
      diagnostics.push({ file: shown, severity: 'error', code: 'invalid-rule', message: `invalid rule:\n${formatProblems(shown, result.problems)}` });
      continue;
    }
    const expected = name.replace(/\.ya?ml$/, '');
    if (result.value.id !== expected) {
      diagnostics.push({ file: shown, severity: 'error', code: 'invalid-rule', message: `rule id "${result.value.id}" does not match its file name "${expected}"` });
      continue;
    }
    out.push({ rule: result.value, file: shown });
  }
  return out;
}

/**
 * The built-in rules, from `rules/builtin.json`: the YAML files as `pnpm run docs` read and checked
 * them (a test fails when it drifts), so a scan parses no YAML and loads no validator for them.
 * Without that file, from the YAML files.
 */
export function loadBuiltinRules(diagnostics: Diagnostic[] = []): RuleDefinition[] {
  let text: string | undefined;
  try {
    text = readFileSync(builtinRulesJson, 'utf8');
  } catch {
    return loadRuleFolder(builtinRulesDir, diagnostics, 'rules', { validate: false }).map((r) => r.rule);
  }
  return (JSON.parse(text) as { rules: RuleDefinition[] }).rules;
}

export type RuleSetting = 'off' | 'on' | Severity | { enabled?: boolean; severity?: Severity; options?: Record<string, unknown> };

/**
 * Applies the config's rule settings. Unknown rule ids, and options that do not fit a rule's options
 * schema, are errors (the run cannot be trusted if a setting silently does nothing).
 */
export function activateRules(
  rules: { rule: RuleDefinition; source: string }[],
  settings: Record<string, RuleSetting>,
  configFile: string,
  diagnostics: Diagnostic[],
): ActiveRule[] {
  const byId = new Map(rules.map((r) => [r.rule.id, r]));
  for (const id of Object.keys(settings)) {
    if (!byId.has(id)) {
      diagnostics.push({ file: configFile, severity: 'error', code: 'invalid-config', message: `rules.${id}: no rule has this id (see \`portcullis rules\`)` });
    }
  }
  const active: ActiveRule[] = [];
  for (const { rule, source } of rules) {
    const setting = settings[rule.id];
    let enabled = true;
    let severity = rule.severity;
    let severityOverride = false;
    let options: Record<string, unknown> = {};
    if (setting === 'off') enabled = false;
    else if (typeof setting === 'string' && setting !== 'on') {
      severity = setting;
      severityOverride = true;
    } else if (typeof setting === 'object') {
      if (setting.enabled === false) enabled = false;
      if (setting.severity) {
        severity = setting.severity;
        severityOverride = true;
      }
      options = setting.options ?? {};
    }
    if (!enabled) continue;
    if (Object.keys(options).length > 0) {
      const schema = rule.options ?? { type: 'object', additionalProperties: false, properties: {} };
      const check = compileSchema<Record<string, unknown>>(schema)(options);
      if (!check.ok) {
        diagnostics.push({
          file: configFile,
          severity: 'error',
          code: 'invalid-config',
          message: `rules.${rule.id}.options: ${check.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        });
        continue;
      }
    }
    const a: ActiveRule = { definition: rule, severity, severityOverride, options, source };
    if (rule.match) {
      const match: RuleMatch & { portSet?: PortSet } = { ...rule.match };
      for (const [k, v] of Object.entries(options)) if (k in emptyMatchKeys) (match as Record<string, unknown>)[k] = v;
      if (match.ports !== undefined) {
        const ports = parsePortList(match.ports);
        if (ports) match.portSet = ports;
      }
      a.match = match;
    }
    active.push(a);
  }
  return active;
}

const emptyMatchKeys: Record<keyof RuleMatch, true> = { protocols: true, ports: true, from: true, allPorts: true, portCountAbove: true };
