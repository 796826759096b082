/** The folder that holds the built-in rules (one YAML file each). */
export declare const rulesDir: string;
/** The built-in rules as one JSON document (`pnpm run docs` writes it from the YAML files). */
export declare const builtinRulesJson: string;
/** The rule JSON Schema. */
export declare const ruleSchemaPath: string;
