/**
 * Black-box: the real operator process (as its own ServiceAccount) and the real kubectl against a real
 * control plane (or any cluster with FLOCK_E2E_KUBECONFIG). Steps run in order and share one swarm, as a user would.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, condition, OPERATOR_DIR, type Swarm } from './support/cluster.ts';

const MISSING_IMAGE = 'registry.invalid/flock/bot-agent:does-not-exist';
let c: Cluster;
const swarm = () => c.getJson<Swarm>('botswarm', 'demo');
type Dep = {
  metadata: { ownerReferences?: Array<{ uid: string; kind: string; controller: boolean }> };
  spec: {
    replicas: number;
    template: {
      metadata: { annotations: Record<string, string> };
      spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> };
    };
  };
};
const deployment = () => c.getJson<Dep>('deployment', 'demo-bots');

beforeAll(async () => {
  c = await Cluster.start({ namespace: 'flock-e2e' });
  await c.installCrd();
  await c.createPrometheus();
  await c.startOperator({ WATCH_NAMESPACE: 'flock-e2e' });
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

describe('kubectl against the operator', () => {
  it('kubectl apply -f an example swarm → Deployment, Service and ServiceMonitor appear, owned by the swarm', async () => {
    expect((await c.kubectlOk('apply', '-f', join(OPERATOR_DIR, 'examples/demo.yaml'))).trim()).toBe(
      'botswarm.flock.dev/demo created',
    );
    const s = (await swarm())!;
    for (const kind of ['deployment', 'service', 'servicemonitor']) {
      const child = await c.eventually(`${kind} demo-bots`, () => c.getJson<Dep>(kind, 'demo-bots'));
      expect(child.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'flock.dev/v1alpha1',
          kind: 'BotSwarm',
          name: 'demo',
          uid: s.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    expect((await deployment())!.spec.replicas).toBe(3);
  });

  it('kubectl wait --for=condition=Ready succeeds once the pods are ready', async () => {
    const r = await c.kubectl('wait', '--for=condition=Ready', 'botswarm/demo', '--timeout=30s');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('botswarm.flock.dev/demo condition met');
    const s = (await swarm())!;
    expect(s.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      bots: 30,
      selector: 'app.kubernetes.io/name=flock-bot,flock.dev/swarm=demo',
    });
    expect(condition(s, 'MonitoringReady')).toMatchObject({ status: 'True', reason: 'ServiceMonitorReady' });
    const described = await c.kubectlOk('describe', 'botswarm', 'demo');
    expect(described).toMatch(
      /Normal\s+CreatedDeployment\s+\S+\s+flock-operator\s+Created Deployment demo-bots with 3 replicas/,
    );
    expect(described).toMatch(/Normal\s+SwarmReady\s+\S+\s+flock-operator\s+3\/3 bot pods ready \(30 bots\)/);
  });

  it('kubectl get botswarms shows the printer columns', async () => {
    const out = await c.kubectlOk('get', 'botswarms');
    const [header, row] = out.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'DESIRED', 'READY', 'BOTS', 'STATUS', 'AGE']);
    expect(row!.split(/\s+/).slice(0, 5)).toEqual(['demo', '3', '3', '30', 'AllReplicasReady']);
    expect((await c.kubectlOk('get', 'swarm', 'demo', '-o', 'name')).trim()).toBe('botswarm.flock.dev/demo');
  });

  it('kubectl get botswarms --watch prints rows with the columns as the swarm changes', async () => {
    const child = spawn('kubectl', ['get', 'botswarms', '--watch'], { env: { ...process.env, ...c.env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await c.eventually('first row', () => out.includes('AllReplicasReady'));
    await c.kubectlOk('patch', 'botswarm', 'demo', '--type=merge', '-p', '{"spec":{"suspend":true}}');
    await c.eventually('suspended row', () => /demo\s+3\s+\d+\s+\d+\s+Suspended/.test(out));
    child.kill();
    await c.kubectlOk('patch', 'botswarm', 'demo', '--type=merge', '-p', '{"spec":{"suspend":false}}');
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/demo', '--timeout=30s');
    expect(out.split('\n')[0]!.split(/\s+/)).toEqual(['NAME', 'DESIRED', 'READY', 'BOTS', 'STATUS', 'AGE']);
  });

  it('kubectl scale botswarm/demo --replicas=7 → the Deployment follows', async () => {
    expect((await c.kubectlOk('scale', 'botswarm/demo', '--replicas=7')).trim()).toBe(
      'botswarm.flock.dev/demo scaled',
    );
    await c.eventually('deployment at 7', async () => (await deployment())?.spec.replicas === 7);
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/demo', '--timeout=30s');
    expect((await swarm())!.status).toMatchObject({ readyReplicas: 7, bots: 70 });
    const all = JSON.parse(await c.kubectlOk('get', 'events', '-o', 'json')) as {
      items: Array<{ reason: string; message: string }>;
    };
    expect(all.items.map((e) => e.message)).toContain('Scaled Deployment demo-bots from 3 to 7 replicas');
  });

  it('scaling above maxReplicas is rejected by the CEL rule', async () => {
    const r = await c.kubectl('scale', 'botswarm/demo', '--replicas=70');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('replicas must be less than or equal to maxReplicas');
    expect((await deployment())!.spec.replicas).toBe(7);
  });

  it('an HPA-style client reads and writes /scale (selector is a string, stale writes get 409)', async () => {
    // Raw GET/PUT of the scale subresource through kubectl, so it also works against a real, authenticated cluster.
    const path = '/apis/flock.dev/v1alpha1/namespaces/flock-e2e/botswarms/demo/scale';
    const scale = JSON.parse(await c.kubectlOk('get', '--raw', path)) as {
      metadata: { resourceVersion: string };
    };
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 7 },
      status: { replicas: 7, selector: 'app.kubernetes.io/name=flock-bot,flock.dev/swarm=demo' },
    });
    const put = (replicas: number) => {
      const file = join(c.dir, `scale-${replicas}.json`);
      writeFileSync(file, JSON.stringify({ ...scale, spec: { replicas } }));
      return c.kubectl('replace', '--raw', path, '-f', file);
    };
    const ok = await put(4);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'Scale', spec: { replicas: 4 } });
    const stale = await put(5);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Error from server (Conflict)');
    await c.eventually('deployment at 4', async () => (await deployment())?.spec.replicas === 4);
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/demo', '--timeout=30s');
  });

  it('editing the tag pool rolls the Deployment (new template hash, new pods)', async () => {
    const before = (await deployment())!.spec.template.metadata.annotations['flock.dev/template-hash'];
    await c.kubectlOk(
      'patch',
      'botswarm',
      'demo',
      '--type=merge',
      '-p',
      '{"spec":{"behavior":{"tagPool":["rollout","flock"]}}}',
    );
    const d = await c.eventually('new template', async () => {
      const x = await deployment();
      return x && x.spec.template.metadata.annotations['flock.dev/template-hash'] !== before ? x : undefined;
    });
    expect(d.spec.template.spec.containers[0]!.env.find((e) => e.name === 'TAG_POOL')?.value).toBe(
      'rollout,flock',
    );
    await c.eventually('Ready on the new generation', async () => {
      const s = await swarm();
      return (
        s &&
        s.status?.observedGeneration === s.metadata.generation &&
        condition(s, 'Ready')?.status === 'True'
      );
    });
    // The Deployment controller replaced every pod: the live ones all carry the new template.
    type Pods = {
      items: Array<{ metadata: { deletionTimestamp?: string; annotations: Record<string, string> } }>;
    };
    const hash = d.spec.template.metadata.annotations['flock.dev/template-hash'];
    await c.eventually('4 pods of the new template', async () => {
      const pods = (await c.getJson<Pods>('pods', '-l', 'flock.dev/swarm=demo'))?.items ?? [];
      const live = pods.filter((p) => !p.metadata.deletionTimestamp);
      return (
        live.length === 4 && live.every((p) => p.metadata.annotations['flock.dev/template-hash'] === hash)
      );
    });
  });

  it('rejects bad swarms with clear messages (schema and CEL → 422)', async () => {
    const cases: Array<[string, string]> = [
      [
        'bad-negative-replicas.yaml',
        'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
      ],
      ['bad-above-max.yaml', 'replicas must be less than or equal to maxReplicas'],
      ['bad-empty-tagpool.yaml', 'behavior.tagPool must not be empty while behavior.postsPerHour > 0'],
      ['bad-url.yaml', 'spec.target.url'],
      [
        'bad-negative-follows.yaml',
        'spec.behavior.followsPerHour: Invalid value: -1: spec.behavior.followsPerHour in body should be greater than or equal to 0',
      ],
      ['bad-untagged-replies.yaml', 'behavior.tagPool must not be empty while behavior.repliesPerHour > 0'],
    ];
    for (const [file, message] of cases) {
      const r = await c.kubectl('apply', '-f', join(OPERATOR_DIR, 'test/fixtures', file));
      expect({ file, code: r.code }).toEqual({ file, code: 1 });
      expect(r.stderr).toContain(message);
    }
    const r = await c.kubectl(
      'patch',
      'botswarm',
      'demo',
      '--type=merge',
      '-p',
      '{"spec":{"identity":{"prefix":"renamed"}}}',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('identity.prefix is immutable');
    const typo = await c.kubectl('patch', 'botswarm', 'demo', '--type=merge', '-p', '{"spec":{"replica":2}}');
    expect(typo.stderr).toContain('unknown field');
  });

  it('pods failing with ImagePullBackOff → Degraded with that reason, and back when fixed', async () => {
    await c.kubectlOk(
      'patch',
      'botswarm',
      'demo',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { image: MISSING_IMAGE } }),
    );
    await c.kubectlOk('wait', '--for=condition=Degraded', 'botswarm/demo', '--timeout=60s');
    const s = (await swarm())!;
    expect(condition(s, 'Degraded')).toMatchObject({ status: 'True', reason: 'ImagePullBackOff' });
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ImagePullBackOff' });
    expect((await c.kubectlOk('get', 'botswarm', 'demo')).split('\n')[1]).toContain('ImagePullBackOff');
    await c.kubectlOk(
      'patch',
      'botswarm',
      'demo',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/image"}]',
    );
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/demo', '--timeout=60s');
    expect(condition((await swarm())!, 'Degraded')).toMatchObject({ status: 'False' });
  });

  it('serves operator metrics', async () => {
    const text = await c.operators[0]!.metrics();
    expect(text).toMatch(/flock_operator_reconcile_total\{result="success"\} [1-9]/);
    expect(text).toMatch(/flock_operator_swarms\{state="AllReplicasReady"\} 1/);
    expect(text).toContain('flock_operator_reconcile_duration_seconds_bucket');
    expect(text).toContain('flock_operator_workqueue_depth');
    expect(text).toMatch(/flock_operator_leader 1/);
  });

  it('kubectl delete removes the swarm and its children', async () => {
    await c.kubectlOk('delete', 'botswarm', 'demo', '--wait=true');
    for (const kind of ['deployment', 'service', 'servicemonitor']) {
      await c.eventually(`${kind} gone`, async () => (await c.kubectl('get', kind, 'demo-bots')).code !== 0);
    }
  });
});

describe('install manifests and RBAC', () => {
  it('operator/deploy applies cleanly with kubectl apply -k', async () => {
    const ns = join(c.dir, 'ns.yaml');
    writeFileSync(ns, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flock\n');
    await c.kubectlOk('apply', '-f', ns);
    const out = await c.kubectlOk('apply', '-k', join(OPERATOR_DIR, 'deploy'));
    // The ClusterRole is shared with the operator the harness runs (each spec binds it), so it may exist.
    expect(out).toMatch(
      /clusterrole\.rbac\.authorization\.k8s\.io\/flock-operator (created|configured|unchanged)/,
    );
    expect(out).toContain('serviceaccount/flock-operator created');
    expect(out).toContain('deployment.apps/flock-operator created');
  });

  it('the RBAC rules allow every request the operator made, and nothing it never needs', async () => {
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
    const roles = JSON.parse(
      await c.kubectlOk(
        'get',
        'clusterrole/flock-operator',
        'role/flock-operator-leader-election',
        '-n',
        'flock',
        '-o',
        'json',
      ),
    ) as {
      items: Array<{ rules: Rule[] }>;
    };
    const rules = roles.items.flatMap((r) => r.rules);
    const used = new Set<string>();
    for (const r of c.proxy.requests.filter((x) => x.userAgent.startsWith('flock-operator/'))) {
      const m =
        /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/[^/]+)?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
          r.path,
        );
      if (!m) continue; // discovery
      const [, group = '', plural, name, sub] = m;
      const resource = sub ? `${plural}/${sub}` : plural!;
      const verb = r.watch
        ? 'watch'
        : (
            {
              GET: name ? 'get' : 'list',
              POST: 'create',
              PUT: 'update',
              PATCH: 'patch',
              DELETE: 'delete',
            } as Record<string, string>
          )[r.method]!;
      used.add(`${verb} ${group}/${resource}`);
    }
    const allowed = (u: string) => {
      const [verb, gr] = u.split(' ') as [string, string];
      const [group, ...res] = gr.split('/');
      return rules.some(
        (rule) =>
          rule.apiGroups.includes(group!) &&
          rule.resources.includes(res.join('/')) &&
          rule.verbs.includes(verb),
      );
    };
    expect([...used].filter((u) => !allowed(u))).toEqual([]);
    expect([...used].sort()).toEqual(
      expect.arrayContaining([
        'list flock.dev/botswarms',
        'watch flock.dev/botswarms',
        'watch apps/deployments',
        'watch /services',
        'watch /pods',
        'update flock.dev/botswarms/status',
        'patch apps/deployments',
        'patch /services',
        'list /pods',
        'create /events',
        'create coordination.k8s.io/leases',
        'update coordination.k8s.io/leases',
        'patch monitoring.coreos.com/servicemonitors',
      ]),
    );
    // Never: secrets, deleting deployments or services, writing swarm specs.
    expect(
      [...used].filter((u) =>
        /secrets|delete apps|delete \/services|(update|patch) flock\.dev\/botswarms$/.test(u),
      ),
    ).toEqual([]);
  });
});
