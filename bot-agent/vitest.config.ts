import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bot-agent',
    include: ['test/**/*.test.ts'],
    // The acceptance runs drive real processes for ~20 s each.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
