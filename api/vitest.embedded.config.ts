import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'api-embedded',
    include: [
      'test/api.test.ts',
      'test/validation.test.ts',
      'test/activity.test.ts',
      'test/follows.test.ts',
      'test/home.test.ts',
      'test/threads.test.ts',
      'test/profiles.test.ts',
    ],
    env: { FLOCK_TEST_DATABASE: 'embedded' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
