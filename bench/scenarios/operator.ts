// Operator at scale, against the in-repo test API server: N BotSwarms (500) created at once, the time
// until the real operator process has them all Ready; then scale changes through the /scale subresource
// (what `kubectl scale` and an HPA do), each timed until the owned Deployment carries the new replicas.
import { Cluster } from '../../operator/test/support/cluster.ts';
import { sleep } from '../lib/common.ts';
import { median, round, type Scenario } from '../lib/stats.ts';

type Obj = {
  metadata: { name: string; ownerReferences?: { name: string }[] };
  spec?: { replicas?: number };
  status?: { conditions?: { type: string; status: string }[] };
};

export const operator: Scenario = {
  name: 'operator',
  title: 'operator: 500 swarms to Ready, scale change to the Deployment',
  async run({ quick, log }) {
    const n = quick ? 10 : 500;
    const scaleChanges = quick ? 2 : 10;
    const namespace = 'bench';
    const cluster = await Cluster.start({ namespace, readyDelayMs: 50, testServer: true });
    try {
      const server = cluster.server!;
      await cluster.installCrd();
      const op = await cluster.startOperator({ WATCH_NAMESPACE: namespace, WORKERS: '16' });
      await cluster.eventually('operator leads', async () =>
        /flock_operator_leader 1/.test(await op.metrics()),
      );
      log(`operator: creating ${n} swarms`);
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        server.createObject({
          apiVersion: 'flock.dev/v1alpha1',
          kind: 'BotSwarm',
          metadata: { name: `swarm-${i}`, namespace },
          spec: {
            replicas: 2,
            botsPerPod: 5,
            target: { url: 'http://flock-api:3000' },
            metrics: { mode: 'None' },
          },
        });
      }
      const createMs = performance.now() - started;
      const ready = (o: Obj) =>
        (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      const deadline = Date.now() + 120_000;
      let readyCount = 0;
      while (Date.now() < deadline) {
        readyCount = (server.peekObjects('flock.dev/v1alpha1', 'BotSwarm', namespace) as Obj[]).filter(
          ready,
        ).length;
        if (readyCount === n) break;
        await sleep(20);
      }
      if (readyCount !== n) throw new Error(`only ${readyCount} of ${n} swarms became Ready`);
      const allReadyMs = performance.now() - started;
      await sleep(1_000);

      log(`operator: ${scaleChanges} scale changes`);
      const scaleMs: number[] = [];
      for (let k = 0; k < scaleChanges; k++) {
        const name = `swarm-${k * Math.max(1, Math.floor(n / scaleChanges))}`;
        const replicas = 3 + k;
        const reached = new Promise<number>((resolve) => {
          const stop = server.onChange((event) => {
            const obj = event.obj as Obj;
            if (
              /deployments/i.test(event.resource) &&
              obj.spec?.replicas === replicas &&
              (obj.metadata.ownerReferences ?? []).some((owner) => owner.name === name)
            ) {
              stop();
              resolve(performance.now());
            }
          });
        });
        const sent = performance.now();
        const response = await fetch(
          `${server.url}/apis/flock.dev/v1alpha1/namespaces/${namespace}/botswarms/${name}/scale`,
          {
            method: 'PATCH',
            headers: { 'content-type': 'application/merge-patch+json' },
            body: JSON.stringify({ spec: { replicas } }),
          },
        );
        if (!response.ok)
          throw new Error(`scale of ${name} failed: ${response.status} ${await response.text()}`);
        const at = await Promise.race([reached, sleep(30_000).then(() => Number.NaN)]);
        if (Number.isNaN(at)) throw new Error(`the Deployment of ${name} never reached ${replicas} replicas`);
        scaleMs.push(at - sent);
        await sleep(200);
      }
      const writes = cluster.writesBy('flock-operator/');
      const scaleMedian = round(median(scaleMs));
      const scaleMax = round(Math.max(...scaleMs));
      return {
        rows: [
          {
            scenario: 'operator',
            figure: `${n} swarms created → all Ready`,
            flock: round(allReadyMs / 1000),
            unit: 's',
            target: '≤ 10 s',
            met: allReadyMs <= 10_000,
          },
          {
            scenario: 'operator',
            figure: 'scale change → Deployment (median / max)',
            flock: `${scaleMedian} / ${scaleMax}`,
            unit: 'ms',
            target: '≤ 1000 ms',
            met: scaleMax <= 1_000,
          },
        ],
        details: {
          swarms: n,
          workers: 16,
          createMs: round(createMs),
          allReadyMs: round(allReadyMs),
          operatorWrites: writes.filter((w) => w.code < 400).length,
          failedWrites: writes.filter((w) => w.code >= 400).length,
          scaleMs: scaleMs.map((ms) => round(ms)),
        },
      };
    } finally {
      await cluster.stop();
    }
  },
};
