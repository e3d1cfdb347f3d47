// Once per run: a Docker engine (started here when none answers, stopped again at the end), the stand-in
// bases, Docker Compose v2 and the four Flock images, all from the caches after the first run.
import type { TestProject } from 'vitest/node';
import { run } from '../docker.ts';
import { prepare } from '../prepare.ts';
import { TEST_LABEL } from './support.ts';

export default async function setup(project: TestProject) {
  const prepared = await prepare();
  project.provide('dockerHost', prepared.engine.dockerHost ?? '');
  project.provide('compose', prepared.compose);
  return async () => {
    // Whatever a failed test left behind.
    const leftovers = (await run('docker', ['ps', '-aq', '--filter', `label=${TEST_LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (leftovers.length > 0) await run('docker', ['rm', '-f', ...leftovers]);
    await prepared.engine.stop();
  };
}
