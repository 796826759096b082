import { mikrotik } from '../src/mikrotik/index.js';
import { formatKit } from './router-helpers.js';

export * from './router-helpers.js';

/** The RouterOS fixtures, corpus and readers. */
export const { FIXTURE_DIR, CORPUS, parseText, parseLines, parseFixture } = formatKit(mikrotik, 'fixtures/router/mikrotik', 'router/mikrotik', 'router.rsc');
