import { beforeEach, describe, expect, it } from 'vitest';
import type { KObject } from '../src/kube.ts';
import { getCondition, podFailure, Reconciler } from '../src/reconciler.ts';
import { MemoryCluster } from './support/memory.ts';

const NS = 'bots';
let cluster: MemoryCluster;
let reconciler: Reconciler;
let clock = Date.parse('2025-06-01T00:00:00Z');

function swarmObj(spec: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'flock.dev/v1alpha1',
    kind: 'BotSwarm',
    metadata: { name: 'demo', namespace: NS },
    spec: { replicas: 3, botsPerPod: 10, target: { url: 'http://flock-api:3000' }, ...spec },
  };
}
const swarm = () => cluster.peek('BotSwarm', NS, 'demo')!;
const deployment = () =>
  cluster.peek('Deployment', NS, 'demo-bots') as
    | (KObject & {
        spec: { replicas: number; template: { metadata: { annotations: Record<string, string> } } };
      })
    | undefined;
const cond = (type: string) => getCondition(swarm(), type);
const run = () => reconciler.reconcile(NS, 'demo');

beforeEach(() => {
  cluster = new MemoryCluster();
  reconciler = new Reconciler(cluster, cluster, {
    now: () => {
      clock += 1000;
      return new Date(clock);
    },
  });
});

