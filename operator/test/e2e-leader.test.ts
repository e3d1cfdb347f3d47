/**
 * Black-box leader election on a real API server: two operator processes; only the Lease holder writes,
 * and the other takes over when the holder is killed (SIGKILL: no hand-over), stops (SIGTERM: it releases
 * the Lease), or cannot renew because its Lease requests hang (it stops leading by its renew deadline,
 * before the standby's takeover, so two leaders never write at once).
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
type Lease = {
  spec: {
    holderIdentity: string;
    leaseTransitions?: number;
    leaseDurationSeconds: number;
    acquireTime: string;
  };
};
const holder = async () => (await c.getJson<Lease>('lease', 'flock-operator'))?.spec.holderIdentity;
const replicas = async () =>
  (await c.getJson<{ spec: { replicas: number } }>('deployment', 'demo-bots'))?.spec.replicas;
const allWrites = (id: string) => c.proxy.writesBy(`flock-operator/${id}`);

beforeAll(async () => {
  c = await Cluster.start({ namespace: NS });
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

  it('a leader whose Lease requests hang stops leading by its renew deadline, before the standby takes over', async () => {
    const current = c.operators.find((o) => o.identity === 'op-c')!;
    const standby = await c.startOperator({ ...LEASE, POD_NAME: 'op-d' });
    await c.eventually('op-d ready', async () => (await fetch(`${standby.url}/readyz`)).status === 200);
    const exited = new Promise<number>((resolve) => current.child.once('exit', () => resolve(Date.now())));
    // Every Lease call of the leader now hangs for 25 s; its other requests go through.
    const hungAt = Date.now();
    c.proxy.addFault({ userAgent: 'flock-operator/op-c', path: '/leases', delayMs: 25_000, times: 0 });
    await c.kubectlOk('scale', 'botswarm/demo', '--replicas=5');
    await c.eventually('op-d holds the lease', async () => (await holder()) === 'op-d', 20_000);
    const stoppedAt = await exited;
    c.proxy.clearFaults();
    const lease = (await c.getJson<Lease>('lease', 'flock-operator'))!;
    const takenAt = Date.parse(lease.spec.acquireTime);
    console.log(
      `hung leader stopped ${stoppedAt - hungAt} ms after its Lease calls hung; standby took over after ${takenAt - hungAt} ms`,
    );
    // Lost leadership ends the process (exit 1), within the 2.5 s renew deadline (plus a retry period).
    expect(current.child.exitCode).toBe(1);
    expect(stoppedAt - hungAt).toBeLessThan(2_500 + 1_000);
    expect(stoppedAt).toBeLessThan(takenAt);
    expect(allWrites('op-c').filter((w) => !w.path.includes('/leases') && w.at >= takenAt)).toEqual([]);
    await c.eventually('deployment at 5', async () => (await replicas()) === 5);
  });
});
