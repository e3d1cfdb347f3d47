import { defineProject } from 'vitest/config';

// The web app's logic without a browser or a server: plain Node, no DOM (a module that needs one
// fails here), so these run in a moment while working.
export default defineProject({
  test: {
    name: 'web-unit',
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
