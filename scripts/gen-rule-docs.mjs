#!/usr/bin/env node
// Writes docs/rules/<id>.md for every built-in rule from its YAML file, and docs/rules/README.md
// as the index. `pnpm run docs` runs it after a build; a test fails when the pages drift.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadBuiltinRules } from '@portcullis/engine';
import { ruleIndexMarkdown, ruleMarkdown } from '@portcullis/report';

const dir = new URL('../docs/rules/', import.meta.url);
mkdirSync(dir, { recursive: true });
const diagnostics = [];
const rules = loadBuiltinRules(diagnostics);
if (diagnostics.length) {
  console.error(diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n'));
  process.exit(1);
}
for (const name of readdirSync(dir)) if (name.endsWith('.md')) rmSync(new URL(name, dir));
for (const rule of rules) writeFileSync(new URL(`${rule.id}.md`, dir), ruleMarkdown(rule));
writeFileSync(new URL('README.md', dir), ruleIndexMarkdown(rules));
console.log(`wrote ${rules.length} rule pages to docs/rules/`);
