/** Black-box: the real flockctl process against the real operator and a real control plane. */
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, condition, OPERATOR_DIR, type Swarm } from './support/cluster.ts';

let c: Cluster;

async function sequence<const T extends readonly (() => Promise<unknown>)[]>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await step());
  return out as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
const swarm = () => c.getJson<Swarm>('botswarm', 'demo');
const deploymentReplicas = async () =>
  (await c.getJson<{ spec: { replicas: number } }>('deployment', 'demo-bots'))?.spec.replicas;

beforeAll(async () => {
  c = await Cluster.start({ namespace: 'flockctl' });
  await c.installCrd();
  await c.startOperator({ WATCH_NAMESPACE: 'flockctl' });
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

describe('flockctl', () => {
  it('swarm create -f --wait creates the swarm and waits until it is Ready', async () => {
    const r = await c.flockctl('swarm', 'create', '-f', join(OPERATOR_DIR, 'examples/demo.yaml'), '--wait');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('botswarm.flock.dev/demo created');
    expect(r.stderr).toMatch(/botswarm\/demo is Ready \(\d+\.\d+s\)/);
    expect(condition(await swarm(), 'Ready')?.status).toBe('True');
  });

  it('swarm list and get show the state; -o json|yaml give machine-readable output', async () => {
    const list = await c.flockctl('swarm', 'list');
    expect(list.code).toBe(0);
    const [header, row] = list.stdout.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'DESIRED', 'READY', 'BOTS', 'STATUS', 'AGE']);
    expect(row!.split(/\s+/).slice(0, 5)).toEqual(['demo', '3', '3', '30', 'AllReplicasReady']);
    const all = await c.flockctl('swarm', 'list', '-A');
    expect(all.stdout.split('\n')[1]!.split(/\s+/).slice(0, 2)).toEqual(['flockctl', 'demo']);
    const json = await c.flockctl('swarm', 'get', 'demo', '-o', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: 'BotSwarm',
      metadata: { name: 'demo' },
      status: { bots: 30 },
    });
    const yaml = await c.flockctl('-o', 'yaml', 'swarm', 'list');
    expect(yaml.stdout).toContain('kind: List');
    const get = await c.flockctl('swarm', 'get', 'demo');
    expect(get.stdout).toMatch(/Ready\s+True\s+AllReplicasReady/);
    expect(get.stdout).toContain('Children: deployment=demo-bots service=demo-bots serviceMonitor=demo-bots');
    // The rates of examples/demo.yaml.
    expect(get.stdout).toContain(
      'Rates per bot per hour: posts 12, likes 30, follows 2, replies 6 (jitter ±25%)\nTags: kubernetes,flock,bots',
    );
  });

  it('swarm scale demo --bots 70 --wait shows progress and ends Ready', async () => {
    const r = await c.flockctl('swarm', 'scale', 'demo', '--bots', '70', '--wait', '--timeout', '60s');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('70 bots at 10 per pod: 7 pods, 70 bots');
    expect(r.stderr).toContain('botswarm.flock.dev/demo scaled to 7 pods');
    expect(r.stderr).toMatch(/botswarm\/demo: \d\/7 pods ready/);
    expect(r.stderr).toContain('botswarm/demo: 7/7 pods ready, 70 bots, AllReplicasReady');
    expect(r.stderr).toMatch(/botswarm\/demo is Ready/);
    expect(await deploymentReplicas()).toBe(7);
    expect((await swarm())!.status).toMatchObject({ readyReplicas: 7, bots: 70 });
  });

  it('rounds --bots up to whole pods and scales through /scale with --replicas', async () => {
    const r = await c.flockctl('swarm', 'scale', 'demo', '--bots', '25');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('25 bots at 10 per pod: 3 pods, 30 bots (rounded up from 25 bots)');
    const r2 = await c.flockctl('swarm', 'scale', 'demo', '--replicas', '2', '--wait');
    expect(r2.code).toBe(0);
    expect(await deploymentReplicas()).toBe(2);
  });

  it('warns when an HPA targets the swarm', async () => {
    await c.kubectlOk('apply', '-f', join(OPERATOR_DIR, 'examples/hpa.yaml'));
    const r = await c.flockctl('swarm', 'scale', 'demo', '--replicas', '3');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: HorizontalPodAutoscaler "demo" targets botswarm "demo"');
    await c.kubectlOk('delete', 'hpa', 'demo');
  });

  it('suspend --wait scales the bots to zero (Ready reason Suspended); resume --wait brings them back', async () => {
    const s = await c.flockctl('swarm', 'suspend', 'demo', '--wait');
    expect(s.code).toBe(0);
    expect(s.stderr).toContain('botswarm/demo is suspended');
    expect(await deploymentReplicas()).toBe(0);
    expect(condition(await swarm(), 'Ready')).toMatchObject({ status: 'False', reason: 'Suspended' });
    const r = await c.flockctl('swarm', 'resume', 'demo', '--wait');
    expect(r.code).toBe(0);
    expect(await deploymentReplicas()).toBe(3);
  });

  it('errors are clear and exit non-zero: unknown swarm, bad flags, too big, invalid file, no cluster', async () => {
    const port = await closedPort();
    const dead = join(c.dir, 'dead.kubeconfig');
    writeFileSync(
      dead,
      (await c.kubectlOk('config', 'view', '--raw')).replace(/(server: )\S+/, `$1https://127.0.0.1:${port}`),
    );
    // One after another: on two cores, a dozen Node processes at once is slower, not faster.
    const [
      unknown,
      getUnknown,
      badFlag,
      both,
      negative,
      noName,
      badOutput,
      tooBig,
      bad,
      dup,
      noCluster,
      badContext,
    ] = await sequence([
      () => c.flockctl('swarm', 'scale', 'nope', '--replicas', '2'),
      () => c.flockctl('swarm', 'get', 'nope'),
      () => c.flockctl('swarm', 'scale', 'demo', '--replicaz', '2'),
      () => c.flockctl('swarm', 'scale', 'demo', '--replicas', '2', '--bots', '3'),
      () => c.flockctl('swarm', 'scale', 'demo', '--replicas', '-1'),
      () => c.flockctl('swarm', 'scale'),
      () => c.flockctl('-o', 'xml', 'swarm', 'list'),
      () => c.flockctl('swarm', 'scale', 'demo', '--replicas', '500'),
      () => c.flockctl('swarm', 'create', '-f', join(OPERATOR_DIR, 'test/fixtures/bad-url.yaml')),
      () => c.flockctl('swarm', 'create', '-f', join(OPERATOR_DIR, 'examples/demo.yaml')),
      () => c.flockctl('--kubeconfig', dead, 'swarm', 'list'),
      () => c.flockctl('--context', 'nowhere', 'swarm', 'list'),
    ]);
    expect(unknown).toMatchObject({
      code: 3,
      stderr: 'error: botswarm "nope" not found in namespace "flockctl"\n',
    });
    expect(getUnknown.code).toBe(3);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("error: unknown option '--replicaz'");
    expect(both).toMatchObject({ code: 2, stderr: 'error: give exactly one of --replicas N or --bots N\n' });
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('expected a whole number');
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("missing required argument 'name'");
    expect(badOutput.code).toBe(2);
    expect(badOutput.stderr).toContain("argument 'xml' is invalid");
    expect(tooBig).toMatchObject({
      code: 6,
      stderr: 'error: cannot scale botswarm "demo" to 500 pods: spec.maxReplicas is 20\n',
    });
    expect(bad.code).toBe(6);
    expect(bad.stderr).toContain('spec.target.url');
    expect(dup).toMatchObject({
      code: 1,
      stderr: 'error: botswarm "demo" already exists in namespace "flockctl"\n',
    });
    expect(noCluster).toMatchObject({
      code: 4,
      stderr: `error: cannot reach the Kubernetes API at https://127.0.0.1:${port}: ECONNREFUSED\n`,
    });
    expect(badContext).toMatchObject({
      code: 4,
      stderr: 'error: context "nowhere" does not exist in the kubeconfig\n',
    });
  });

  it('swarm get shows the rates a swarm leaves out at their defaults: no follows, no replies', async () => {
    const created = await c.flockctl(
      'swarm',
      'create',
      '-f',
      join(OPERATOR_DIR, 'test/fixtures/good-minimal.yaml'),
    );
    expect(created.code).toBe(0);
    try {
      const get = await c.flockctl('swarm', 'get', 'good-minimal');
      expect(get.code).toBe(0);
      expect(get.stdout).toContain(
        'Rates per bot per hour: posts 6, likes 12, follows 0, replies 0 (jitter ±20%)\nTags: flock,bots',
      );
    } finally {
      await c.flockctl('swarm', 'delete', 'good-minimal', '--wait');
    }
  });

  it('--wait gives up with a clear message and exit code 5', async () => {
    // New pods cannot start: every node is cordoned.
    const nodes = (await c.kubectlOk('get', 'nodes', '-o', 'name')).split('\n').filter(Boolean);
    for (const node of nodes) await c.kubectlOk('cordon', node);
    try {
      const r = await c.flockctl('swarm', 'scale', 'demo', '--replicas', '5', '--wait', '--timeout', '1s');
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(
        /error: timed out after 1s waiting for botswarm "demo" to be Ready: 3\/5 pods ready/,
      );
    } finally {
      for (const node of nodes) await c.kubectlOk('uncordon', node);
    }
  });

  it('swarm delete --wait removes it', async () => {
    const r = await c.flockctl('swarm', 'delete', 'demo', '--wait');
    expect(r).toMatchObject({ code: 0, stderr: 'botswarm.flock.dev/demo deleted\n' });
    expect(await swarm()).toBeUndefined();
    const again = await c.flockctl('swarm', 'delete', 'demo');
    expect(again.code).toBe(3);
  });
});
