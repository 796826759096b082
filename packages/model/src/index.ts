export * from './intervals.js';
export * from './ports.js';
export * from './protocols.js';
export * from './addresses.js';
export * from './diagnostics.js';
export * from './services.js';
export * from './types.js';
export * from './validate.js';
