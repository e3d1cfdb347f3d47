import { defineProject } from 'vitest/config';

// The container checks: real builds of the images on a real Docker engine, and Compose brought up.
export default defineProject({
  test: {
    name: 'containers',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 900_000,
  },
});
