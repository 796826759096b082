import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index'): string => fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));
const formats = (pkg: string): { find: RegExp; replacement: string } => ({ find: new RegExp(`^@portcullis/${pkg}/formats$`), replacement: src(pkg, 'formats') });

// Tests import workspace packages by name; point those names at the sources so a test run sees the
// code as it is now. The CLI tests run the built program as a subprocess, so `pnpm test` builds first.
export default defineConfig({
  resolve: {
    // Exact names: a package and its subpath entries (`/core`, `/formats`) are different files.
    alias: [
      { find: /^@portcullis\/model$/, replacement: src('model') },
      { find: /^@portcullis\/parser-netfilter$/, replacement: src('parser-netfilter') },
      { find: /^@portcullis\/parser-cloud$/, replacement: src('parser-cloud') },
      { find: /^@portcullis\/parser-router$/, replacement: src('parser-router') },
      { find: /^@portcullis\/parser-observed$/, replacement: src('parser-observed') },
      formats('parser-netfilter'),
      formats('parser-cloud'),
      formats('parser-router'),
      formats('parser-observed'),
      { find: /^@portcullis\/engine$/, replacement: src('engine') },
      { find: /^@portcullis\/engine\/core$/, replacement: src('engine', 'core') },
      { find: /^@portcullis\/report$/, replacement: src('report') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'rules/test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
