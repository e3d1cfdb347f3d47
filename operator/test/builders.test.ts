import { type BotSwarm, resolveSpec } from '@flock/shared/botswarm';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  buildDeployment,
  buildMonitor,
  buildService,
  SPEC_HASH_ANNOTATION,
  selectorString,
  TEMPLATE_HASH_ANNOTATION,
} from '../src/builders.ts';

const swarm = (spec: Partial<BotSwarm['spec']> = {}): BotSwarm => ({
  apiVersion: 'flock.dev/v1alpha1',
  kind: 'BotSwarm',
  metadata: { name: 'demo', namespace: 'bots', uid: '0b1c2d3e-0000-4000-8000-000000000001', generation: 1 },
  spec: {
    replicas: 3,
    botsPerPod: 10,
    target: { url: 'http://flock-api:3000' },
    behavior: {
      postsPerHour: 12,
      likesPerHour: 30,
      tagPool: ['kubernetes', 'flock'],
      jitterPercent: 25,
      seed: 's1',
    },
    metrics: { labels: { release: 'kube-prometheus-stack' } },
    ...spec,
  },
});

type Dep = {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        containers: Array<{
          env: Array<{ name: string; value?: string }>;
          image: string;
          securityContext: Record<string, unknown>;
        }>;
        securityContext: Record<string, unknown>;
        nodeSelector?: Record<string, string>;
      };
    };
  };
};
const dep = (s: BotSwarm) => buildDeployment(s) as unknown as Dep & ReturnType<typeof buildDeployment>;
const env = (s: BotSwarm) =>
  Object.fromEntries(
    dep(s).spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value ?? 'fieldRef']),
  );
const templateHash = (s: BotSwarm) => dep(s).spec.template.metadata.annotations[TEMPLATE_HASH_ANNOTATION];

describe('golden output', () => {
  it('Deployment', async () => {
    await expect(stringify(buildDeployment(swarm()))).toMatchFileSnapshot('golden/deployment.yaml');
  });
  it('Service', async () => {
    await expect(stringify(buildService(swarm()))).toMatchFileSnapshot('golden/service.yaml');
  });
  it('ServiceMonitor and PodMonitor', async () => {
    await expect(stringify(buildMonitor(swarm()))).toMatchFileSnapshot('golden/servicemonitor.yaml');
    await expect(
      stringify(
        buildMonitor(swarm({ metrics: { mode: 'PodMonitor', port: 9100, path: '/m', interval: '15s' } })),
      ),
    ).toMatchFileSnapshot('golden/podmonitor.yaml');
  });
});

