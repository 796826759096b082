// The folder that holds the built-in rules (one YAML file each) and the rule JSON Schema.
import { fileURLToPath } from 'node:url';
export const rulesDir = fileURLToPath(new URL('.', import.meta.url));
export const ruleSchemaPath = fileURLToPath(new URL('./rule.schema.json', import.meta.url));
