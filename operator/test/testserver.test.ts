/** The test API server keeps the Kubernetes semantics the operator and kubectl rely on. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TestApiServer } from '../src/testserver/server.ts';

let s: TestApiServer;
let base: string;
const SW = '/apis/flock.dev/v1alpha1/namespaces/default/botswarms';
// biome-ignore lint/suspicious/noExplicitAny: free-form Kubernetes JSON in assertions
type Json = Record<string, any>;
type Res = { status: number; body: Json };
async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<Res> {
  const r = await fetch(base + path, {
    method,
    headers: { 'Content-Type': contentType, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Json };
}
const swarm = (name: string, extra: Record<string, unknown> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: 'flock.dev/v1alpha1',
  kind: 'BotSwarm',
  metadata: { name, labels },
  spec: { replicas: 1, target: { url: 'http://api:3000' }, ...extra },
});

/** Reads a watch stream until `n` events arrived (or the stream ended). */
async function watch(path: string, n: number): Promise<Array<{ type: string; object: Json }>> {
  const ac = new AbortController();
  const r = await fetch(base + path, { signal: ac.signal });
  const reader = r.body!.getReader();
  const events: Array<{ type: string; object: Json }> = [];
  let buf = '';
  while (events.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l) events.push(JSON.parse(l));
  }
  ac.abort();
  return events;
}

