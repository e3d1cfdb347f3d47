/** Creates N swarms on a fresh test API server and times the real operator to all-Ready. */
import { Cluster } from './cluster.ts';

export interface ScaleResult {
  swarms: number;
  workers: number;
  createMs: number;
  allReadyMs: number;
  operatorWrites: number;
  failedWrites: number;
  writesPerSwarm: number;
}

export async function runScale(n: number, workers = 16): Promise<ScaleResult> {
  const c = await Cluster.start({ namespace: 'scale', readyDelayMs: 50 });
  try {
    const server = c.server!;
    await c.installCrd();
    const op = await c.startOperator({ WATCH_NAMESPACE: 'scale', WORKERS: String(workers) });
    await c.eventually('operator leads', async () => /flock_operator_leader 1/.test(await op.metrics()));
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      server.createObject({
        apiVersion: 'flock.dev/v1alpha1',
        kind: 'BotSwarm',
        metadata: { name: `swarm-${i}`, namespace: 'scale' },
        spec: {
          replicas: 2,
          botsPerPod: 5,
          target: { url: 'http://flock-api:3000' },
          metrics: { mode: 'None' },
        },
      });
    }
    const createMs = Date.now() - started;
    const isReady = (s: Record<string, unknown>) =>
      (
        (s.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []
      ).some((x) => x.type === 'Ready' && x.status === 'True');
    await c.eventually(
      `${n} swarms Ready`,
      () => server.peekObjects('flock.dev/v1alpha1', 'BotSwarm', 'scale').filter(isReady).length === n,
      120_000,
    );
    const allReadyMs = Date.now() - started;
    const writes = c.writesBy('flock-operator/');
    const operatorWrites = writes.filter((w) => w.code < 400).length;
    const failedWrites = writes.length - operatorWrites;
    return {
      swarms: n,
      workers,
      createMs,
      allReadyMs,
      operatorWrites,
      failedWrites,
      writesPerSwarm: operatorWrites / n,
    };
  } finally {
    await c.stop();
  }
}
