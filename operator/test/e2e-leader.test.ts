/**
 * Black-box leader election: two operator processes; only the Lease holder writes, and the other takes
 * over when the holder is killed (SIGKILL: no hand-over) or stops (SIGTERM: it releases the Lease).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, condition, OPERATOR_DIR, type OperatorProcess, type Swarm } from './support/cluster.ts';

const NS = 'leader';
const LEASE = {
  LEASE_DURATION_SECONDS: '3',
  RENEW_DEADLINE_SECONDS: '2.5',
  RETRY_PERIOD_SECONDS: '0.2',
  WATCH_NAMESPACE: NS,
};
let c: Cluster;
let a: OperatorProcess;
let b: OperatorProcess;
type Lease = { spec: { holderIdentity: string; leaseTransitions?: number; leaseDurationSeconds: number } };
const holder = async () => (await c.getJson<Lease>('lease', 'flock-operator'))?.spec.holderIdentity;
const replicas = async () =>
  (await c.getJson<{ spec: { replicas: number } }>('deployment', 'demo-bots'))?.spec.replicas;
const allWrites = (id: string) =>
  (c.server?.writes ?? []).filter((w) => w.userAgent === `flock-operator/${id}`);

beforeAll(async () => {
  c = await Cluster.start({ namespace: NS, testServer: true });
  await c.installCrd();
  a = await c.startOperator({ ...LEASE, POD_NAME: 'op-a' });
  await c.eventually('op-a holds the lease', async () => (await holder()) === 'op-a');
  b = await c.startOperator({ ...LEASE, POD_NAME: 'op-b' });
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

describe('leader election', () => {
  it('only the Lease holder writes', async () => {
    await c.kubectlOk('apply', '-f', join(OPERATOR_DIR, 'examples/demo.yaml'));
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/demo', '--timeout=30s');
    await c.kubectlOk('scale', 'botswarm/demo', '--replicas=4');
    await c.eventually('deployment at 4', async () => (await replicas()) === 4);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await holder()).toBe('op-a');
    expect(c.writesBy('flock-operator/op-a').length).toBeGreaterThan(0);
    expect(allWrites('op-b')).toEqual([]);
    expect(await a.metrics()).toMatch(/flock_operator_leader 1/);
    expect(await b.metrics()).toMatch(/flock_operator_leader 0/);
    // The standby is ready (warm caches) but not leading.
    expect(await (await fetch(`${b.url}/readyz`)).text()).toBe('ok (standby)');
  });

  it('when the holder is killed, the other takes over within the lease time and reconciles', async () => {
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    await c.eventually('op-b holds the lease', async () => (await holder()) === 'op-b', 20_000);
    const takeoverMs = Date.now() - killedAt;
    console.log(`leader takeover after SIGKILL: ${takeoverMs} ms (lease duration 3 s, retry period 0.2 s)`);
    const lease = (await c.getJson<Lease>('lease', 'flock-operator'))!;
    expect(lease.spec).toMatchObject({
      holderIdentity: 'op-b',
      leaseDurationSeconds: 3,
      leaseTransitions: 1,
    });
    await c.kubectlOk('scale', 'botswarm/demo', '--replicas=6');
    await c.eventually('deployment at 6', async () => (await replicas()) === 6);
    await c.eventually('Ready', async () => {
      const s = await c.getJson<Swarm>('botswarm', 'demo');
      return (
        s?.status?.observedGeneration === s?.metadata.generation && condition(s, 'Ready')?.status === 'True'
      );
    });
    expect(allWrites('op-b').length).toBeGreaterThan(0);
    expect(await b.metrics()).toMatch(/flock_operator_leader 1/);
  });

  it('a stopping leader (SIGTERM) hands the Lease over', async () => {
    const c3 = await c.startOperator({ ...LEASE, POD_NAME: 'op-c' });
    await c.eventually('op-c ready', async () => (await fetch(`${c3.url}/readyz`)).status === 200);
    await b.kill('SIGTERM');
    expect(b.child.exitCode).toBe(0);
    await c.eventually('op-c holds the lease', async () => (await holder()) === 'op-c', 20_000);
    await c.kubectlOk('scale', 'botswarm/demo', '--replicas=2');
    await c.eventually('deployment at 2', async () => (await replicas()) === 2);
  });
});
