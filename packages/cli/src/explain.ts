import type { ActiveRule, RuleDefinition } from '@portcullis/engine/core';

/** `portcullis rules`: one line per rule. */
export function listRules(rules: ActiveRule[]): string {
  const width = Math.max(...rules.map((r) => r.definition.id.length), 2);
  const lines = rules.map((r) => `${r.definition.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.definition.title}${r.source === 'builtin' ? '' : `  (${r.source})`}`);
  return `${lines.join('\n')}\n\n${rules.length} rules enabled; \`portcullis explain <rule-id>\` tells more.\n`;
}

/** `portcullis explain <id>`: the rule's docs as plain text. */
export function explainRule(rule: RuleDefinition): string {
  const sections = [
    `${rule.id} — ${rule.title}`,
    `severity: ${rule.severityBy?.length ? `${rule.severityBy.map((s) => `${s.severity} from ${s.from}`).join(', ')}, otherwise ` : ''}${rule.severity}`,
    `tags: ${rule.tags.join(', ')}`,
    '',
    'What it flags',
    indent(rule.description),
    'Why',
    indent(rule.rationale),
    'How to fix',
    indent(rule.remediation),
  ];
  const props = Object.entries((rule.options?.['properties'] ?? {}) as Record<string, { description?: string }>);
  if (props.length) sections.push('Options', ...props.map(([k, v]) => `  ${k}: ${v.description ?? ''}`), '');
  if (rule.references?.length) sections.push('References', ...rule.references.map((r) => `  ${r}`), '');
  return `${sections.join('\n')}\n`;
}

function indent(text: string): string {
  return `${text.trim().split('\n').map((l) => `  ${l}`).join('\n')}\n`;
}
