// Scenario 6, overload, as a function the test and `npm run chaos` share: seed some messages, find the
// sustainable rate of feed reads (closed loop), then offer `factor` times that open-loop for `seconds`, probing
// /healthz and the API's RSS and CPU throughout.
import { readFileSync } from 'node:fs';
import { sleep } from '@flock/testkit/waiting';
import { type Cluster, register } from './cluster.ts';
import { closedLoopRate, type OpenLoopResult, openLoop, percentile, type RequestSpec } from './open-loop.ts';

export interface OverloadReport {
  sustainable: number;
  offered: number;
  sent: number;
  statuses: Record<string, number>;
  ok: number;
  shed: number;
  shedWithRetryAfter: number;
  goodput: number;
  goodputRatio: number;
  p99OkMs: number;
  healthz: { probes: number; non200: number; maxMs: number; p99Ms: number };
  rssBaselineMiB: number;
  rssPeakMiB: number;
  apiCpuCores: number;
  loadGeneratorCpuCores: number;
  perSecond: OpenLoopResult['perSecond'];
}

export async function runOverload(cluster: Cluster, SECONDS: number, factor = 2): Promise<OverloadReport> {
  const [url] = cluster.urls() as [string];
  const author = await register(url, 'o');
  for (let i = 0; i < 100; i += 10)
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}` },
          body: JSON.stringify({ content: `overload seed ${i + j} #load` }),
        }),
      ),
    );
  const specs: RequestSpec[] = [
    { path: '/api/messages?limit=20' },
    { path: '/api/messages?tag=load&limit=10' },
  ];

  await closedLoopRate(url, specs, { seconds: 2, connections: 16 });
  const sustainable = await closedLoopRate(url, specs, { seconds: 5, connections: 16 });

  const baselineRss = cluster.rssBytes(0);
  let peakRss = baselineRss;
  const health: { ms: number; status: number }[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const sent = performance.now();
      const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })
        .then((r) => r.status)
        .catch(() => 0);
      health.push({ ms: performance.now() - sent, status });
      peakRss = Math.max(peakRss, cluster.rssBytes(0));
      await sleep(100);
    }
  })();
  const cpuTicks = () => {
    const fields = readFileSync(`/proc/${cluster.replicas[0]!.child!.pid}/stat`, 'utf8')
      .split(') ')[1]!
      .split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const apiCpuBefore = cpuTicks();
  const ownCpuBefore = process.cpuUsage();
  const offered = factor * sustainable;
  const run = await openLoop(url, specs, { rate: offered, seconds: SECONDS, timeoutMs: 10_000 });
  probing = false;
  await probe;
  const apiCpu = (cpuTicks() - apiCpuBefore) / 100 / run.elapsed;
  const ownCpuUsed = process.cpuUsage(ownCpuBefore);
  const ownCpu = (ownCpuUsed.user + ownCpuUsed.system) / 1e6 / run.elapsed;

  const ok = [...run.byStatus].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0);
  const shed = run.byStatus.get(503) ?? 0;
  // Goodput over the steady part (after the first 2 s, while the loop was still offering load).
  const steady = run.perSecond.slice(2, SECONDS);
  const goodput = steady.reduce((n, [good]) => n + good, 0) / steady.length;
  return {
    sustainable: Math.round(sustainable),
    offered: Math.round(offered),
    sent: run.sent,
    statuses: Object.fromEntries(run.byStatus),
    goodput: Math.round(goodput),
    goodputRatio: Math.round((goodput / sustainable) * 100) / 100,
    p99OkMs: Math.round(percentile(run.latencies, 99)),
    ok,
    shed,
    shedWithRetryAfter: run.retryAfter,
    healthz: {
      probes: health.length,
      non200: health.filter((h) => h.status !== 200).length,
      maxMs: Math.round(Math.max(...health.map((h) => h.ms))),
      p99Ms: Math.round(
        percentile(
          health.map((h) => h.ms),
          99,
        ),
      ),
    },
    rssBaselineMiB: Math.round(baselineRss / 2 ** 20),
    rssPeakMiB: Math.round(peakRss / 2 ** 20),
    apiCpuCores: Math.round(apiCpu * 100) / 100,
    loadGeneratorCpuCores: Math.round(ownCpu * 100) / 100,
    perSecond: run.perSecond.slice(0, SECONDS + 12),
  };
}
