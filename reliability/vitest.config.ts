import { defineProject } from 'vitest/config';

// Fault-injection scenarios against real API processes on PostgreSQL (short versions; `npm run chaos` and
// `npm run soak` run the long ones). Each file starts its own processes and database, so files run in parallel.
export default defineProject({
  test: {
    name: 'reliability',
    include: ['test/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 120_000,
  },
});
