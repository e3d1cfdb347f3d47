/**
 * The REST client against a real API server (a control plane of this spec's own, which starts without
 * the Prometheus Operator's CRDs): apply, conflicts, events, discovery, errors.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../src/client.ts';
import { ApiError, type KObject } from '../src/kube.ts';
import { Cluster } from './support/cluster.ts';

let cluster: Cluster;
let client: KubeClient;
let kubeconfig: string;

beforeAll(async () => {
  cluster = await Cluster.start({ namespace: 'default', ownControlPlane: true });
  kubeconfig = readFileSync(cluster.kubeconfig, 'utf8');
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  client = new KubeClient(kc, { userAgent: 'client-test', discoveryTtlMs: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

const service = (data: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'svc', namespace: 'default', labels: data },
  spec: { ports: [{ port: 80, protocol: 'TCP' }] },
});

describe('KubeClient', () => {
  it('server-side apply creates, updates, and is a no-op when nothing changed', async () => {
    const created = await client.apply(service({ a: '1' }));
    const same = await client.apply(service({ a: '1' }));
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const changed = await client.apply(service({ a: '2' }));
    expect(changed.metadata.labels).toEqual({ a: '2' });
    expect(changed.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    expect((changed.metadata.managedFields as Array<{ manager: string }>).map((f) => f.manager)).toContain(
      client.fieldManager,
    );
  });

  it('a field another manager owns is a 409 conflict, not overwritten', async () => {
    const other = new KubeClient(client.kc, { fieldManager: 'someone-else' });
    const theirs = { ...service({ a: 'theirs' }), spec: undefined };
    const err = await other.apply(theirs, false).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 409, reason: 'Conflict' });
    expect((err as Error).message).toContain('conflict with "flock-operator"');
    // Forced, as the operator applies its own children, the field changes hands.
    expect((await other.apply(theirs, true)).metadata.labels).toEqual({ a: 'theirs' });
  });

  it('errors carry the API status code and message', async () => {
    expect(await client.get('Service', 'default', 'missing')).toBeUndefined();
    const err = await client
      .replace({ ...service({}), metadata: { name: 'svc', namespace: 'default', resourceVersion: '1' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('repeats of an event bump its count instead of creating another', async () => {
    const regarding = (await client.get('Service', 'default', 'svc'))!;
    await client.event(regarding, { type: 'Warning', reason: 'Testing', message: 'same thing' });
    await client.event(regarding, { type: 'Warning', reason: 'Testing', message: 'same thing' });
    await client.event(regarding, { type: 'Normal', reason: 'Other', message: 'different' });
    // The cluster records events of its own in this namespace too (a node registering): ours only.
    const events = (
      (await client.list('Event', 'default')).items as Array<
        KObject & { reason: string; count: number; involvedObject: { uid: string } }
      >
    ).filter((e) => e.involvedObject.uid === regarding.metadata.uid);
    expect(events.map((e) => [e.reason, e.count]).sort()).toEqual([
      ['Other', 1],
      ['Testing', 2],
    ]);
    expect(events[0]!.involvedObject.uid).toBe(regarding.metadata.uid);
  });

  it('discovers whether the Prometheus Operator kinds are served', async () => {
    expect(await client.hasKind('ServiceMonitor')).toBe(false);
    expect(await client.hasKind('PodMonitor')).toBe(false);
    expect(await client.hasKind('Deployment')).toBe(true);
    await cluster.installPrometheusOperatorCrds();
    await cluster.kubectlOk(
      'wait',
      '--for=condition=Established',
      'crd/servicemonitors.monitoring.coreos.com',
    );
    await cluster.eventually('ServiceMonitor served', () => client.hasKind('ServiceMonitor'));
  });

  it('reports an unreachable API as code 0 with the cause', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:9'));
    const err = await new KubeClient(kc).get('Service', 'default', 'svc').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 0, reason: 'ConnectionFailed' });
  });
});
