import { fileURLToPath } from 'node:url';
export { findingKeys, scanFiles } from '../../../test-support/views.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

