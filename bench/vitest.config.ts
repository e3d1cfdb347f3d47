import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // The quick run starts every scenario's processes once (about a minute on a busy machine).
    testTimeout: 240_000,
  },
});
