/** The REST client against the test API server: apply, status, events, discovery, errors. */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../src/client.ts';
import { ApiError, type KObject } from '../src/kube.ts';
import { TestApiServer } from '../src/testserver/server.ts';

let server: TestApiServer;
let client: KubeClient;

beforeAll(async () => {
  server = new TestApiServer();
  await server.start();
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  client = new KubeClient(kc, { userAgent: 'client-test', discoveryTtlMs: 0 });
});
afterAll(async () => {
  await server.stop();
});

const service = (data: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'svc', namespace: 'default', labels: data },
  spec: { ports: [{ port: 80 }] },
});

describe('KubeClient', () => {
  it('server-side apply creates, updates, and is a no-op when nothing changed', async () => {
    const created = await client.apply(service({ a: '1' }));
    const same = await client.apply(service({ a: '1' }));
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const changed = await client.apply(service({ a: '2' }));
    expect(changed.metadata.labels).toEqual({ a: '2' });
    expect(
      server.writes
        .filter((w) => w.userAgent === 'client-test' && w.path.endsWith('/services/svc'))
        .every((w) => w.path.includes('/api/v1/')),
    ).toBe(true);
    const req = server.requests.find((r) => r.userAgent === 'client-test' && r.method === 'PATCH');
    expect(req?.path).toBe('/api/v1/namespaces/default/services/svc');
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
    const events = (await client.list('Event', 'default')).items as Array<
      KObject & { reason: string; count: number; involvedObject: { uid: string } }
    >;
    expect(events.map((e) => [e.reason, e.count]).sort()).toEqual([
      ['Other', 1],
      ['Testing', 2],
    ]);
    expect(events[0]!.involvedObject.uid).toBe(regarding.metadata.uid);
  });

  it('discovers whether the Prometheus Operator kinds are served', async () => {
    expect(await client.hasKind('ServiceMonitor')).toBe(true);
    server.uninstallPrometheusOperatorCrds();
    expect(await client.hasKind('ServiceMonitor')).toBe(false);
    expect(await client.hasKind('PodMonitor')).toBe(false);
    expect(await client.hasKind('Deployment')).toBe(true);
  });

  it('reports an unreachable API as code 0 with the cause', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig().replace(/127\.0\.0\.1:\d+/, '127.0.0.1:9'));
    const err = await new KubeClient(kc).get('Service', 'default', 'svc').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 0, reason: 'ConnectionFailed' });
  });
});
