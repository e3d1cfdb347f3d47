/**
 * BotSwarm (flock.dev/v1alpha1): the one source of truth for the custom resource's spec and status.
 *
 * The schemas below are TypeBox (plain JSON Schema at run time). The operator generates
 * `crds/botswarm.yaml` from them (`npm run -w operator crd:generate`) and a test fails when the
 * committed CRD drifts from these schemas. Keywords that only the Kubernetes API server understands
 * (`x-kubernetes-*`) ride along as schema options.
 */
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { TAG_MAX_LENGTH, TAG_PATTERN } from './names.ts';

export const BOTSWARM_GROUP = 'flock.dev';
export const BOTSWARM_VERSION = 'v1alpha1';
export const BOTSWARM_API_VERSION = `${BOTSWARM_GROUP}/${BOTSWARM_VERSION}`;
export const BOTSWARM_KIND = 'BotSwarm';
export const BOTSWARM_PLURAL = 'botswarms';
export const BOTSWARM_SINGULAR = 'botswarm';
export const BOTSWARM_SHORT_NAMES = ['swarm'];
const DEFAULT_BOT_IMAGE = 'ghcr.io/flock/bot-agent:0.1.0';
const DEFAULT_METRICS_PORT = 9464;

/** The condition types the operator maintains on every BotSwarm. */
export const ConditionTypes = {
  Ready: 'Ready',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  MonitoringReady: 'MonitoringReady',
} as const;

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const URL_PATTERN = '^https?://[^\\s/?#]+(/[^\\s]*)?$';
const DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

/** Kubernetes-shaped values the API server keeps as given (resources, affinity, tolerations…). */
const Opaque = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), {
    description,
    'x-kubernetes-preserve-unknown-fields': true,
  });
const StringMap = (description: string) =>
  Type.Record(Type.String(), Type.String({ maxLength: 1024 }), { description });

const EnvVarSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256, description: 'Variable name.' }),
    value: Type.Optional(Type.String({ maxLength: 32768 })),
    valueFrom: Type.Optional(Opaque('A core/v1 EnvVarSource (secretKeyRef, configMapKeyRef, fieldRef…).')),
  },
  {
    description: 'A core/v1 EnvVar. Names the operator sets itself (the bot contract) cannot be overridden.',
  },
);

const BotSwarmTemplateSchema = Type.Object(
  {
    labels: Type.Optional(StringMap('Extra labels on the bot pods (the selector labels always win).')),
    annotations: Type.Optional(StringMap('Extra annotations on the bot pods.')),
    resources: Type.Optional(Opaque('core/v1 ResourceRequirements of the bot container.')),
    env: Type.Optional(
      Type.Array(EnvVarSchema, { maxItems: 64, description: 'Extra environment variables.' }),
    ),
    nodeSelector: Type.Optional(StringMap('core/v1 PodSpec nodeSelector.')),
    tolerations: Type.Optional(
      Type.Array(Opaque('A core/v1 Toleration.'), {
        maxItems: 32,
        description: 'core/v1 PodSpec tolerations.',
      }),
    ),
    affinity: Type.Optional(Opaque('core/v1 Affinity.')),
    podSecurityContext: Type.Optional(Opaque('core/v1 PodSecurityContext, merged over hardened defaults.')),
    securityContext: Type.Optional(
      Opaque('core/v1 SecurityContext of the bot container, merged over hardened defaults.'),
    ),
    priorityClassName: Type.Optional(Type.String({ maxLength: 253 })),
    serviceAccountName: Type.Optional(Type.String({ maxLength: 253 })),
    imagePullSecrets: Type.Optional(
      Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }) }), { maxItems: 8 }),
    ),
  },
  { description: 'What goes into the bot pods besides the bot contract.' },
);

const BotSwarmBehaviorSchema = Type.Object(
  {
    postsPerHour: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600,
        default: 6,
        description: 'Posts per bot per hour (Poisson mean).',
      }),
    ),
    likesPerHour: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600,
        default: 12,
        description: 'Likes per bot per hour (Poisson mean).',
      }),
    ),
    // Added after v1alpha1 shipped: additive, and 0 by default, so a swarm stored before them (which the
    // API server reads back with these defaults) behaves as it did.
    followsPerHour: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600,
        default: 0,
        description: 'Follows per bot per hour (Poisson mean), of authors seen in the feed.',
      }),
    ),
    repliesPerHour: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600,
        default: 0,
        description: 'Replies per bot per hour (Poisson mean), to messages seen in the feed.',
      }),
    ),
    tagPool: Type.Optional(
      Type.Array(Type.String({ pattern: TAG_PATTERN, maxLength: TAG_MAX_LENGTH }), {
        maxItems: 100,
        default: ['flock', 'bots'],
        'x-kubernetes-list-type': 'set',
        description:
          'Hashtags the bots pick from (a set; must not be empty when postsPerHour or repliesPerHour > 0).',
      }),
    ),
    jitterPercent: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        default: 20,
        description: 'Per-bot rate jitter, in percent.',
      }),
    ),
    seed: Type.Optional(
      Type.String({ maxLength: 64, description: 'Random seed, for reproducible runs. Empty: random.' }),
    ),
  },
  { default: {}, description: 'What each bot does.' },
);