beforeAll(async () => {
  s = new TestApiServer({ readyDelayMs: 10 });
  base = await s.start();
  const crd = parse(readFileSync(new URL('../../crds/botswarm.yaml', import.meta.url), 'utf8'));
  expect((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(
    201,
  );
});
afterAll(async () => {
  await s.stop();
});

describe('test API server', () => {
  it('serves discovery for built-in and CRD resources, with subresources', async () => {
    expect((await call('GET', '/api')).body.versions).toEqual(['v1']);
    const groups = (await call('GET', '/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(
      expect.arrayContaining(['apps', 'coordination.k8s.io', 'flock.dev', 'monitoring.coreos.com']),
    );
    const res = (await call('GET', '/apis/flock.dev/v1alpha1')).body.resources;
    expect(res.map((r: { name: string }) => r.name)).toEqual([
      'botswarms',
      'botswarms/status',
      'botswarms/scale',
    ]);
    expect(res[0]).toMatchObject({ kind: 'BotSwarm', namespaced: true, shortNames: ['swarm'] });
  });

  it('create sets uid, resourceVersion, generation and defaults; duplicates get 409', async () => {
    const r = await call('POST', SW, swarm('a'));
    expect(r.status).toBe(201);
    expect(r.body.metadata).toMatchObject({ name: 'a', namespace: 'default', generation: 1 });
    expect(r.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.spec).toMatchObject({
      botsPerPod: 10,
      maxReplicas: 50,
      image: 'ghcr.io/flock/bot-agent:0.1.0',
    });
    const dup = await call('POST', SW, swarm('a'));
    expect(dup).toMatchObject({ status: 409, body: { kind: 'Status', reason: 'AlreadyExists', code: 409 } });
    expect((await call('GET', `${SW}/missing`)).body).toMatchObject({
      reason: 'NotFound',
      message: 'botswarms.flock.dev "missing" not found',
    });
  });

  it('updates: stale resourceVersion → 409, generation moves with spec only, status only through /status', async () => {
    const cur = (await call('GET', `${SW}/a`)).body;
    const labelled = await call('PUT', `${SW}/a`, {
      ...cur,
      metadata: { ...cur.metadata, labels: { x: 'y' } },
    });
    expect(labelled.body.metadata.generation).toBe(1);
    expect(Number(labelled.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(cur.metadata.resourceVersion),
    );
    const stale = await call('PUT', `${SW}/a`, { ...cur, spec: { ...cur.spec, replicas: 2 } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('the object has been modified');
    const noRv = await call('PUT', `${SW}/a`, {
      ...labelled.body,
      metadata: { ...labelled.body.metadata, resourceVersion: undefined },
    });
    expect(noRv.status).toBe(422);
    const scaled = await call('PUT', `${SW}/a`, {
      ...labelled.body,
      spec: { ...labelled.body.spec, replicas: 2 },
      status: { bots: 99 },
    });
    expect(scaled.body).toMatchObject({ metadata: { generation: 2 }, spec: { replicas: 2 } });
    expect(scaled.body.status).toBeUndefined();
    const st = await call('PUT', `${SW}/a/status`, {
      ...scaled.body,
      spec: { ...scaled.body.spec, replicas: 9 },
      status: { bots: 20 },
    });
    expect(st.body).toMatchObject({
      metadata: { generation: 2 },
      spec: { replicas: 2 },
      status: { bots: 20 },
    });
    const noop = await call('PUT', `${SW}/a`, st.body);
    expect(noop.body.metadata.resourceVersion).toBe(st.body.metadata.resourceVersion);
  });

  it('validates with the schema and CEL, answering 422 with causes', async () => {
    const r = await call('POST', SW, swarm('bad', { replicas: 9, maxReplicas: 3 }));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      reason: 'Invalid',
      message:
        'BotSwarm.flock.dev "bad" is invalid: spec.replicas: Invalid value: "object": replicas must be less than or equal to maxReplicas',
      details: {
        name: 'bad',
        group: 'flock.dev',
        kind: 'BotSwarm',
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas' }],
      },
    });
    const strict = await call('POST', `${SW}?fieldValidation=Strict`, swarm('typo', { replica: 3 }));
    expect(strict).toMatchObject({
      status: 400,
      body: { message: 'strict decoding error: unknown field "spec.replica"' },
    });
  });

  it('lists with label and field selectors', async () => {
    await call('POST', SW, swarm('l1', {}, { tier: 'a', env: 'prod' }));
    await call('POST', SW, swarm('l2', {}, { tier: 'b' }));
    const names = async (q: string) =>
      (await call('GET', `${SW}?${q}`)).body.items.map(
        (i: { metadata: { name: string } }) => i.metadata.name,
      );
    expect(await names('labelSelector=tier%3Da')).toEqual(['l1']);
    expect(await names('labelSelector=tier!%3Da,tier')).toEqual(['l2']);
    expect(await names('labelSelector=tier%20in%20(a,b)')).toEqual(['l1', 'l2']);
    expect(await names('labelSelector=tier%20notin%20(a),tier')).toEqual(['l2']);
    expect(await names('labelSelector=!env,tier')).toEqual(['l2']);
    expect(await names('fieldSelector=metadata.name%3Dl2')).toEqual(['l2']);
    expect((await call('GET', `${SW}?labelSelector=%3D%3D`)).status).toBe(400);
  });

  it('watches resume from a resourceVersion; a compacted one gets 410 Gone', async () => {
    const list = (await call('GET', SW)).body;
    const rv = list.metadata.resourceVersion;
    const pending = watch(`${SW}?watch=true&resourceVersion=${rv}&labelSelector=w%3D1`, 3);
    await call('POST', SW, swarm('w1', {}, { w: '1' }));
    const w1 = (await call('GET', `${SW}/w1`)).body;
    await call('PATCH', `${SW}/w1`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    await call('PATCH', `${SW}/w1`, { metadata: { labels: { w: '2' } } }, 'application/merge-patch+json');
    const events = await pending;
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'w1'],
      ['MODIFIED', 'w1'],
      ['DELETED', 'w1'],
    ]);
    expect(events[0]!.object.metadata.uid).toBe(w1.metadata.uid);
    // Resuming from the list's resourceVersion replays what happened since.
    expect(
      (await watch(`${SW}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dw1`, 3)).map(
        (e) => e.type,
      ),
    ).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
    s.compact();
    const gone = await watch(`${SW}?watch=true&resourceVersion=${rv}`, 1);
    expect(gone).toMatchObject([{ type: 'ERROR', object: { code: 410, reason: 'Expired' } }]);
  });

  it('patches: merge, JSON patch (with test), and server-side apply with a field manager', async () => {
    const json = await call(
      'PATCH',
      `${SW}/l1`,
      [
        { op: 'test', path: '/spec/replicas', value: 1 },
        { op: 'replace', path: '/spec/replicas', value: 4 },
      ],
      'application/json-patch+json',
    );
    expect(json.body.spec.replicas).toBe(4);
    const failed = await call(
      'PATCH',
      `${SW}/l1`,
      [{ op: 'test', path: '/spec/replicas', value: 1 }],
      'application/json-patch+json',
    );
    expect(failed.status).toBe(422);
    const smp = await call(
      'PATCH',
      `${SW}/l1`,
      { spec: { replicas: 1 } },
      'application/strategic-merge-patch+json',
    );
    expect(smp.status).toBe(415);

    const cm = '/api/v1/namespaces/default/configmaps/applied';
    const noManager = await call(
      'PATCH',
      cm,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' } },
      'application/apply-patch+yaml',
    );
    expect(noManager.status).toBe(422);
    const apply = (data: Record<string, string>) =>
      call(
        'PATCH',
        `${cm}?fieldManager=me`,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data },
        'application/apply-patch+yaml',
      );
    const created = await apply({ a: '1', b: '2' });
    expect(created.status).toBe(201);
    expect(created.body.metadata.managedFields[0]).toMatchObject({ manager: 'me', operation: 'Apply' });
    await call('PATCH', cm, { data: { other: 'x' } }, 'application/merge-patch+json');
    const updated = await apply({ a: '1' });
    expect(updated.body.data).toEqual({ a: '1', other: 'x' });
    const again = await apply({ a: '1' });
    expect(again.body.metadata.resourceVersion).toBe(updated.body.metadata.resourceVersion);
  });

  it('scale subresource: GET/PUT/PATCH with a string selector; CEL still applies', async () => {
    await call('PUT', `${SW}/l1/status`, {
      ...(await call('GET', `${SW}/l1`)).body,
      status: { replicas: 4, selector: 'app=x' },
    });
    const scale = (await call('GET', `${SW}/l1/scale`)).body;
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 4 },
      status: { replicas: 4, selector: 'app=x' },
    });
    expect(
      (await call('PATCH', `${SW}/l1/scale`, { spec: { replicas: 6 } }, 'application/merge-patch+json')).body
        .spec.replicas,
    ).toBe(6);
    expect((await call('GET', `${SW}/l1`)).body.spec.replicas).toBe(6);
    const tooMany = await call('PUT', `${SW}/l1/scale`, {
      ...scale,
      metadata: { name: 'l1' },
      spec: { replicas: 500 },
    });
    expect(tooMany.status).toBe(422);
    expect((await call('PUT', `${SW}/l1/scale`, { ...scale, spec: { replicas: 2 } })).status).toBe(409);
  });

  it('simulates Deployment readiness and pod failures; garbage-collects dependents', async () => {
    const dep = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        ownerReferences: [
          {
            apiVersion: 'flock.dev/v1alpha1',
            kind: 'BotSwarm',
            name: 'l2',
            uid: (await call('GET', `${SW}/l2`)).body.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'img' }] },
        },
      },
    });
    expect(dep.status).toBe(201);
    const readyDep = async () =>
      (await call('GET', '/apis/apps/v1/namespaces/default/deployments/web')).body.status ?? {};
    await expect
      .poll(readyDep)
      .toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
    s.sim.addFailure({ selector: 'app=web', reason: 'CrashLoopBackOff' });
    await expect.poll(readyDep).toMatchObject({ readyReplicas: 0 });
    const pods = (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items;
    expect(pods).toHaveLength(2);
    expect(pods[0].status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
    s.sim.clearFailures();
    await call('DELETE', `${SW}/l2`);
    await expect
      .poll(async () => (await call('GET', '/apis/apps/v1/namespaces/default/deployments/web')).status)
      .toBe(404);
    await expect
      .poll(
        async () =>
          (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items.length,
      )
      .toBe(0);
  });

  it('injects faults: status codes a number of times, and slow replies', async () => {
    s.addFault({ method: 'GET', path: '/botswarms/l1$', status: 500, times: 2 });
    expect((await call('GET', `${SW}/l1`)).status).toBe(500);
    expect((await call('GET', `${SW}/l1`)).status).toBe(500);
    expect((await call('GET', `${SW}/l1`)).status).toBe(200);
    const r = await fetch(`${base}/_test/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/botswarms/l1$', status: 410 }),
    });
    expect(r.status).toBe(200);
    expect((await call('GET', `${SW}/l1`)).body).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('answers kubectl tables with the CRD printer columns', async () => {
    const t = await call('GET', SW, undefined, 'application/json', {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    expect(t.body.kind).toBe('Table');
    expect(t.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Desired',
      'Ready',
      'Bots',
      'Status',
      'Age',
    ]);
    expect(t.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'l1').cells.slice(0, 2)).toEqual([
      'l1',
      6,
    ]);
  });
});
