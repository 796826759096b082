#!/usr/bin/env node
// Writes docs/rules/<id>.md for every built-in rule from its YAML file, docs/rules/README.md as the
// index, and rules/builtin.json (the rules a scan loads, checked against the schema here). `pnpm run
// docs` runs it after a build; a test fails when the pages or the JSON drift.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadRuleFolder } from '@portcullis/engine';
import { rulesDir } from '@portcullis/rules';
import { ruleIndexMarkdown, ruleMarkdown } from '@portcullis/report';

const dir = new URL('../docs/rules/', import.meta.url);
mkdirSync(dir, { recursive: true });
const diagnostics = [];
const rules = loadRuleFolder(rulesDir, diagnostics, 'rules').map((r) => r.rule);
if (diagnostics.length) {
  console.error(diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n'));
  process.exit(1);
}
for (const name of readdirSync(dir)) if (name.endsWith('.md')) rmSync(new URL(name, dir));
for (const rule of rules) writeFileSync(new URL(`${rule.id}.md`, dir), ruleMarkdown(rule));
writeFileSync(new URL('README.md', dir), ruleIndexMarkdown(rules));
writeFileSync(new URL('../rules/builtin.json', import.meta.url), `${JSON.stringify({ rules }, null, 1)}\n`);
console.log(`wrote ${rules.length} rule pages to docs/rules/ and rules/builtin.json`);