const BotSwarmMetricsSchema = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('ServiceMonitor'), Type.Literal('PodMonitor'), Type.Literal('None')], {
        default: 'ServiceMonitor',
        description: 'Which Prometheus Operator monitor to create, if any.',
      }),
    ),
    port: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 65535,
        default: DEFAULT_METRICS_PORT,
        description: 'Bot metrics port.',
      }),
    ),
    path: Type.Optional(Type.String({ pattern: '^/', maxLength: 256, default: '/metrics' })),
    interval: Type.Optional(Type.String({ pattern: DURATION, maxLength: 16, default: '30s' })),
    labels: Type.Optional(StringMap('Labels on the monitor, so a Prometheus `release: …` selector matches.')),
  },
  { default: {}, description: 'How Prometheus finds the bots.' },
);

export const BotSwarmSpecSchema = Type.Object(
  {
    replicas: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 1,
        description: 'Bot pods. The scale subresource and HPAs set this.',
      }),
    ),
    botsPerPod: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Bots per pod (BOTS_PER_POD).' }),
    ),
    maxReplicas: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10000,
        default: 50,
        description: 'Safety cap: replicas may not exceed it.',
      }),
    ),
    suspend: Type.Optional(
      Type.Boolean({ default: false, description: 'Scale the bots to zero, keep the rest.' }),
    ),
    image: Type.Optional(Type.String({ minLength: 1, maxLength: 512, default: DEFAULT_BOT_IMAGE })),
    imagePullPolicy: Type.Optional(
      Type.Union([Type.Literal('Always'), Type.Literal('IfNotPresent'), Type.Literal('Never')]),
    ),
    target: Type.Object(
      {
        url: Type.String({
          minLength: 1,
          maxLength: 2048,
          pattern: URL_PATTERN,
          description: 'Base URL of the Flock API the bots use (TARGET_URL), http(s)://host[:port][/path].',
          'x-kubernetes-validations': [
            {
              rule: "self.matches('^https?://[^\\\\s/?#]+(/[^\\\\s]*)?$')",
              message: 'target.url must be an http(s) URL such as http://flock-api:3000',
            },
          ],
        }),
      },
      { description: 'Where the bots send their traffic.' },
    ),
    behavior: Type.Optional(BotSwarmBehaviorSchema),
    identity: Type.Optional(
      Type.Object(
        {
          prefix: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 40,
              pattern: DNS_LABEL,
              description: 'Prefix of the bot user names (default: the swarm name). Immutable.',
            }),
          ),
        },
        {
          default: {},
          description: 'How bot accounts are named. Immutable once set: renaming would orphan the accounts.',
          'x-kubernetes-validations': [
            {
              rule: 'has(self.prefix) == has(oldSelf.prefix) && (!has(self.prefix) || self.prefix == oldSelf.prefix)',
              message: 'identity.prefix is immutable',
            },
          ],
        },
      ),
    ),
    template: Type.Optional(BotSwarmTemplateSchema),
    metrics: Type.Optional(BotSwarmMetricsSchema),
  },
  {
    description: 'BotSwarmSpec is the desired state of a swarm of simulated Flock users.',
    'x-kubernetes-validations': [
      {
        rule: 'self.replicas <= self.maxReplicas',
        message: 'replicas must be less than or equal to maxReplicas',
        fieldPath: '.replicas',
      },
      {
        rule: 'self.behavior.postsPerHour == 0 || size(self.behavior.tagPool) > 0',
        message: 'behavior.tagPool must not be empty while behavior.postsPerHour > 0',
        fieldPath: '.behavior.tagPool',
      },
      {
        // Replies carry hashtags from the pool as posts do.
        rule: 'self.behavior.repliesPerHour == 0 || size(self.behavior.tagPool) > 0',
        message: 'behavior.tagPool must not be empty while behavior.repliesPerHour > 0',
        fieldPath: '.behavior.tagPool',
      },
    ],
  },
);

const ConditionSchema = Type.Object(
  {
    type: Type.String({
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0, format: 'int64' })),
    lastTransitionTime: Type.String({ format: 'date-time' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ maxLength: 32768 }),
  },
  { description: 'A standard metav1.Condition.' },
);

