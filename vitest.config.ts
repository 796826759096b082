import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import workspace packages by name; point those names at the sources so a test run sees the
// code as it is now. The CLI tests run the built program as a subprocess, so `pnpm test` builds first.
export default defineConfig({
  resolve: {
    alias: {
      '@portcullis/model': src('model'),
      '@portcullis/parser-netfilter': src('parser-netfilter'),
      '@portcullis/parser-cloud': src('parser-cloud'),
      '@portcullis/parser-router': src('parser-router'),
      '@portcullis/parser-observed': src('parser-observed'),
      '@portcullis/engine': src('engine'),
      '@portcullis/report': src('report'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'rules/test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
