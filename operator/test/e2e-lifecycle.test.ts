/**
 * Black-box: a swarm's life against the real control plane, through the real operator process and kubectl.
 * Pod failures come from kwok (test/control-plane/kwok-pod-stages.yaml: an image named crashloop or
 * oomkill on a .invalid registry dies and restarts as a kubelet reports it) and must surface as the
 * swarm's Degraded reason; deletion is kube-controller-manager's garbage collector at work on the
 * children the operator made (background, foreground and orphan), judged by the objects kubectl reads.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, condition, type Swarm } from './support/cluster.ts';

const NAMESPACE = 'lifecycle';
const GOOD_IMAGE = 'ghcr.io/flock/bot-agent:0.1.0';
const CRASHLOOP_IMAGE = 'registry.invalid/flock/crashloop:1';
const OOMKILL_IMAGE = 'registry.invalid/flock/oomkill:1';

type Meta = {
  name: string;
  uid: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  ownerReferences?: Array<{ kind: string; name: string; uid: string }>;
};
type ContainerStatus = {
  image: string;
  ready: boolean;
  restartCount: number;
  state: { waiting?: { reason: string; message?: string }; running?: object };
  lastState: { terminated?: { exitCode: number; reason: string } };
};
type Pod = {
  metadata: Meta;
  status: { phase: string; containerStatuses?: ContainerStatus[] };
};
type List<T> = { items: T[] };

let c: Cluster;

beforeAll(async () => {
  c = await Cluster.start({ namespace: NAMESPACE });
  await c.installCrd();
  await c.startOperator({ WATCH_NAMESPACE: NAMESPACE });
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

/** A small swarm like examples/demo.yaml: 2 pods of 10 bots, with a ServiceMonitor. */
async function createSwarm(name: string, image = GOOD_IMAGE) {
  const file = join(c.dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: flock.dev/v1alpha1
kind: BotSwarm
metadata:
  name: ${name}
spec:
  replicas: 2
  botsPerPod: 10
  image: ${image}
  target:
    url: http://flock-api:3000
  behavior:
    tagPool: [kubernetes, flock]
    seed: ${name}
  metrics:
    mode: ServiceMonitor
`,
  );
  expect((await c.kubectlOk('apply', '-f', file)).trim()).toBe(`botswarm.flock.dev/${name} created`);
}

const swarm = (name: string) => c.getJson<Swarm & { metadata: Meta }>('botswarm', name);
const pods = async (name: string) =>
  ((await c.getJson<List<Pod>>('pods', '-l', `flock.dev/swarm=${name}`))?.items ?? []).filter(
    (p) => !p.metadata.deletionTimestamp,
  );
const setImage = (name: string, image: string) =>
  c.kubectlOk('patch', 'botswarm', name, '--type=merge', '-p', JSON.stringify({ spec: { image } }));

/** The swarm once its Degraded condition is True with `reason` and `message` matches. */
const degradedWith = (name: string, reason: string, message: RegExp) =>
  c.eventually(
    `${name} Degraded=True ${reason}`,
    async () => {
      const s = await swarm(name);
      const degraded = condition(s, 'Degraded');
      return degraded?.status === 'True' && degraded.reason === reason && message.test(degraded.message)
        ? s
        : undefined;
    },
    60_000,
  );

/** Warning Events the operator recorded on the swarm. */
async function swarmWarnings(name: string) {
  const events = await c.getJson<List<{ type: string; reason: string; source?: { component?: string } }>>(
    'events',
    '--field-selector',
    `involvedObject.kind=BotSwarm,involvedObject.name=${name},type=Warning`,
  );
  return (events?.items ?? []).filter((e) => e.source?.component === 'flock-operator').map((e) => e.reason);
}

async function expectRecovered(name: string) {
  await c.kubectlOk('wait', '--for=condition=Ready', `botswarm/${name}`, '--timeout=60s');
  const s = (await swarm(name))!;
  expect(condition(s, 'Degraded')).toMatchObject({
    status: 'False',
    reason: 'AsExpected',
    message: 'no failures observed',
  });
  expect(condition(s, 'Ready')).toMatchObject({
    status: 'True',
    reason: 'AllReplicasReady',
    message: '2/2 bot pods ready (20 bots)',
  });
  expect(s.status).toMatchObject({ replicas: 2, readyReplicas: 2, bots: 20 });
  await c.eventually(`${name}: only ready pods of ${GOOD_IMAGE} left`, async () => {
    const live = await pods(name);
    return (
      live.length === 2 &&
      live.every((p) =>
        p.status.containerStatuses?.every(
          (cs) => cs.image === GOOD_IMAGE && cs.ready && cs.restartCount === 0,
        ),
      )
    );
  });
}

describe('pod failures surface as the swarm’s Degraded reason', () => {
  it('pods in a crash loop (exit code 1) → Degraded=True CrashLoopBackOff, Ready=False', async () => {
    await createSwarm('crashy', CRASHLOOP_IMAGE);
    // kwok restarts the containers every ~11 s, so the state is read when every pod is backing off.
    const failing = await c.eventually(
      'both pods waiting in CrashLoopBackOff',
      async () => {
        const live = await pods('crashy');
        const statuses = live.flatMap((p) => p.status.containerStatuses ?? []);
        return live.length === 2 &&
          statuses.length === 2 &&
          statuses.every((cs) => cs.state.waiting?.reason === 'CrashLoopBackOff')
          ? live
          : undefined;
      },
      60_000,
    );
    for (const pod of failing) {
      expect(pod.status.phase).toBe('Running');
      const [bot] = pod.status.containerStatuses!;
      expect(bot!.ready).toBe(false);
      expect(bot!.restartCount).toBeGreaterThan(0);
      expect(bot!.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    }

    const s = await degradedWith(
      'crashy',
      'CrashLoopBackOff',
      /^2 pod\(s\) failing with CrashLoopBackOff: back-off 10s restarting failed container=bot pod=crashy-bots-/,
    );
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'CrashLoopBackOff' });
    expect(s.status).toMatchObject({ replicas: 2, readyReplicas: 0, bots: 0 });
    expect((await c.kubectlOk('get', 'botswarm', 'crashy')).split('\n')[1]).toMatch(
      /^crashy\s+2\s+0\s+0\s+CrashLoopBackOff\s/,
    );
    expect(await swarmWarnings('crashy')).toContain('CrashLoopBackOff');
  });

  // Between two back-offs a crashing container runs (kwok: for 1 s) before it dies again, as on a real
  // node; the swarm is crash-looping all along, with the restarts in restartCount and lastState.
  it('stays Degraded=True CrashLoopBackOff while the crashing containers restart', async () => {
    const restarts = async () =>
      (await pods('crashy')).map((p) => p.status.containerStatuses?.[0]?.restartCount ?? 0);
    const before = Math.max(...(await restarts()));
    const seen = new Set<string>();
    await c.eventually(
      'every pod restarted and crashed again',
      async () => {
        const degraded = condition(await swarm('crashy'), 'Degraded');
        seen.add(`${degraded?.status} ${degraded?.reason}`);
        return Math.min(...(await restarts())) > before;
      },
      30_000,
    );
    expect([...seen]).toEqual(['True CrashLoopBackOff']);
  });

  it('fixing the image with kubectl patch → Degraded=False, Ready=True', async () => {
    await setImage('crashy', GOOD_IMAGE);
    await expectRecovered('crashy');
  });

  it('a pod OOM killed (exit code 137) → Degraded=True OOMKilled while the old pods keep serving', async () => {
    await setImage('crashy', OOMKILL_IMAGE);
    // maxSurge 25% of 2 pods is 1 and maxUnavailable 0: one new pod, which keeps dying, so the rollout
    // stalls with the two old pods still ready.
    const killed = await c.eventually(
      'a pod OOM killed, backing off',
      async () => {
        const live = (await pods('crashy')).filter(
          (p) => p.status.containerStatuses?.[0]?.image === OOMKILL_IMAGE,
        );
        return live.some((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff')
          ? live
          : undefined;
      },
      60_000,
    );
    expect(killed).toHaveLength(1);
    const bot = killed[0]!.status.containerStatuses![0]!;
    expect(bot.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(bot.restartCount).toBeGreaterThan(0);
    expect(bot.ready).toBe(false);

    const s = await degradedWith(
      'crashy',
      'OOMKilled',
      /^1 pod\(s\) failing with OOMKilled: container ran out of memory$/,
    );
    expect(condition(s, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'OOMKilled',
      message: '2/2 bot pods ready',
    });
    expect(condition(s, 'Progressing')).toMatchObject({ status: 'True', reason: 'RollingOut' });
    expect(s.status?.readyReplicas).toBe(2);
    expect(await swarmWarnings('crashy')).toContain('OOMKilled');
  });

  it('fixing the image again → Degraded=False, Ready=True', async () => {
    await setImage('crashy', GOOD_IMAGE);
    await expectRecovered('crashy');
    await c.kubectlOk('delete', 'botswarm', 'crashy');
  });
});

/** Names of the swarm's children (and theirs) that still exist, as `kind/name`. */
async function children(name: string): Promise<string[]> {
  const byLabel = await c.kubectlOk(
    'get',
    'deployments,replicasets,pods,services,servicemonitors',
    '-l',
    `flock.dev/swarm=${name}`,
    '-o',
    'name',
  );
  // The EndpointSlice controller's slices, owned by the Service.
  const slices = await c.kubectlOk(
    'get',
    'endpointslices',
    '-l',
    `kubernetes.io/service-name=${name}-bots`,
    '-o',
    'name',
  );
  return `${byLabel}${slices}`.split('\n').filter(Boolean).sort();
}

async function readySwarmWithChildren(name: string) {
  await createSwarm(name);
  await c.kubectlOk('wait', '--for=condition=Ready', `botswarm/${name}`, '--timeout=60s');
  const before = await children(name);
  const kinds = before.map((n) => n.split('/')[0]);
  // One of each, and two pods.
  expect(kinds).toEqual([
    'deployment.apps',
    'endpointslice.discovery.k8s.io',
    'pod',
    'pod',
    'replicaset.apps',
    'service',
    'servicemonitor.monitoring.coreos.com',
  ]);
  return before;
}

/** DELETEs the operator sent: none, it leaves removing children to the garbage collector. */
const operatorDeletes = () =>
  c.proxy.requests.filter((r) => r.userAgent.startsWith('flock-operator/') && r.method === 'DELETE');

// The collector learns of new kinds (the BotSwarm and ServiceMonitor CRDs) at its discovery sync, every
// 30 s: until then it neither sees a swarm go nor knows the monitors, so the first deletion after the CRDs
// were installed can wait that long. Hence the minute.
const GC_TIMEOUT_MS = 60_000;

describe('kubectl delete botswarm: the garbage collector removes the children', () => {
  it('background (the default): the swarm goes at once, then every child and grandchild', async () => {
    await readySwarmWithChildren('gc-background');
    await c.kubectlOk('delete', 'botswarm', 'gc-background');
    expect(await swarm('gc-background')).toBeUndefined();
    await c.eventually(
      'no children left',
      async () => (await children('gc-background')).length === 0,
      GC_TIMEOUT_MS,
    );
    expect(operatorDeletes()).toEqual([]);
  }, 90_000);

  it('foreground: the swarm stays, deleting, until its children are gone', async () => {
    await readySwarmWithChildren('gc-foreground');
    // A finalizer of the test's own holds one pod, as a pod slow to shut down would, so the state in
    // between can be read; released below.
    const [held] = await pods('gc-foreground');
    const hold = (finalizers: string[]) =>
      c.kubectlOk(
        'patch',
        'pod',
        held!.metadata.name,
        '--type=merge',
        '-p',
        JSON.stringify({ metadata: { finalizers } }),
      );
    await hold(['flock.dev/e2e-hold']);
    await c.kubectlOk('delete', 'botswarm', 'gc-foreground', '--cascade=foreground', '--wait=false');

    // The collector deletes the dependents first, each blocking its owner (blockOwnerDeletion) in turn:
    // the swarm waits for the Deployment, which waits for its ReplicaSet, which waits for the held pod.
    const waiting = await c.eventually(
      'the other children gone',
      async () => {
        const left = await children('gc-foreground');
        return left.length === 3 ? left : undefined;
      },
      GC_TIMEOUT_MS,
    );
    expect(waiting).toEqual([
      'deployment.apps/gc-foreground-bots',
      `pod/${held!.metadata.name}`,
      expect.stringMatching(/^replicaset\.apps\/gc-foreground-bots-/),
    ]);
    for (const owner of ['botswarm/gc-foreground', waiting[0]!, waiting[2]!]) {
      const { deletionTimestamp, finalizers } = (await c.getJson<{ metadata: Meta }>(owner))!.metadata;
      expect({ owner, deletionTimestamp, finalizers }).toEqual({
        owner,
        deletionTimestamp: expect.any(String),
        finalizers: ['foregroundDeletion'],
      });
    }
    const pod = await c.getJson<Pod>('pod', held!.metadata.name);
    expect(pod?.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(pod?.metadata.finalizers).toEqual(['flock.dev/e2e-hold']);

    await hold([]);
    await c.kubectlOk('wait', '--for=delete', 'botswarm/gc-foreground', '--timeout=30s');
    expect(await children('gc-foreground')).toEqual([]);
    expect(operatorDeletes()).toEqual([]);
  }, 90_000);

  it('--cascade=orphan: the swarm goes, its children stay without their ownerReference', async () => {
    const before = await readySwarmWithChildren('gc-orphan');
    const uid = (await swarm('gc-orphan'))!.metadata.uid;
    // kubectl returns once the swarm is gone, which the orphan finalizer holds until the collector has
    // removed the swarm from every child's ownerReferences.
    await c.kubectlOk('delete', 'botswarm', 'gc-orphan', '--cascade=orphan', '--timeout=60s');
    expect(await swarm('gc-orphan')).toBeUndefined();
    for (const kind of ['deployment', 'service', 'servicemonitor']) {
      const child = await c.getJson<{ metadata: Meta }>(kind, 'gc-orphan-bots');
      expect(child?.metadata.deletionTimestamp).toBeUndefined();
      expect(child?.metadata.ownerReferences ?? []).not.toContainEqual(expect.objectContaining({ uid }));
    }
    // Only the swarm's own dependents are orphaned: the Deployment keeps its ReplicaSet and ready pods.
    const deployment = await c.getJson<{ metadata: Meta; status: { readyReplicas: number } }>(
      'deployment',
      'gc-orphan-bots',
    );
    expect(deployment?.status.readyReplicas).toBe(2);
    const [replicaSet] = (await c.getJson<List<{ metadata: Meta }>>('rs', '-l', 'flock.dev/swarm=gc-orphan'))!
      .items;
    expect(replicaSet?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Deployment', uid: deployment!.metadata.uid }),
    ]);
    expect(await children('gc-orphan')).toEqual(before);
    expect(operatorDeletes()).toEqual([]);

    await c.kubectlOk('delete', 'deployment,service,servicemonitor', 'gc-orphan-bots');
    await c.eventually('the orphans removed', async () => (await children('gc-orphan')).length === 0);
  }, 90_000);
});
