/** The folder that holds the built-in rules (one YAML file each). */
export declare const rulesDir: string;
/** The rule JSON Schema. */
export declare const ruleSchemaPath: string;
