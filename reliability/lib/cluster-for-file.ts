// For test files only (it registers vitest hooks; the chaos and soak programs start their own clusters).
import { afterAll, beforeAll } from 'vitest';
import { type Cluster, type ClusterOptions, startCluster } from './cluster.ts';

/**
 * The cluster a test file drives: started before the file's tests and closed after them. Call it at the
 * top of the file; call what it returns inside the tests.
 */
export function clusterForFile(options: ClusterOptions): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(options);
  });
  afterAll(async () => {
    await cluster?.close();
  });
  return () => {
    if (!cluster) throw new Error('The cluster is not started: read it inside a test');
    return cluster;
  };
}
