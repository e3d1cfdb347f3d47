// The web app built into a temporary folder, for the suites whose API or nginx serves it: a vitest global
// setup builds it once per run and provides its folder to the test files as `inject('webDist')`.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { REPO } from './repo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    webDist: string;
  }
}

/** Builds the app into a new `<prefix>…` folder and provides it; returns the teardown that removes it. */
export async function provideWebDist(project: TestProject, prefix: string): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), prefix));
  // nginx's workers run as `nobody` when the tests run as root: they must be able to read the build.
  await chmod(outDir, 0o755);
  await build({
    root: join(REPO, 'web'),
    configFile: join(REPO, 'web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('webDist', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}
