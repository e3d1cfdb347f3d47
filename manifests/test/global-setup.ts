// Once per run: make sure nginx, Prometheus/promtool and kubectl are there (installing nginx and
// prometheus from Debian when root, else failing with the command), and build the web app into a
// temporary folder for the nginx test.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '@flock/testkit/repo';
import { provideWebDist } from '@flock/testkit/web-dist';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  execFileSync('bash', [join(REPO, 'manifests/test/ensure-tools.sh')], { stdio: 'inherit' });
  return provideWebDist(project, 'flock-deploy-web-');
}
