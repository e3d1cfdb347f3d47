/**
 * Black-box faults against a real control plane of this spec's own: the Prometheus Operator's CRDs
 * missing (then installed for real), and, through the proxy in front of the API server
 * (support/api-proxy.ts), dropped watches and 410 Expired, 500s, 409s on status writes and slow replies.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, condition, OPERATOR_DIR, type OperatorProcess, type Swarm } from './support/cluster.ts';

let c: Cluster;
let op: OperatorProcess;
const NS = 'faults';
const UA = 'flock-operator/op-1';
const swarm = () => c.getJson<Swarm>('botswarm', 'demo');
const replicas = async () =>
  (await c.getJson<{ spec: { replicas: number } }>('deployment', 'demo-bots'))?.spec.replicas;
const metric = async (re: RegExp) => Number(re.exec(await op.metrics())?.[1] ?? 0);
const ready = () =>
  c.eventually('swarm Ready on its generation', async () => {
    const s = await swarm();
    return (
      s && s.status?.observedGeneration === s.metadata.generation && condition(s, 'Ready')?.status === 'True'
    );
  });

beforeAll(async () => {
  c = await Cluster.start({ namespace: NS, ownControlPlane: true });
  await c.installCrd({ prometheusOperator: false });
  op = await c.startOperator({ WATCH_NAMESPACE: NS, MONITORING_RETRY_SECONDS: '0.5' });
  await c.kubectlOk('apply', '-f', join(OPERATOR_DIR, 'examples/demo.yaml'));
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

describe('faults', () => {
  it('missing Prometheus Operator CRDs: MonitoringReady=False, the bots still run; installing them and a Prometheus fixes it', async () => {
    await ready();
    const s = (await swarm())!;
    expect(condition(s, 'MonitoringReady')).toMatchObject({
      status: 'False',
      reason: 'PrometheusOperatorNotInstalled',
    });
    expect(condition(s, 'Ready')).toMatchObject({ status: 'True' });
    expect(op.child.exitCode).toBeNull();
    await c.installPrometheusOperatorCrds();
    // The monitor is made, but nothing would scrape it yet: the swarm says so.
    const unscraped = await c.eventually('MonitoringReady NoPrometheus', async () => {
      const found = condition(await swarm(), 'MonitoringReady');
      return found?.reason === 'NoPrometheus' ? found : undefined;
    });
    expect(unscraped).toMatchObject({
      status: 'False',
      message: 'ServiceMonitor demo-bots is in place, but no Prometheus object exists to scrape it',
    });
    expect(await c.getJson('servicemonitor', 'demo-bots')).toBeDefined();
    await c.createPrometheus();
    const scraped = await c.eventually('MonitoringReady', async () => {
      const found = condition(await swarm(), 'MonitoringReady');
      return found?.status === 'True' ? found : undefined;
    });
    expect(scraped.message).toBe(`ServiceMonitor demo-bots selects the bot pods; scraped by ${NS}/k8s`);
  });

  it('410 Expired and dropped watches → the informers re-list, and nothing is written twice', async () => {
    await ready();
    await new Promise((r) => setTimeout(r, 500));
    const writes = c.writesBy(UA).length;
    const lists = c.proxy.listsBy(UA);
    expect(c.proxy.expireWatches()).toBeGreaterThanOrEqual(4);
    await c.eventually('re-list of all four informers', () => c.proxy.listsBy(UA) >= lists + 4);
    await c.eventually('watches re-opened', () => c.proxy.openWatches >= 4);
    expect(c.proxy.dropWatches()).toBeGreaterThanOrEqual(4);
    await c.eventually('watches re-opened after the cut', () => c.proxy.openWatches >= 4);
    await new Promise((r) => setTimeout(r, 1000));
    expect(c.writesBy(UA).length).toBe(writes);
    // The re-established watches still see changes.
    await c.kubectlOk('scale', 'botswarm/demo', '--replicas=4');
    await c.eventually('deployment at 4', async () => (await replicas()) === 4);
    await ready();
  });

  it('watches ask for bookmarks and resume from the last resourceVersion they saw', async () => {
    const watches = c.proxy.requests.filter((r) => r.watch && r.userAgent === UA);
    expect(watches.length).toBeGreaterThanOrEqual(4);
    for (const w of watches) {
      const query = new URLSearchParams(w.query);
      expect(query.get('allowWatchBookmarks'), w.path).toBe('true');
      expect(query.get('resourceVersion'), w.path).toMatch(/./);
    }
  });

  it('500s on writes → backoff, then recovery', async () => {
    const errorsBefore = await metric(/flock_operator_reconcile_total\{result="error"\} (\d+)/);
    c.proxy.addFault({ method: 'PATCH', path: '/deployments/demo-bots$', status: 500, times: 3 });
    await c.kubectlOk('scale', 'botswarm/demo', '--replicas=5');
    await c.eventually('deployment at 5', async () => (await replicas()) === 5);
    await ready();
    const failed = c.writesBy(UA).filter((w) => w.code === 500);
    expect(failed).toHaveLength(3);
    expect(await metric(/flock_operator_reconcile_total\{result="error"\} (\d+)/)).toBe(errorsBefore + 3);
    expect(await metric(/flock_operator_workqueue_retries_total (\d+)/)).toBeGreaterThanOrEqual(3);
  });

  it('500s on watches → the informer restarts with backoff and keeps working', async () => {
    c.proxy.addFault({ watch: true, path: '/botswarms$', status: 500, times: 3 });
    c.proxy.dropWatches('/botswarms$');
    await c.eventually(
      'informer restarts',
      async () => (await metric(/flock_operator_informer_restarts_total\{kind="BotSwarm"\} (\d+)/)) >= 1,
    );
    await c.kubectlOk('scale', 'botswarm/demo', '--replicas=3');
    await c.eventually('deployment at 3', async () => (await replicas()) === 3);
    expect(c.proxy.faults).toHaveLength(0);
  });

  it('409 on the status write → requeued, then written', async () => {
    await ready();
    c.proxy.addFault({ method: 'PUT', path: '/botswarms/demo/status$', status: 409, times: 2 });
    await c.kubectlOk(
      'patch',
      'botswarm',
      'demo',
      '--type=merge',
      '-p',
      '{"spec":{"behavior":{"likesPerHour":99}}}',
    );
    await ready();
    expect(await metric(/flock_operator_reconcile_total\{result="conflict"\} (\d+)/)).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('slow replies → still converges', async () => {
    c.proxy.addFault({ path: '/deployments', delayMs: 300, times: 0 });
    try {
      await c.kubectlOk('scale', 'botswarm/demo', '--replicas=2');
      await c.eventually('deployment at 2', async () => (await replicas()) === 2);
      await ready();
    } finally {
      c.proxy.clearFaults();
    }
    expect(op.child.exitCode).toBeNull();
  });
});
