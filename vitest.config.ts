import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // 'vmapc' in tests, fixtures and examples is this checkout's source (package.json exports dist/ to users).
    alias: [{ find: /^vmapc$/, replacement: fileURLToPath(new URL('./index.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
