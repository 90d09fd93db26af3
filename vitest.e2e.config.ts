import { defineConfig } from 'vitest/config';

/** Browser tests: the real server and Debian's Chromium (see e2e/browser.ts). */
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    env: { TZ: 'UTC' },
  },
});
