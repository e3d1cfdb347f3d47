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
  /** Time from a PATCH of a swarm's /scale to its Deployment carrying the new replicas (ms). */
  scaleToDeployment: { samples: number; p50: number; max: number };
}

export async function runScale(n: number, workers = 16): Promise<ScaleResult> {
  const c = await Cluster.start({ namespace: 'scale', readyDelayMs: 50, testServer: true });
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
    const scaleToDeployment = await measureScaleChanges(c, Math.min(20, n));
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
      scaleToDeployment,
    };
  } finally {
    await c.stop();
  }
}

/** Scales `count` swarms one at a time through /scale and times each until its Deployment follows. */
async function measureScaleChanges(c: Cluster, count: number): Promise<ScaleResult['scaleToDeployment']> {
  const server = c.server!;
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = `swarm-${i}`;
    const followed = new Promise<void>((resolve) => {
      const off = server.onChange((e) => {
        if (
          e.resource === 'apps/deployments' &&
          e.obj.metadata.name === `${name}-bots` &&
          e.obj.spec.replicas === 3
        ) {
          off();
          resolve();
        }
      });
    });
    const started = performance.now();
    const r = await fetch(`${server.url}/apis/flock.dev/v1alpha1/namespaces/scale/botswarms/${name}/scale`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 3 } }),
    });
    if (r.status !== 200) throw new Error(`scale ${name}: HTTP ${r.status}`);
    await followed;
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    samples: latencies.length,
    p50: round(latencies[Math.floor(latencies.length / 2)] ?? 0),
    max: round(latencies.at(-1) ?? 0),
  };
}
