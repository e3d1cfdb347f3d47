import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'operator',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Black-box specs drive real processes (operator, kubectl, flockctl); their steps take seconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
