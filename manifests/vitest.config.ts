import { defineProject } from 'vitest/config';

// The deploy checks: manifests, containers, nginx, Prometheus and the dashboards, with the real tools.
export default defineProject({
  test: {
    name: 'deploy',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The Prometheus run observes a live system for up to ~90 s; the Dockerfile check runs npm ci.
    testTimeout: 150_000,
    hookTimeout: 120_000,
  },
});
