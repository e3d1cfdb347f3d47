/**
 * Creates N swarms on a real control plane and times the real operator (as its ServiceAccount) to
 * all-Ready, the Deployment controller and kwok making every pod Ready; then `/scale` changes, each timed
 * until the owned Deployment carries the new replicas; then a quiet minute's writes and Events.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, type Swarm } from './cluster.ts';

export interface ScaleResult {
  swarms: number;
  workers: number;
  createMs: number;
  allReadyMs: number;
  /** The operator's successful writes (Lease renewals and Events left out), by kind of write. */
  writes: { applies: number; statusWrites: number; other: number; failed: number };
  events: number;
  /** Time from a PATCH of a swarm's /scale to its Deployment carrying the new replicas (ms). */
  scaleToDeployment: { samples: number; p50: number; max: number };
  /** What the operator wrote while nothing changed, after everything was Ready. */
  idle: { seconds: number; writes: number; events: number };
}

interface Options {
  workers?: number;
  scaleChanges?: number;
  idleSeconds?: number;
  /** How often the operator re-reconciles every swarm unprompted (its RESYNC_SECONDS). */
  resyncSeconds?: number;
  /** Start a control plane of its own (outside the test runner), else use the shared one. */
  ownControlPlane?: boolean;
  log?: (line: string) => void;
}

const NS = 'scale';
const swarmsPath = `/apis/flock.dev/v1alpha1/namespaces/${NS}/botswarms`;

export async function runScale(n: number, options: Options = {}): Promise<ScaleResult> {
  const { workers = 16, scaleChanges = 10, idleSeconds = 0, log = () => undefined } = options;
  const c = await Cluster.start({ namespace: NS, ownControlPlane: options.ownControlPlane });
  try {
    await c.installCrd();
    const op = await c.startOperator({
      WATCH_NAMESPACE: NS,
      WORKERS: String(workers),
      ...(options.resyncSeconds ? { RESYNC_SECONDS: String(options.resyncSeconds) } : {}),
    });
    await c.eventually('operator leads', async () => /flock_operator_leader 1/.test(await op.metrics()));
    log(`creating ${n} swarms`);
    const started = performance.now();
    const names = Array.from({ length: n }, (_, i) => `swarm-${i}`);
    for (let i = 0; i < n; i += 25)
      await Promise.all(
        names.slice(i, i + 25).map((name) =>
          c.api('POST', swarmsPath, {
            apiVersion: 'flock.dev/v1alpha1',
            kind: 'BotSwarm',
            metadata: { name },
            spec: {
              replicas: 1,
              botsPerPod: 5,
              target: { url: 'http://flock-api:3000' },
              metrics: { mode: 'None' },
            },
          }),
        ),
      );
    const createMs = performance.now() - started;
    const isReady = (s: Swarm) =>
      s.status?.observedGeneration === s.metadata.generation &&
      (s.status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
    let ready = 0;
    await c.eventually(
      `${n} swarms Ready`,
      async () => {
        ready = (await c.api<{ items: Swarm[] }>('GET', swarmsPath)).items.filter(isReady).length;
        return ready === n;
      },
      600_000,
    );
    const allReadyMs = performance.now() - started;
    log(`${n} swarms Ready after ${Math.round(allReadyMs)} ms`);

    const writes = c.writesBy('flock-operator/');
    const applies = writes.filter((w) => w.method === 'PATCH' && !w.path.endsWith('/status')).length;
    const statusWrites = writes.filter((w) => w.path.endsWith('/status') && w.code < 400).length;
    const failed = writes.filter((w) => w.code >= 400).length;
    const events = c.proxy.writesBy('flock-operator/').filter((w) => w.path.endsWith('/events')).length;

    const scaleToDeployment = await measureScaleChanges(c, names.slice(0, Math.min(scaleChanges, n)));

    let idle = { seconds: 0, writes: 0, events: 0 };
    if (idleSeconds > 0) {
      await sleep(2_000);
      const before = c.proxy.requests.length;
      await sleep(idleSeconds * 1000);
      const quiet = c.proxy.requests
        .slice(before)
        .filter(
          (r) =>
            r.userAgent.startsWith('flock-operator/') && r.method !== 'GET' && !r.path.includes('/leases'),
        );
      idle = {
        seconds: idleSeconds,
        writes: quiet.filter((r) => !r.path.endsWith('/events')).length,
        events: quiet.filter((r) => r.path.endsWith('/events')).length,
      };
    }
    return {
      swarms: n,
      workers,
      createMs: Math.round(createMs),
      allReadyMs: Math.round(allReadyMs),
      writes: { applies, statusWrites, other: writes.length - applies - statusWrites - failed, failed },
      events,
      scaleToDeployment,
      idle,
    };
  } finally {
    await c.stop();
  }
}

/** Scales each swarm to 2 through /scale and times until its Deployment follows. */
async function measureScaleChanges(c: Cluster, names: string[]): Promise<ScaleResult['scaleToDeployment']> {
  const latencies: number[] = [];
  for (const name of names) {
    const started = performance.now();
    await c.api('PATCH', `${swarmsPath}/${name}/scale`, { spec: { replicas: 2 } });
    const deployment = `/apis/apps/v1/namespaces/${NS}/deployments/${name}-bots`;
    while ((await c.api<{ spec: { replicas: number } }>('GET', deployment)).spec.replicas !== 2)
      await sleep(5);
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
