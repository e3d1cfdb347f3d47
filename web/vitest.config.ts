import { configDefaults, defineProject } from 'vitest/config';

// The web app's tests: a real Chromium (Debian's) driving the built app served by the real API process
// on a real PostgreSQL. globalSetup makes sure Chromium is there and builds the app once. The tests
// without a browser are the `web-unit` project (vitest.unit.config.ts).
export default defineProject({
  test: {
    name: 'web',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/unit/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
