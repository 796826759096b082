import type { RuleDefinition, RuleMatch } from '@portcullis/engine/core';

/**
 * The docs page of a rule, generated from its YAML file (`pnpm run docs` writes docs/rules/<id>.md; a
 * test fails when a page drifts from its rule).
 */
export function ruleMarkdown(rule: RuleDefinition): string {
  const out: string[] = [];
  out.push(`<!-- Generated from rules/${rule.id}.yaml by \`pnpm run docs\`; edit the rule, not this page. -->`);
  out.push(`# ${rule.id}`, '', `**${rule.title}**`, '');
  const sev = rule.severityBy?.length
    ? `${rule.severityBy.map((s) => `${s.severity} from ${s.from}`).join(', ')}, otherwise ${rule.severity}`
    : rule.severity;
  out.push(`- Severity: ${sev}`);
  out.push(`- Tags: ${rule.tags.join(', ')}`);
  if (rule.match) out.push(`- Matches: ${describeMatch(rule)}`);
  if (rule.check) out.push(`- Check: built-in analysis \`${rule.check}\``);
  out.push('', '## What it flags', '', rule.description.trim(), '', '## Why', '', rule.rationale.trim(), '', '## How to fix', '', rule.remediation.trim(), '');
  const props = (rule.options?.['properties'] ?? {}) as Record<string, { type?: string; description?: string; default?: unknown }>;
  if (Object.keys(props).length > 0) {
    out.push('## Options', '', '| option | type | description |', '|---|---|---|');
    for (const [name, p] of Object.entries(props)) out.push(`| \`${name}\` | ${p.type ?? ''} | ${p.description ?? ''} |`);
    out.push('', 'Set them in `portcullis.yaml`:', '', '```yaml', 'rules:', `  ${rule.id}:`, '    options:');
    // An option without a default overrides the rule's match of the same name: show that value, so
    // the snippet is a valid config as it stands.
    const matched = (rule.match ?? {}) as Record<string, unknown>;
    for (const [name, p] of Object.entries(props)) out.push(`      ${name}: ${JSON.stringify(p.default ?? matched[name] ?? '…')}`);
    out.push('```', '');
  }
  for (const [kind, title] of [['incorrect', 'Examples of incorrect configuration'], ['correct', 'Examples of correct configuration']] as const) {
    const list = rule.examples?.[kind] ?? [];
    if (list.length === 0) continue;
    out.push(`## ${title}`, '');
    for (const ex of list) {
      if (ex.title) out.push(`${ex.title}:`, '');
      out.push(`\`\`\`${ex.format}`, ex.text.replace(/\n$/, ''), '```', '');
    }
  }
  if (rule.references?.length) {
    out.push('## References', '');
    for (const r of rule.references) out.push(`- ${r}`);
    out.push('');
  }
  return out.join('\n');
}

function describeMatch(rule: RuleDefinition): string {
  const m = rule.match!;
  const parts: string[] = [];
  if (m.protocols) parts.push(`protocol ${m.protocols.join(' or ')}`);
  if (m.ports) parts.push(`ports ${m.ports}`);
  if (m.allPorts) parts.push('every port');
  if (m.portCountAbove !== undefined) parts.push(`more than ${m.portCountAbove} ports`);
  parts.push(`reachable ${FROM_PHRASE[m.from ?? 'any']}`);
  return parts.join(', ');
}

const FROM_PHRASE: Record<NonNullable<RuleMatch['from']>, string> = {
  anywhere: 'from anywhere (all public IPv4 or IPv6 space)',
  public: 'from a public source',
  private: 'from private sources only',
  any: 'from any source',
};

/** docs/rules/README.md: every rule with its severity and title. */
export function ruleIndexMarkdown(rules: RuleDefinition[]): string {
  const rows = rules.map((r) => `| [\`${r.id}\`](${r.id}.md) | ${r.severity} | ${r.title} |`);
  return [
    '<!-- Generated from rules/*.yaml by `pnpm run docs`; edit the rules, not this page. -->',
    '# Rules',
    '',
    '| id | default severity | title |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
