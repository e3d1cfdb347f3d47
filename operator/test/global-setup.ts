// Once per run, before any test: the test control plane's binaries (KUBEBUILDER_ASSETS, or built from
// tools/kubernetes and tools/kwok into the cache: many minutes the first time, with progress), then one
// control plane that the black-box specs share, each in a namespace of its own; stopped at the end.
import type { TestProject } from 'vitest/node';
import { controlPlaneBinaries, startControlPlane } from './control-plane/control-plane.ts';
// The provided kubeconfig's type is declared beside the harness that reads it.
import type {} from './support/cluster.ts';

export default async function setup(project: TestProject) {
  await controlPlaneBinaries();
  const plane = await startControlPlane();
  project.provide('kubeconfig', plane.adminKubeconfig);
  return () => plane.stop();
}
