/**
 * Pure builders: BotSwarm → the Deployment, Service and ServiceMonitor/PodMonitor that run it.
 * No I/O here; golden tests pin their output.
 */
import { createHash } from 'node:crypto';
import {
  BOTSWARM_API_VERSION,
  BOTSWARM_KIND,
  type BotSwarm,
  type EnvVar,
  type ResolvedBotSwarmSpec,
  resolveSpec,
} from '@flock/shared/botswarm';
import type {
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1PodSecurityContext,
  V1PodSpec,
  V1PodTemplateSpec,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Service,
} from '@kubernetes/client-node';
import type { KObject, OwnerReference } from './kube.ts';

/** A child as the operator builds it: a client-node V1 object whose kind, name and namespace are set. */
export type Child<T> = T & KObject;

export const FIELD_MANAGER = 'flock-operator';
export const SWARM_LABEL = 'flock.dev/swarm';
export const TEMPLATE_HASH_ANNOTATION = 'flock.dev/template-hash';
export const SPEC_HASH_ANNOTATION = 'flock.dev/spec-hash';
export const METRICS_PORT_NAME = 'metrics';
export const CONTAINER_NAME = 'bot';

/** Variables of the bot container contract; template.env cannot override them. */
export const RESERVED_ENV = [
  'SWARM_NAME',
  'POD_NAME',
  'POD_NAMESPACE',
  'BOTS_PER_POD',
  'POSTS_PER_HOUR',
  'LIKES_PER_HOUR',
  'FOLLOWS_PER_HOUR',
  'REPLIES_PER_HOUR',
  'TAG_POOL',
  'JITTER_PERCENT',
  'SEED',
  'TARGET_URL',
  'METRICS_PORT',
];

export interface SwarmRef {
  name: string;
  namespace: string;
  uid: string;
}

export function childName(swarmName: string): string {
  return `${swarmName}-bots`;
}

/** The labels that select a swarm's pods. Never change for a swarm (Deployment selectors are immutable). */
export function selectorLabels(swarmName: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'flock-bot', [SWARM_LABEL]: swarmName };
}

export function selectorString(swarmName: string): string {
  return Object.entries(selectorLabels(swarmName))
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
}

export function commonLabels(swarmName: string): Record<string, string> {
  return {
    ...selectorLabels(swarmName),
    'app.kubernetes.io/instance': swarmName,
    'app.kubernetes.io/component': 'bot-swarm',
    'app.kubernetes.io/part-of': 'flock',
    'app.kubernetes.io/managed-by': 'flock-operator',
  };
}

export function ownerReference(swarm: SwarmRef): OwnerReference {
  return {
    apiVersion: BOTSWARM_API_VERSION,
    kind: BOTSWARM_KIND,
    name: swarm.name,
    uid: swarm.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** JSON with sorted keys: equal values always give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

export function shortHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 10);
}

function swarmRef(swarm: BotSwarm): SwarmRef {
  return {
    name: swarm.metadata.name ?? '',
    namespace: swarm.metadata.namespace ?? 'default',
    uid: swarm.metadata.uid ?? '',
  };
}

export function botEnv(swarm: SwarmRef, spec: ResolvedBotSwarmSpec): EnvVar[] {
  const env: Array<EnvVar> = [
    { name: 'SWARM_NAME', value: spec.identity.prefix ?? swarm.name },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'BOTS_PER_POD', value: String(spec.botsPerPod) },
    { name: 'POSTS_PER_HOUR', value: String(spec.behavior.postsPerHour) },
    { name: 'LIKES_PER_HOUR', value: String(spec.behavior.likesPerHour) },
    // Only when set: at 0 (the agent's default too) the pod template of a swarm from before these fields
    // stays byte for byte what it was, so upgrading the operator does not roll its pods (a Deployment's
    // new pods would sign up new accounts).
    ...(spec.behavior.followsPerHour > 0
      ? [{ name: 'FOLLOWS_PER_HOUR', value: String(spec.behavior.followsPerHour) }]
      : []),
    ...(spec.behavior.repliesPerHour > 0
      ? [{ name: 'REPLIES_PER_HOUR', value: String(spec.behavior.repliesPerHour) }]
      : []),
    { name: 'TAG_POOL', value: spec.behavior.tagPool.join(',') },
    { name: 'JITTER_PERCENT', value: String(spec.behavior.jitterPercent) },
    { name: 'SEED', value: spec.behavior.seed ?? '' },
    { name: 'TARGET_URL', value: spec.target.url },
    { name: 'METRICS_PORT', value: String(spec.metrics.port) },
  ];
  for (const e of spec.template.env ?? []) if (!RESERVED_ENV.includes(e.name)) env.push(structuredClone(e));
  return env;
}

const DEFAULT_RESOURCES = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } };

const HARDENED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const HARDENED_POD = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