describe('builders', () => {
  it('labels and selectors: selector labels are on pods, Service and monitor, and never depend on the spec', () => {
    const d = dep(swarm({ template: { labels: { team: 'qa', 'flock.dev/swarm': 'hijack' } } }));
    expect(d.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'flock-bot',
      'flock.dev/swarm': 'demo',
    });
    expect(d.spec.template.metadata.labels).toMatchObject({
      team: 'qa',
      'flock.dev/swarm': 'demo',
      'app.kubernetes.io/managed-by': 'flock-operator',
    });
    expect((buildService(swarm()).spec as { selector: unknown }).selector).toEqual(
      d.spec.selector.matchLabels,
    );
    expect((buildMonitor(swarm())!.spec as { selector: unknown }).selector).toEqual({
      matchLabels: d.spec.selector.matchLabels,
    });
    expect(selectorString('demo')).toBe('app.kubernetes.io/name=flock-bot,flock.dev/swarm=demo');
  });

  it('every child is controlled by the swarm', () => {
    for (const child of [buildDeployment(swarm()), buildService(swarm()), buildMonitor(swarm())!]) {
      expect(child.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'flock.dev/v1alpha1',
          kind: 'BotSwarm',
          name: 'demo',
          uid: '0b1c2d3e-0000-4000-8000-000000000001',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(child.metadata).toMatchObject({ name: 'demo-bots', namespace: 'bots' });
    }
  });

  it('sets the bot container contract as environment variables', () => {
    expect(env(swarm())).toEqual({
      SWARM_NAME: 'demo',
      POD_NAME: 'fieldRef',
      POD_NAMESPACE: 'fieldRef',
      BOTS_PER_POD: '10',
      POSTS_PER_HOUR: '12',
      LIKES_PER_HOUR: '30',
      TAG_POOL: 'kubernetes,flock',
      JITTER_PERCENT: '25',
      SEED: 's1',
      TARGET_URL: 'http://flock-api:3000',
      METRICS_PORT: '9464',
    });
    expect(env(swarm({ identity: { prefix: 'load' } })).SWARM_NAME).toBe('load');
    const custom = env(
      swarm({
        template: {
          env: [
            { name: 'LOG_LEVEL', value: 'debug' },
            { name: 'TARGET_URL', value: 'http://evil' },
          ],
        },
      }),
    );
    expect(custom.LOG_LEVEL).toBe('debug');
    expect(custom.TARGET_URL).toBe('http://flock-api:3000');
  });

  it('passes followsPerHour and repliesPerHour to the bots when set, and they cannot be overridden', () => {
    const social = swarm({
      behavior: {
        postsPerHour: 12,
        likesPerHour: 30,
        followsPerHour: 3,
        repliesPerHour: 8,
        tagPool: ['k8s'],
      },
      template: {
        env: [
          { name: 'FOLLOWS_PER_HOUR', value: '999' },
          { name: 'REPLIES_PER_HOUR', value: '999' },
        ],
      },
    });
    expect(env(social)).toMatchObject({ FOLLOWS_PER_HOUR: '3', REPLIES_PER_HOUR: '8' });
    // Each is the only one of its name (the template's copy is dropped, not appended).
    const names = dep(social).spec.template.spec.containers[0]!.env.map((e) => e.name);
    expect(names.filter((n) => n === 'FOLLOWS_PER_HOUR' || n === 'REPLIES_PER_HOUR')).toHaveLength(2);
    expect(templateHash(social)).not.toBe(templateHash(swarm()));
    expect(templateHash(swarm({ behavior: { followsPerHour: 1 } }))).not.toBe(
      templateHash(swarm({ behavior: { followsPerHour: 2 } })),
    );
    expect(templateHash(swarm({ behavior: { repliesPerHour: 1 } }))).not.toBe(
      templateHash(swarm({ behavior: { repliesPerHour: 2 } })),
    );
  });

  it('a swarm without followsPerHour and repliesPerHour gets 0, and the pods it had before (no rollout on upgrade)', () => {
    const before = swarm();
    expect(resolveSpec(before.spec).behavior).toMatchObject({ followsPerHour: 0, repliesPerHour: 0 });
    // 0 is the agent's default: the variables are left out, so the pod template, and its hash, are those
    // of an operator that did not know the fields (the golden Deployment above is unchanged).
    expect(env(before)).not.toHaveProperty('FOLLOWS_PER_HOUR');
    expect(env(before)).not.toHaveProperty('REPLIES_PER_HOUR');
    const explicitZero = swarm({
      behavior: { ...before.spec.behavior, followsPerHour: 0, repliesPerHour: 0 },
    });
    expect(buildDeployment(explicitZero)).toEqual(buildDeployment(before));
  });

  it('uses the default image unless spec.image overrides it', () => {
    expect(dep(swarm()).spec.template.spec.containers[0]!.image).toBe('ghcr.io/flock/bot-agent:0.1.0');
    expect(dep(swarm({ image: 'registry.local/bots:dev' })).spec.template.spec.containers[0]!.image).toBe(
      'registry.local/bots:dev',
    );
  });

  it('hardens the pod and container, letting the template add to it', () => {
    const d = dep(
      swarm({ template: { securityContext: { runAsUser: 2000 }, nodeSelector: { pool: 'bots' } } }),
    );
    expect(d.spec.template.spec.containers[0]!.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: 2000,
    });
    expect(d.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(d.spec.template.spec.nodeSelector).toEqual({ pool: 'bots' });
  });

  it('template hash changes with any pod-affecting edit and not with scaling', () => {
    const base = templateHash(swarm());
    expect(base).toMatch(/^[0-9a-f]{10}$/);
    expect(templateHash(swarm())).toBe(base);
    expect(templateHash(swarm({ replicas: 9 }))).toBe(base);
    const edits: Array<Partial<BotSwarm['spec']>> = [
      { behavior: { tagPool: ['other'] } },
      { botsPerPod: 11 },
      { image: 'x:1' },
      { target: { url: 'http://elsewhere' } },
      { template: { resources: { limits: { memory: '1Gi' } } } },
    ];
    const hashes = edits.map((e) => templateHash(swarm(e)));
    expect(new Set([base, ...hashes]).size).toBe(edits.length + 1);
  });

  it('suspend scales the Deployment to zero and changes nothing else', () => {
    const d = dep(swarm({ suspend: true }));
    expect(d.spec.replicas).toBe(0);
    expect(templateHash(swarm({ suspend: true }))).toBe(templateHash(swarm()));
  });

  it('monitors: endpoints follow metrics settings, labels carry metrics.labels, None builds nothing', () => {
    const sm = buildMonitor(swarm())!;
    expect(sm.kind).toBe('ServiceMonitor');
    expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect((sm.spec as { endpoints: unknown }).endpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' },
    ]);
    const pm = buildMonitor(
      swarm({ metrics: { mode: 'PodMonitor', port: 9100, path: '/m', interval: '15s' } }),
    )!;
    expect(pm.kind).toBe('PodMonitor');
    expect((pm.spec as { podMetricsEndpoints: unknown }).podMetricsEndpoints).toEqual([
      { port: 'metrics', path: '/m', interval: '15s', scheme: 'http' },
    ]);
    expect(buildMonitor(swarm({ metrics: { mode: 'None' } }))).toBeUndefined();
    const svc = buildService(swarm({ metrics: { port: 9100 } }));
    expect((svc.spec as { ports: unknown }).ports).toEqual([
      { name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });

  it('spec hash annotation identifies the desired object', () => {
    const a = buildDeployment(swarm()).metadata.annotations![SPEC_HASH_ANNOTATION];
    expect(a).toBe(buildDeployment(swarm()).metadata.annotations![SPEC_HASH_ANNOTATION]);
    expect(a).not.toBe(buildDeployment(swarm({ replicas: 4 })).metadata.annotations![SPEC_HASH_ANNOTATION]);
  });
});