export const BotSwarmStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0, format: 'int64' })),
    replicas: Type.Optional(Type.Integer({ minimum: 0, description: 'Bot pods that exist.' })),
    readyReplicas: Type.Optional(Type.Integer({ minimum: 0, description: 'Bot pods that are ready.' })),
    updatedReplicas: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Bot pods on the current template.' }),
    ),
    selector: Type.Optional(
      Type.String({ description: 'Label selector of the bot pods, as a string (for HPAs).' }),
    ),
    bots: Type.Optional(Type.Integer({ minimum: 0, description: 'Bots running in ready pods.' })),
    desiredBots: Type.Optional(Type.Integer({ minimum: 0, description: 'replicas × botsPerPod.' })),
    templateHash: Type.Optional(Type.String({ description: 'Hash of the pod template last applied.' })),
    children: Type.Optional(
      Type.Object(
        {
          deployment: Type.Optional(Type.String()),
          service: Type.Optional(Type.String()),
          serviceMonitor: Type.Optional(Type.String()),
          podMonitor: Type.Optional(Type.String()),
        },
        { description: 'Names of the objects the operator owns for this swarm.' },
      ),
    ),
    conditions: Type.Optional(
      Type.Array(ConditionSchema, {
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
  },
  { description: 'BotSwarmStatus is what the operator last observed.' },
);

const ObjectMetaSchema = Type.Object(
  {
    name: Type.Optional(Type.String()),
    namespace: Type.Optional(Type.String()),
    uid: Type.Optional(Type.String()),
    resourceVersion: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer()),
    creationTimestamp: Type.Optional(Type.String()),
    deletionTimestamp: Type.Optional(Type.String()),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: true },
);

const BotSwarmSchema = Type.Object({
  apiVersion: Type.Literal(BOTSWARM_API_VERSION),
  kind: Type.Literal(BOTSWARM_KIND),
  metadata: ObjectMetaSchema,
  spec: BotSwarmSpecSchema,
  status: Type.Optional(BotSwarmStatusSchema),
});

export type EnvVar = Static<typeof EnvVarSchema>;
type BotSwarmTemplate = Static<typeof BotSwarmTemplateSchema>;
type BotSwarmBehavior = Static<typeof BotSwarmBehaviorSchema>;
type BotSwarmMetrics = Static<typeof BotSwarmMetricsSchema>;
type BotSwarmSpec = Static<typeof BotSwarmSpecSchema>;
export type BotSwarmStatus = Static<typeof BotSwarmStatusSchema>;
export type Condition = Static<typeof ConditionSchema>;
export type BotSwarm = Static<typeof BotSwarmSchema>;

/** A spec with every schema default filled in: what the operator works from. */
export interface ResolvedBotSwarmSpec {
  replicas: number;
  botsPerPod: number;
  maxReplicas: number;
  suspend: boolean;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  target: { url: string };
  behavior: Required<Omit<BotSwarmBehavior, 'seed'>> & { seed?: string };
  identity: { prefix?: string };
  template: BotSwarmTemplate;
  metrics: Required<Omit<BotSwarmMetrics, 'labels'>> & { labels?: Record<string, string> };
}

/** Fills in the schema defaults (as the API server does) without touching the input. */
export function resolveSpec(spec: BotSwarmSpec): ResolvedBotSwarmSpec {
  const withDefaults = Value.Default(BotSwarmSpecSchema, structuredClone(spec)) as BotSwarmSpec;
  return { template: {}, ...withDefaults } as ResolvedBotSwarmSpec;
}

/** Problems in a spec, as `path: message` strings; empty when the spec is valid (schema and CEL rules). */
export function validateSpec(spec: unknown): string[] {
  const problems: string[] = [];
  for (const error of Value.Errors(BotSwarmSpecSchema, spec)) {
    problems.push(`spec${error.instancePath.replaceAll('/', '.')}: ${error.message}`);
  }
  if (problems.length > 0) return problems;
  const r = resolveSpec(spec as BotSwarmSpec);
  if (r.replicas > r.maxReplicas)
    problems.push('spec.replicas: replicas must be less than or equal to maxReplicas');
  if (r.behavior.postsPerHour > 0 && r.behavior.tagPool.length === 0) {
    problems.push(
      'spec.behavior.tagPool: behavior.tagPool must not be empty while behavior.postsPerHour > 0',
    );
  }
  if (r.behavior.repliesPerHour > 0 && r.behavior.tagPool.length === 0) {
    problems.push(
      'spec.behavior.tagPool: behavior.tagPool must not be empty while behavior.repliesPerHour > 0',
    );
  }
  // tagPool is a set (x-kubernetes-list-type: set): no duplicates.
  const seen = new Set<string>();
  r.behavior.tagPool.forEach((tag, i) => {
    if (seen.has(tag)) problems.push(`spec.behavior.tagPool[${i}]: Duplicate value: ${JSON.stringify(tag)}`);
    seen.add(tag);
  });
  return problems;
}