describe('reconcile', () => {
  it('creates the Deployment, Service and ServiceMonitor, owned by the swarm, and reports status', async () => {
    const s = cluster.create(swarmObj());
    const r = await run();
    expect(cluster.writes).toEqual([
      'apply Deployment/demo-bots',
      'apply Service/demo-bots',
      'apply ServiceMonitor/demo-bots',
      'status BotSwarm/demo',
    ]);
    expect(r.writes).toBe(4);
    for (const kind of ['Deployment', 'Service', 'ServiceMonitor']) {
      expect(cluster.peek(kind, NS, 'demo-bots')!.metadata.ownerReferences![0]).toMatchObject({
        uid: s.metadata.uid,
        controller: true,
      });
    }
    expect(swarm().status).toMatchObject({
      observedGeneration: 1,
      replicas: 0,
      readyReplicas: 0,
      selector: 'app.kubernetes.io/name=flock-bot,flock.dev/swarm=demo',
      bots: 0,
      desiredBots: 30,
      children: { deployment: 'demo-bots', service: 'demo-bots', serviceMonitor: 'demo-bots' },
    });
    expect(cond('Ready')).toMatchObject({ status: 'False', reason: 'RollingOut', observedGeneration: 1 });
    expect(cond('Progressing')).toMatchObject({ status: 'True', reason: 'RollingOut' });
    expect(cond('Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
    expect(cond('MonitoringReady')).toMatchObject({ status: 'True', reason: 'ServiceMonitorReady' });
    expect(cluster.events.map((e) => e.reason)).toEqual([
      'CreatedDeployment',
      'CreatedService',
      'CreatedServiceMonitor',
    ]);
  });

  it('becomes Ready when the Deployment is, and a second pass writes nothing', async () => {
    cluster.create(swarmObj());
    await run();
    cluster.markDeploymentReady(NS, 'demo-bots');
    await run();
    expect(cond('Ready')).toMatchObject({
      status: 'True',
      reason: 'AllReplicasReady',
      message: '3/3 bot pods ready (30 bots)',
    });
    expect(cond('Progressing')).toMatchObject({ status: 'False', reason: 'RolloutComplete' });
    expect(swarm().status).toMatchObject({ replicas: 3, readyReplicas: 3, bots: 30 });
    const before = cluster.writes.length;
    const events = cluster.events.length;
    const transition = cond('Ready')!.lastTransitionTime;
    const r = await run();
    expect(r).toEqual({ writes: 0, state: 'AllReplicasReady' });
    expect(cluster.writes.length).toBe(before);
    expect(cluster.events.length).toBe(events);
    expect(cond('Ready')!.lastTransitionTime).toBe(transition);
    expect(cluster.events.at(-1)).toMatchObject({ reason: 'SwarmReady', type: 'Normal' });
  });

  it('restores a deleted child and reverts an edited one', async () => {
    cluster.create(swarmObj());
    await run();
    cluster.remove('Service', NS, 'demo-bots');
    cluster.edit('Deployment', NS, 'demo-bots', (d) => {
      (d.spec as { replicas: number }).replicas = 42;
    });
    cluster.writes.length = 0;
    await run();
    expect(cluster.writes).toEqual(['apply Deployment/demo-bots', 'apply Service/demo-bots']);
    expect(deployment()!.spec.replicas).toBe(3);
    expect(cluster.peek('Service', NS, 'demo-bots')).toBeDefined();
  });

  it('rolls out spec edits: tag pool changes the pod template hash', async () => {
    cluster.create(swarmObj({ behavior: { tagPool: ['a'] } }));
    await run();
    const hash = deployment()!.spec.template.metadata.annotations['flock.dev/template-hash'];
    cluster.edit('BotSwarm', NS, 'demo', (s) => {
      (s.spec as { behavior: unknown }).behavior = { tagPool: ['a', 'b'] };
    });
    await run();
    const next = deployment()!.spec.template.metadata.annotations['flock.dev/template-hash'];
    expect(next).not.toBe(hash);
    expect(swarm().status).toMatchObject({ observedGeneration: 2, templateHash: next });
    expect(cluster.events.map((e) => e.reason)).toContain('UpdatedDeployment');
  });

  it('scaling emits a Scaled event and follows spec.replicas', async () => {
    cluster.create(swarmObj());
    await run();
    cluster.edit('BotSwarm', NS, 'demo', (s) => {
      (s.spec as { replicas: number }).replicas = 7;
    });
    await run();
    expect(deployment()!.spec.replicas).toBe(7);
    expect(cluster.events.find((e) => e.reason === 'Scaled')?.message).toBe(
      'Scaled Deployment demo-bots from 3 to 7 replicas',
    );
  });

  it('suspend: Deployment replicas 0, Ready=False reason Suspended', async () => {
    cluster.create(swarmObj({ suspend: true }));
    await run();
    expect(deployment()!.spec.replicas).toBe(0);
    cluster.markDeploymentReady(NS, 'demo-bots');
    await run();
    expect(cond('Ready')).toMatchObject({ status: 'False', reason: 'Suspended' });
    expect(swarm().status).toMatchObject({ bots: 0, desiredBots: 0 });
  });

  it('missing Prometheus Operator CRDs: MonitoringReady=False, the rest still works', async () => {
    cluster.installedKinds.delete('ServiceMonitor');
    cluster.installedKinds.delete('PodMonitor');
    cluster.create(swarmObj());
    const r = await run();
    expect(cond('MonitoringReady')).toMatchObject({
      status: 'False',
      reason: 'PrometheusOperatorNotInstalled',
    });
    expect(r.requeueAfterMs).toBe(60_000);
    expect(deployment()).toBeDefined();
    cluster.markDeploymentReady(NS, 'demo-bots');
    await run();
    expect(cond('Ready')).toMatchObject({ status: 'True' });
    expect(cluster.events.filter((e) => e.reason === 'PrometheusOperatorNotInstalled')).toHaveLength(1);
  });

  it('metrics.mode change prunes the old monitor; None reports monitoring disabled', async () => {
    cluster.create(swarmObj());
    await run();
    cluster.edit('BotSwarm', NS, 'demo', (s) => {
      (s.spec as { metrics: unknown }).metrics = { mode: 'PodMonitor' };
    });
    await run();
    expect(cluster.peek('ServiceMonitor', NS, 'demo-bots')).toBeUndefined();
    expect(cluster.peek('PodMonitor', NS, 'demo-bots')).toBeDefined();
    cluster.edit('BotSwarm', NS, 'demo', (s) => {
      (s.spec as { metrics: unknown }).metrics = { mode: 'None' };
    });
    await run();
    expect(cluster.peek('PodMonitor', NS, 'demo-bots')).toBeUndefined();
    expect(cond('MonitoringReady')).toMatchObject({ status: 'True', reason: 'Disabled' });
  });

  it('a 409 on the status write fails the pass (so the queue requeues it) and the retry succeeds', async () => {
    cluster.create(swarmObj());
    cluster.failures.push({ op: 'updateStatus', code: 409 });
    await expect(run()).rejects.toMatchObject({ code: 409 });
    const r = await run();
    expect(r.writes).toBe(1);
    expect(swarm().status).toMatchObject({ observedGeneration: 1 });
  });

  it('a child the server forbids (403) → Degraded ApplyRefused and a Warning Event; the pass fails for a retry', async () => {
    cluster.create(swarmObj());
    cluster.failures = [{ op: 'apply', code: 403 }];
    await expect(run()).rejects.toThrow(/Deployment demo-bots: /);
    expect(cond('Degraded')).toMatchObject({ status: 'True', reason: 'ApplyRefused' });
    expect(cluster.events.some((e) => e.type === 'Warning' && e.reason === 'ApplyRefused')).toBe(true);
    await run();
    expect(cond('Degraded')).toMatchObject({ status: 'False' });
  });

  it('MonitoringReady says when no Prometheus object selects the monitor, naming those it checked', async () => {
    cluster.create(swarmObj({ metrics: { labels: { release: 'mine' } } }));
    const prometheus = (name: string, release: string): KObject => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name, namespace: 'monitoring' },
      spec: { serviceMonitorSelector: { matchLabels: { release } }, serviceMonitorNamespaceSelector: {} },
    });
    cluster.prometheusObjects = [];
    expect((await run()).requeueAfterMs).toBe(60_000);
    expect(cond('MonitoringReady')).toMatchObject({ status: 'False', reason: 'NoPrometheus' });
    cluster.prometheusObjects = [prometheus('k8s', 'kube-prometheus-stack')];
    await run();
    expect(cond('MonitoringReady')).toMatchObject({
      status: 'False',
      reason: 'NotSelectedByPrometheus',
      message: expect.stringContaining('(checked monitoring/k8s)'),
    });
    expect(cluster.events.filter((e) => e.reason === 'NotSelectedByPrometheus')).toHaveLength(1);
    cluster.prometheusObjects.push(prometheus('mine', 'mine'));
    await run();
    expect(cond('MonitoringReady')).toMatchObject({
      status: 'True',
      reason: 'ServiceMonitorReady',
      message: 'ServiceMonitor demo-bots selects the bot pods; scraped by monitoring/mine',
    });
  });

  it('an invalid spec gives Ready=False/InvalidSpec and touches no child', async () => {
    cluster.create(swarmObj({ replicas: 9, maxReplicas: 3 }));
    const r = await run();
    expect(r.state).toBe('InvalidSpec');
    expect(cond('Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: 'spec.replicas: replicas must be less than or equal to maxReplicas',
    });
    expect(deployment()).toBeUndefined();
    expect(cluster.events).toMatchObject([{ type: 'Warning', reason: 'InvalidSpec' }]);
    expect((await run()).writes).toBe(0);
  });

  it('pod failures surface in Degraded and Ready with the reason', async () => {
    cluster.create(swarmObj());
    await run();
    cluster.markDeploymentReady(NS, 'demo-bots', 1);
    cluster.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'demo-bots-x',
        namespace: NS,
        labels: { 'app.kubernetes.io/name': 'flock-bot', 'flock.dev/swarm': 'demo' },
      },
      status: {
        containerStatuses: [
          { state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } } },
        ],
      },
    });
    await run();
    expect(cond('Degraded')).toMatchObject({
      status: 'True',
      reason: 'ImagePullBackOff',
      message: '1 pod(s) failing with ImagePullBackOff: Back-off pulling image "nope"',
    });
    expect(cond('Ready')).toMatchObject({ status: 'False', reason: 'ImagePullBackOff' });
    expect(cluster.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'ImagePullBackOff' });
  });

  it('does not take over a child another controller owns', async () => {
    cluster.create(swarmObj());
    cluster.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'demo-bots', namespace: NS },
      spec: { replicas: 1 },
    });
    await run();
    expect(deployment()!.spec.replicas).toBe(1);
    expect(cond('Degraded')).toMatchObject({ status: 'True', reason: 'ChildConflict' });
  });

  it('a deleted swarm reconciles to nothing', async () => {
    expect(await run()).toEqual({ writes: 0 });
  });
});

describe('podFailure', () => {
  const pod = (cs: unknown) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      status: { containerStatuses: [cs] },
    }) as KObject;
  it('reads CrashLoopBackOff, OOMKilled and ImagePullBackOff, most important first', () => {
    expect(podFailure([pod({ state: { waiting: { reason: 'CrashLoopBackOff' } } })])?.reason).toBe(
      'CrashLoopBackOff',
    );
    expect(
      podFailure([
        pod({
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { reason: 'OOMKilled' } },
        }),
      ])?.reason,
    ).toBe('OOMKilled');
    expect(
      podFailure([
        pod({ state: { waiting: { reason: 'CrashLoopBackOff' } } }),
        pod({ state: { waiting: { reason: 'ImagePullBackOff' } } }),
      ]),
    ).toEqual({ reason: 'ImagePullBackOff', pods: 1, message: '' });
    expect(podFailure([pod({ state: { running: {} } })])).toBeUndefined();
  });
});
