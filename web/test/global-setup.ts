// Once per run: make sure Debian's Chromium is installed (or fail with the command that installs it),
// and build the web app into a temporary folder that every test file's API process serves.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { provideWebDist } from '@flock/testkit/web-dist';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  execFileSync('bash', [fileURLToPath(new URL('ensure-chromium.sh', import.meta.url))], { stdio: 'inherit' });
  return provideWebDist(project, 'flock-web-');
}
