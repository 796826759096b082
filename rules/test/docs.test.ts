// The docs pages are generated from the rules (`pnpm run docs`); these tests fail when a page drifts from
// its rule, when a page or a test is missing, or when a declarative rule has no examples to show.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBuiltinRules, loadRuleFolder, scan } from '@portcullis/engine';
import type { Diagnostic } from '@portcullis/model';
import { ruleIndexMarkdown, ruleMarkdown } from '@portcullis/report';

const rulesFolder = fileURLToPath(new URL('../', import.meta.url));
const docsFolder = fileURLToPath(new URL('../../docs/rules/', import.meta.url));
const testsFolder = fileURLToPath(new URL('./', import.meta.url));

const loadDiagnostics: Diagnostic[] = [];
const rules = loadBuiltinRules(loadDiagnostics);
const ruleFiles = readdirSync(rulesFolder).filter((n) => n.endsWith('.yaml')).sort();

const STALE = 'is out of date: run `pnpm run docs` to regenerate docs/rules/ and rules/builtin.json from rules/*.yaml';

function page(name: string): string | undefined {
  const file = `${docsFolder}${name}`;
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

describe('rule docs', () => {
  it('every rule file loads', () => {
    expect(loadDiagnostics).toEqual([]);
    expect(rules.map((r) => `${r.id}.yaml`)).toEqual(ruleFiles);
  });

  it('every rule file passes the rule schema, and rules/builtin.json (what a scan loads) is those files as read', () => {
    const diagnostics: Diagnostic[] = [];
    const validated = loadRuleFolder(rulesFolder, diagnostics, 'rules');
    expect(diagnostics).toEqual([]);
    const json = JSON.parse(readFileSync(`${rulesFolder}builtin.json`, 'utf8')) as { rules: unknown[] };
    expect(json.rules, `rules/builtin.json ${STALE}`).toEqual(validated.map((r) => r.rule));
    expect(rules).toEqual(json.rules);
  });

  for (const rule of rules) {
    it(`docs/rules/${rule.id}.md is generated from rules/${rule.id}.yaml`, () => {
      const text = page(`${rule.id}.md`);
      expect(text, `docs/rules/${rule.id}.md is missing: run \`pnpm run docs\``).toBeDefined();
      expect(text, `docs/rules/${rule.id}.md ${STALE}`).toBe(ruleMarkdown(rule));
    });
  }

  it('docs/rules/README.md is the generated index', () => {
    expect(page('README.md'), `docs/rules/README.md ${STALE}`).toBe(ruleIndexMarkdown(rules));
  });

  for (const rule of rules.filter((r) => r.options)) {
    it(`the options snippet on the ${rule.id} page is a valid portcullis.yaml`, () => {
      const snippet = /```yaml\n(rules:\n[\s\S]*?)```/.exec(ruleMarkdown(rule))?.[1];
      expect(snippet, 'no options snippet').toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'portcullis-docs-'));
      try {
        writeFileSync(join(dir, 'portcullis.yaml'), snippet!);
        const result = scan({ paths: [], noInputs: true, cwd: dir, config: 'portcullis.yaml' });
        expect(result.diagnostics).toEqual([]);
        expect(result.rules.find((r) => r.definition.id === rule.id)?.options).not.toEqual({});
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('no page exists without a rule', () => {
    const ids = new Set(rules.map((r) => r.id));
    const orphans = readdirSync(docsFolder).filter((n) => n.endsWith('.md') && n !== 'README.md' && !ids.has(n.replace(/\.md$/, '')));
    expect(orphans, 'pages without a rule: delete them (`pnpm run docs` does)').toEqual([]);
  });
});

describe('rule tests and examples', () => {
  for (const rule of rules) {
    it(`${rule.id} has a test file rules/test/${rule.id}.test.ts`, () => {
      expect(existsSync(`${testsFolder}${rule.id}.test.ts`)).toBe(true);
    });

    if (rule.match) {
      it(`${rule.id} (declarative) has an incorrect and a correct example`, () => {
        expect(rule.examples?.incorrect?.length ?? 0, 'examples.incorrect').toBeGreaterThan(0);
        expect(rule.examples?.correct?.length ?? 0, 'examples.correct').toBeGreaterThan(0);
      });
    }
  }
});
