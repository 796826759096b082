/** The engine without its readers loaded: they come with `loadParsers` or `scanAsync` (see registry.ts). */
export * from './analysis.js';
export * from './baseline.js';
export * from './config.js';
export * from './evaluate.js';
export * from './headerspace.js';
export * from './interfaces.js';
export * from './registry.js';
export * from './rules.js';
export * from './scan.js';
export * from './suppress.js';
export * from './table.js';
export * from './model-json.js';
export * from './shadowing.js';
export * from './compose.js';
export * from './observed.js';
export * from './assess.js';
