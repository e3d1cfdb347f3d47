/**
 * Black-box, on the real API server: the BotSwarm schema at work through `kubectl apply --server-side`.
 * The server fills the CRD's defaults; refuses an unknown field (server-side apply always does: its
 * patch is typed by the schema) while a plain create with validation off has it pruned; and tracks
 * field ownership: a second field manager changing a field
 * the first one applied gets a conflict, unless it forces it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, condition, type Swarm } from './support/cluster.ts';

let c: Cluster;

function file(name: string, spec: string) {
  const path = join(c.dir, `${name}-${Date.now()}.yaml`);
  writeFileSync(
    path,
    `apiVersion: flock.dev/v1alpha1\nkind: BotSwarm\nmetadata: { name: ${name} }\nspec:\n${spec}`,
  );
  return path;
}

beforeAll(async () => {
  c = await Cluster.start({ namespace: 'apply' });
  await c.installCrd();
}, 60_000);

afterAll(async () => {
  await c?.stop();
});

describe('kubectl apply --server-side of a BotSwarm', () => {
  it('fills in the schema defaults', async () => {
    const out = await c.kubectlOk(
      'apply',
      '--server-side',
      '-f',
      file('minimal', '  target: { url: "http://flock-api:3000" }\n'),
    );
    expect(out).toBe('botswarm.flock.dev/minimal serverside-applied\n');
    const swarm = (await c.getJson<Swarm>('botswarm', 'minimal'))!;
    expect(swarm.spec).toMatchObject({
      replicas: 1,
      botsPerPod: 10,
      maxReplicas: 50,
      suspend: false,
      image: 'ghcr.io/flock/bot-agent:0.1.0',
      behavior: {
        postsPerHour: 6,
        likesPerHour: 12,
        // Added later in v1alpha1: a swarm that does not name them reads back 0, so it does what it did.
        followsPerHour: 0,
        repliesPerHour: 0,
        tagPool: ['flock', 'bots'],
        jitterPercent: 20,
      },
      metrics: { mode: 'ServiceMonitor', port: 9464, path: '/metrics', interval: '30s' },
    });
  });

  it('refuses a negative or too high followsPerHour or repliesPerHour, and replies without tags', async () => {
    const cases: Array<[string, string, string]> = [
      [
        'negative-follows',
        'followsPerHour: -1',
        'spec.behavior.followsPerHour: Invalid value: -1: spec.behavior.followsPerHour in body should be greater than or equal to 0',
      ],
      [
        'negative-replies',
        'repliesPerHour: -3',
        'spec.behavior.repliesPerHour: Invalid value: -3: spec.behavior.repliesPerHour in body should be greater than or equal to 0',
      ],
      [
        'many-follows',
        'followsPerHour: 3601',
        'spec.behavior.followsPerHour: Invalid value: 3601: spec.behavior.followsPerHour in body should be less than or equal to 3600',
      ],
      [
        'untagged-replies',
        'postsPerHour: 0, repliesPerHour: 5, tagPool: []',
        'spec.behavior.tagPool: Invalid value: "object": behavior.tagPool must not be empty while behavior.repliesPerHour > 0',
      ],
    ];
    for (const [name, behavior, message] of cases) {
      const spec = `  target: { url: "http://flock-api:3000" }\n  behavior: { ${behavior} }\n`;
      const r = await c.kubectl('apply', '--server-side', '-f', file(name, spec));
      expect({ name, code: r.code }).toEqual({ name, code: 1 });
      expect(r.stderr).toContain(message);
      expect(await c.getJson<Swarm>('botswarm', name)).toBeUndefined();
    }
  });

  it('refuses an unknown field; a create with validation off has it pruned', async () => {
    const spec = '  target: { url: "http://flock-api:3000" }\n  colour: red\n';
    const strict = await c.kubectl('apply', '--server-side', '-f', file('unknown', spec));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('.spec.colour: field not declared in schema');
    const ignored = await c.kubectl(
      'apply',
      '--server-side',
      '--validate=false',
      '-f',
      file('unknown', spec),
    );
    expect(ignored.stderr).toContain('.spec.colour: field not declared in schema');
    await c.kubectlOk('create', '--validate=false', '-f', file('unknown', spec));
    const pruned = (await c.getJson<Swarm>('botswarm', 'unknown'))!;
    expect(pruned.spec).not.toHaveProperty('colour');
    expect(pruned.spec.replicas).toBe(1);
  });

  it('a second field manager changing an applied field gets a conflict, unless it forces it', async () => {
    const spec = (replicas: number) =>
      `  target: { url: "http://flock-api:3000" }\n  replicas: ${replicas}\n`;
    await c.kubectlOk('apply', '--server-side', '-f', file('owned', spec(2)));
    const other = await c.kubectl(
      'apply',
      '--server-side',
      '--field-manager=team-b',
      '-f',
      file('owned', spec(5)),
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect((await c.getJson<Swarm>('botswarm', 'owned'))!.spec.replicas).toBe(2);
    await c.kubectlOk(
      'apply',
      '--server-side',
      '--field-manager=team-b',
      '--force-conflicts',
      '-f',
      file('owned', spec(5)),
    );
    const taken = (await c.getJson<
      Swarm & {
        metadata: {
          managedFields: Array<{ manager: string; fieldsV1: { 'f:spec'?: Record<string, unknown> } }>;
        };
      }
    >('botswarm', 'owned', '--show-managed-fields'))!;
    expect(taken.spec.replicas).toBe(5);
    const owner = taken.metadata.managedFields.find(
      (f) => f.fieldsV1['f:spec']?.['f:replicas'] !== undefined,
    );
    expect(owner?.manager).toBe('team-b');
  });
});

describe('the operator against edits of its children, by server-side apply semantics', () => {
  type Env = Array<{ name: string; value?: string }>;
  type Deployment = { spec: { template: { spec: { containers: Array<{ env: Env }> } } } };
  const env = async (): Promise<Env> => {
    const deployment = await c.getJson<Deployment>('deployment', 'edited-bots');
    return deployment?.spec.template.spec.containers[0]?.env ?? [];
  };
  const value = (list: Env, name: string) => list.find((e) => e.name === name)?.value;

  it('keeps a variable another manager added beside its own, and restores one of its own that was changed', async () => {
    await c.startOperator({ WATCH_NAMESPACE: 'apply' });
    await c.kubectlOk(
      'apply',
      '-f',
      file('edited', '  target: { url: "http://flock-api:3000" }\n  behavior: { tagPool: [birds] }\n'),
    );
    await c.kubectlOk('wait', '--for=condition=Ready', 'botswarm/edited', '--timeout=60s');
    // env is a list merged by name: a variable someone else adds is theirs, and no drift of ours.
    await c.kubectlOk('set', 'env', 'deployment/edited-bots', 'EXTRA=theirs');
    await new Promise((r) => setTimeout(r, 2_000));
    const applies = () => c.writesBy('flock-operator/').filter((w) => w.method === 'PATCH').length;
    const before = applies();
    await c.kubectlOk('annotate', 'botswarm/edited', 'touched=1');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(value(await env(), 'EXTRA')).toBe('theirs');
    expect(applies()).toBe(before);
    // A variable of the contract changed by hand is drift: put back, and the Event says where.
    await c.kubectlOk('set', 'env', 'deployment/edited-bots', 'TAG_POOL=hijacked');
    await c.eventually('TAG_POOL restored', async () => value(await env(), 'TAG_POOL') === 'birds');
    expect(value(await env(), 'EXTRA')).toBe('theirs');
    const events = await c.getJson<{ items: Array<{ reason: string; message: string }> }>(
      'events',
      '--field-selector=involvedObject.name=edited',
    );
    expect(events?.items.find((e) => e.reason === 'UpdatedDeployment')?.message).toContain(
      'drift at spec.template.spec.containers[bot].env[TAG_POOL].value',
    );
    expect(condition(await c.getJson<Swarm>('botswarm', 'edited'), 'Ready')?.status).toBe('True');
  });

  it('passes followsPerHour and repliesPerHour to the bots, and leaves them out at 0', async () => {
    // `edited` names neither: its pods have no such variable (the agent's default is 0).
    expect((await env()).map((e) => e.name)).not.toContain('FOLLOWS_PER_HOUR');
    expect((await env()).map((e) => e.name)).not.toContain('REPLIES_PER_HOUR');
    await c.kubectlOk(
      'apply',
      '-f',
      file(
        'social',
        '  target: { url: "http://flock-api:3000" }\n  behavior: { followsPerHour: 4, repliesPerHour: 9 }\n',
      ),
    );
    const social = await c.eventually("the social swarm's Deployment", () =>
      c.getJson<Deployment>('deployment', 'social-bots'),
    );
    const list = social.spec.template.spec.containers[0]!.env;
    expect([value(list, 'FOLLOWS_PER_HOUR'), value(list, 'REPLIES_PER_HOUR')]).toEqual(['4', '9']);
    // An edit of a rate reaches the pods.
    await c.kubectlOk(
      'patch',
      'botswarm',
      'social',
      '--type=merge',
      '-p',
      '{"spec":{"behavior":{"repliesPerHour":2}}}',
    );
    await c.eventually('REPLIES_PER_HOUR updated', async () => {
      const d = await c.getJson<Deployment>('deployment', 'social-bots');
      return value(d?.spec.template.spec.containers[0]?.env ?? [], 'REPLIES_PER_HOUR') === '2';
    });
  });
});