export function podTemplate(swarm: SwarmRef, spec: ResolvedBotSwarmSpec): V1PodTemplateSpec {
  const t = spec.template;
  const probe = (initialDelaySeconds: number) => ({
    httpGet: { path: '/healthz', port: METRICS_PORT_NAME },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  const container: V1Container = {
    name: CONTAINER_NAME,
    image: spec.image,
    ...(spec.imagePullPolicy ? { imagePullPolicy: spec.imagePullPolicy } : {}),
    env: botEnv(swarm, spec) as V1EnvVar[],
    ports: [{ name: METRICS_PORT_NAME, containerPort: spec.metrics.port, protocol: 'TCP' }],
    readinessProbe: probe(2),
    livenessProbe: probe(10),
    resources: (t.resources ?? DEFAULT_RESOURCES) as V1ResourceRequirements,
    securityContext: { ...HARDENED_CONTAINER, ...(t.securityContext ?? {}) } as V1SecurityContext,
  };
  const podSpec: V1PodSpec = {
    containers: [container],
    securityContext: { ...HARDENED_POD, ...(t.podSecurityContext ?? {}) } as V1PodSecurityContext,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 30,
  };
  if (t.nodeSelector) podSpec.nodeSelector = t.nodeSelector;
  if (t.tolerations) podSpec.tolerations = t.tolerations;
  if (t.affinity) podSpec.affinity = t.affinity;
  if (t.priorityClassName) podSpec.priorityClassName = t.priorityClassName;
  if (t.serviceAccountName) podSpec.serviceAccountName = t.serviceAccountName;
  if (t.imagePullSecrets) podSpec.imagePullSecrets = t.imagePullSecrets;
  const labels = { ...(t.labels ?? {}), ...commonLabels(swarm.name) };
  const annotations: Record<string, string> = {
    ...(t.annotations ?? {}),
    'kubectl.kubernetes.io/default-container': CONTAINER_NAME,
  };
  const template: V1PodTemplateSpec = { metadata: { labels, annotations }, spec: podSpec };
  // The hash covers everything in the pod template, so any config edit changes it and rolls the pods.
  annotations[TEMPLATE_HASH_ANNOTATION] = shortHash(template);
  return template;
}

function withSpecHash<T extends KObject>(obj: T): T {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  annotations[SPEC_HASH_ANNOTATION] = shortHash({ ...obj, metadata: { ...obj.metadata, annotations } });
  obj.metadata.annotations = annotations;
  return obj;
}

function childMeta(swarm: SwarmRef, extraLabels: Record<string, string> = {}) {
  return {
    name: childName(swarm.name),
    namespace: swarm.namespace,
    labels: { ...extraLabels, ...commonLabels(swarm.name) },
    ownerReferences: [ownerReference(swarm)],
  };
}

export function desiredReplicas(spec: ResolvedBotSwarmSpec): number {
  return spec.suspend ? 0 : spec.replicas;
}

export function buildDeployment(swarm: BotSwarm, resolved?: ResolvedBotSwarmSpec): Child<V1Deployment> {
  const ref = swarmRef(swarm);
  const spec = resolved ?? resolveSpec(swarm.spec);
  return withSpecHash({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(ref),
    spec: {
      replicas: desiredReplicas(spec),
      selector: { matchLabels: selectorLabels(ref.name) },
      revisionHistoryLimit: 3,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: podTemplate(ref, spec),
    },
  });
}

export function buildService(swarm: BotSwarm, resolved?: ResolvedBotSwarmSpec): Child<V1Service> {
  const ref = swarmRef(swarm);
  const spec = resolved ?? resolveSpec(swarm.spec);
  return withSpecHash({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(ref),
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(ref.name),
      ports: [
        { name: METRICS_PORT_NAME, port: spec.metrics.port, targetPort: METRICS_PORT_NAME, protocol: 'TCP' },
      ],
      publishNotReadyAddresses: false,
    },
  });
}

/** The ServiceMonitor or PodMonitor for a swarm, or undefined when metrics.mode is None. */
export function buildMonitor(swarm: BotSwarm, resolved?: ResolvedBotSwarmSpec): KObject | undefined {
  const ref = swarmRef(swarm);
  const spec = resolved ?? resolveSpec(swarm.spec);
  const { mode, path, interval, labels } = spec.metrics;
  if (mode === 'None') return undefined;
  const endpoint = { port: METRICS_PORT_NAME, path, interval, scheme: 'http' };
  const common = {
    selector: { matchLabels: selectorLabels(ref.name) },
    namespaceSelector: { matchNames: [ref.namespace] },
  };
  return withSpecHash({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: mode,
    metadata: childMeta(ref, labels ?? {}),
    spec:
      mode === 'ServiceMonitor'
        ? { ...common, endpoints: [endpoint] }
        : { ...common, podMetricsEndpoints: [endpoint] },
  });
}
