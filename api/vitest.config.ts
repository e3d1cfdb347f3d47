import { defineProject } from 'vitest/config';

// The API suite runs twice: against the machine's real PostgreSQL, and once more against the embedded
// PGlite that `npm start` uses, so the default really works.
export default defineProject({
  test: {
    name: 'api',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
