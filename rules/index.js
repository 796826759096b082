// The folder that holds the built-in rules (one YAML file each) and the rule JSON Schema.
import { fileURLToPath } from 'node:url';
export const rulesDir = fileURLToPath(new URL('.', import.meta.url));
/** The built-in rules as one JSON document, written by `pnpm run docs` from the YAML files. */
export const builtinRulesJson = fileURLToPath(new URL('./builtin.json', import.meta.url));
export const ruleSchemaPath = fileURLToPath(new URL('./rule.schema.json', import.meta.url));
