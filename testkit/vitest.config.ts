import { defineProject } from 'vitest/config';

// The kit's own checks: each helper against real processes, sockets and the local PostgreSQL.
export default defineProject({
  test: {
    name: 'testkit',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
