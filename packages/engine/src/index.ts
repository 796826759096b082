export * from './core.js';
export * from './parsers.js';
