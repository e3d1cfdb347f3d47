import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bot-agent',
    include: ['test/**/*.test.ts'],
  },
});
