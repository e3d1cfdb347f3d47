/**
 * Black-box, on the real control plane: what the API server refuses shows in the swarm's status and
 * Events, not only in the operator's log. A child the server rejects (422: a bot container asking for
 * more memory than its limit) → Degraded=True, reason ApplyRefused, with the server's message, and a
 * Warning Event; fixed, it recovers. Pods the ReplicaSet may not create (a ResourceQuota) → Degraded,
 * reason ReplicaFailure, at once rather than RollingOut until the progress deadline.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, condition, type Swarm } from './support/cluster.ts';

const NS = 'refusals';
let c: Cluster;
const swarm = (name: string) => c.getJson<Swarm>('botswarm', name);

function swarmYaml(name: string, replicas: number, resources?: string) {
  return [
    'apiVersion: flock.dev/v1alpha1',
    'kind: BotSwarm',
    `metadata: { name: ${name} }`,
    'spec:',
    `  replicas: ${replicas}`,
    '  target: { url: "http://flock-api:3000" }',
    '  metrics: { mode: None }',
    ...(resources ? ['  template:', `    resources: ${resources}`] : []),
    '',
  ].join('\n');
}

async function apply(name: string, yaml: string) {
  const file = join(c.dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  await c.kubectlOk('apply', '-f', file);
}

beforeAll(async () => {
  c = await Cluster.start({ namespace: NS });
  await c.installCrd();
  await c.startOperator({ WATCH_NAMESPACE: NS });
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

describe('refusals', () => {
  it('a Deployment the server refuses (422) → Degraded ApplyRefused with its message and a Warning Event; fixed, Ready', async () => {
    await apply(
      'invalid',
      swarmYaml('invalid', 1, '{ requests: { memory: 512Mi }, limits: { memory: 256Mi } }'),
    );
    const degraded = await c.eventually('Degraded', async () => {
      const found = condition(await swarm('invalid'), 'Degraded');
      return found?.status === 'True' ? found : undefined;
    });
    expect(degraded.reason).toBe('ApplyRefused');
    expect(degraded.message).toContain('Deployment invalid-bots');
    expect(degraded.message).toContain('must be less than or equal to memory limit');
    expect(condition(await swarm('invalid'), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ApplyRefused',
    });
    const events = await c.eventually('the Warning Event', async () => {
      const list = await c.getJson<{ items: Array<{ type: string; reason: string; message: string }> }>(
        'events',
        '--field-selector=involvedObject.name=invalid',
      );
      return list?.items.find((e) => e.type === 'Warning' && e.reason === 'ApplyRefused');
    });
    expect(events.message).toContain('must be less than or equal to memory limit');

    await apply(
      'invalid',
      swarmYaml('invalid', 1, '{ requests: { memory: 128Mi }, limits: { memory: 256Mi } }'),
    );
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/invalid', '--timeout=60s');
    expect(condition(await swarm('invalid'), 'Degraded')).toMatchObject({ status: 'False' });
  });

  it('pods a ResourceQuota forbids → Degraded ReplicaFailure, not RollingOut', async () => {
    await c.kubectlOk('create', 'quota', 'two-pods', '--hard=pods=2');
    try {
      await apply('quota', swarmYaml('quota', 4));
      const degraded = await c.eventually('Degraded', async () => {
        const found = condition(await swarm('quota'), 'Degraded');
        return found?.status === 'True' ? found : undefined;
      });
      expect(degraded.reason).toBe('ReplicaFailure');
      expect(degraded.message).toMatch(/^FailedCreate: .*exceeded quota: two-pods/);
      expect(condition(await swarm('quota'), 'Ready')).toMatchObject({
        status: 'False',
        reason: 'ReplicaFailure',
      });
    } finally {
      await c.kubectlOk('delete', 'quota', 'two-pods');
    }
    // The ReplicaSet retries once the quota is gone.
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/quota', '--timeout=90s');
  });
});
