// Once per run, before any test: the test control plane's binaries (KUBEBUILDER_ASSETS, or built from
// tools/kubernetes and tools/kwok into the cache: many minutes the first time, with progress).
import { controlPlaneBinaries } from './control-plane/control-plane.ts';

export default async function setup() {
  await controlPlaneBinaries();
}
