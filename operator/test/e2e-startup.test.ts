/** Black-box: the operator starts before the BotSwarm CRD exists, stays up and unready, then catches up. */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster, condition, OPERATOR_DIR, type Swarm } from './support/cluster.ts';

let c: Cluster;

beforeAll(async () => {
  c = await Cluster.start({ namespace: 'startup', ownControlPlane: true });
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

it('starts without the CRD (unready, no crash) and reconciles once the CRD is installed', async () => {
  const op = await c.startOperator({ WATCH_NAMESPACE: 'startup' });
  const readyz = async () => {
    const r = await fetch(`${op.url}/readyz`);
    return { status: r.status, body: await r.text() };
  };
  expect(await readyz()).toEqual({ status: 503, body: 'informers not synced' });
  expect((await fetch(`${op.url}/healthz`)).status).toBe(200);
  await c.eventually('informer restarts', async () =>
    /flock_operator_informer_restarts_total\{kind="BotSwarm"\} [1-9]/.test(await op.metrics()),
  );
  expect(op.child.exitCode).toBeNull();

  await c.installCrd();
  await c.kubectlOk('apply', '-f', join(OPERATOR_DIR, 'examples/demo.yaml'));
  await c.eventually('readyz', async () => (await readyz()).status === 200, 45_000);
  await c.eventually(
    'swarm Ready',
    async () => condition(await c.getJson<Swarm>('botswarm', 'demo'), 'Ready')?.status === 'True',
    45_000,
  );
});
