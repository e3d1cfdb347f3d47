// Once per run: make sure nginx, Prometheus/promtool and kubectl are there (installing nginx and
// prometheus from Debian when root, else failing with the command), and build the web app into a
// temporary folder for the nginx test.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '@flock/testkit/repo';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    webDist: string;
  }
}

export default async function setup(project: TestProject) {
  execFileSync('bash', [join(REPO, 'manifests/test/ensure-tools.sh')], { stdio: 'inherit' });
  const outDir = await mkdtemp(join(tmpdir(), 'flock-deploy-web-'));
  // nginx's workers run as `nobody` when the tests run as root: they must be able to read the build.
  await chmod(outDir, 0o755);
  await build({
    root: join(REPO, 'web'),
    configFile: join(REPO, 'web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('webDist', outDir);
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}
