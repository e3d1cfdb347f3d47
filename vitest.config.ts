import { defineConfig } from 'vitest/config';

// Each workspace is its own vitest project, so their files run in parallel without sharing state.
export default defineConfig({
  test: {
    projects: ['*/vitest.config.ts', 'web/vitest.unit.config.ts', 'api/vitest.embedded.config.ts'],
  },
});
