/**
 * The BotSwarm reconciler: level-based and idempotent. It reads the swarm and its children, applies
 * the children that differ from what the builders want (server-side apply, one field manager), and
 * writes status only when it changed. A second pass over an unchanged world writes nothing.
 */
import {
  type BotSwarm,
  type BotSwarmStatus,
  type Condition,
  ConditionTypes,
  type ResolvedBotSwarmSpec,
  resolveSpec,
  validateSpec,
} from '@flock/shared/botswarm';
import {
  buildDeployment,
  buildMonitor,
  buildService,
  canonicalJson,
  childName,
  desiredReplicas,
  SPEC_HASH_ANNOTATION,
  selectorLabels,
  selectorString,
  TEMPLATE_HASH_ANNOTATION,
} from './builders.ts';
import type { KObject } from './kube.ts';

export interface Reader {
  get(kind: string, namespace: string, name: string): Promise<KObject | undefined>;
  list(kind: string, namespace: string, selector: Record<string, string>): Promise<KObject[]>;
}

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface Writer {
  /** Server-side apply with the operator's field manager (force: the operator owns these fields). */
  apply(obj: KObject): Promise<KObject>;
  delete(kind: string, namespace: string, name: string): Promise<void>;
  /** PUT the status subresource; fails with 409 when resourceVersion is stale. */
  updateStatus(obj: KObject): Promise<KObject>;
  /** Whether the API serves this kind (e.g. ServiceMonitor needs the Prometheus Operator CRDs). */
  hasKind(kind: string): Promise<boolean>;
  event(regarding: KObject, event: EventInput): Promise<void>;
}

export interface ReconcileResult {
  /** Ask to be reconciled again after this long even without a watch event. */
  requeueAfterMs?: number;
  /** Reason of the Ready condition after this pass (for the swarms-by-state gauge); undefined if gone. */
  state?: string;
  /** Writes this pass made (apply, delete, status): 0 on a steady state. */
  writes: number;
}

const FAILURE_PRIORITY = [
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'OOMKilled',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
];

export interface PodFailure {
  reason: string;
  pods: number;
  message: string;
}

/** The most important failure among the swarm's pods (ImagePullBackOff, CrashLoopBackOff, OOMKilled…). */
export function podFailure(pods: KObject[]): PodFailure | undefined {
  const byReason = new Map<string, { pods: number; message: string }>();
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const status = (pod.status ?? {}) as {
      containerStatuses?: Array<{
        state?: {
          waiting?: { reason?: string; message?: string };
          terminated?: { reason?: string; message?: string };
        };
        lastState?: { terminated?: { reason?: string; message?: string } };
      }>;
    };
    const reasons = new Map<string, string>();
    for (const cs of status.containerStatuses ?? []) {
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated ?? cs.lastState?.terminated;
      if (terminated?.reason === 'OOMKilled')
        reasons.set('OOMKilled', terminated.message ?? 'container ran out of memory');
      if (waiting?.reason && FAILURE_PRIORITY.includes(waiting.reason))
        reasons.set(waiting.reason, waiting.message ?? '');
    }
    for (const [reason, message] of reasons) {
      const cur = byReason.get(reason) ?? { pods: 0, message };
      cur.pods++;
      byReason.set(reason, cur);
    }
  }
  for (const reason of FAILURE_PRIORITY) {
    const f = byReason.get(reason);
    if (f) return { reason, pods: f.pods, message: f.message };
  }
  return undefined;
}

/** meta.SetStatusCondition: lastTransitionTime moves only when status changes. */
export function setCondition(
  conditions: Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: string,
): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const merged: Condition = {
    ...next,
    lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : now,
  };
  const rest = conditions.filter((c) => c.type !== next.type);
  return [...rest, merged].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
}
const ORDER: string[] = [
  ConditionTypes.Ready,
  ConditionTypes.Progressing,
  ConditionTypes.Degraded,
  ConditionTypes.MonitoringReady,
];

export function getCondition(obj: { status?: unknown }, type: string): Condition | undefined {
  return ((obj.status as BotSwarmStatus | undefined)?.conditions ?? []).find((c) => c.type === type);
}

/** desired ⊆ live: every field the operator sets has the same value on the server. */
export function isSubset(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) && desired.length === live.length && desired.every((d, i) => isSubset(d, live[i]))
    );
  }
  if (desired && typeof desired === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => isSubset(v, l[k]));
  }
  return false;
}

export function needsApply(desired: KObject, live: KObject | undefined): boolean {
  if (!live) return true;
  if (
    live.metadata.annotations?.[SPEC_HASH_ANNOTATION] !== desired.metadata.annotations?.[SPEC_HASH_ANNOTATION]
  ) {
    return true;
  }
  return !isSubset(
    {
      metadata: { labels: desired.metadata.labels, ownerReferences: desired.metadata.ownerReferences },
      spec: desired.spec,
    },
    live,
  );
}

function controllerUid(obj: KObject): string | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller)?.uid;
}

export interface ReconcilerOptions {
  now?: () => Date;
  /** How soon to look again when monitoring CRDs are missing (they may be installed later). */
  monitoringRetryMs?: number;
}

export class Reconciler {
  readonly #reader: Reader;
  readonly #writer: Writer;
  readonly #now: () => Date;
  readonly #monitoringRetryMs: number;

  constructor(reader: Reader, writer: Writer, options: ReconcilerOptions = {}) {
    this.#reader = reader;
    this.#writer = writer;
    this.#now = options.now ?? (() => new Date());
    this.#monitoringRetryMs = options.monitoringRetryMs ?? 60_000;
  }

  async reconcile(namespace: string, name: string): Promise<ReconcileResult> {
    const obj = await this.#reader.get('BotSwarm', namespace, name);
    // Gone: the garbage collector removes the children through their ownerReferences.
    if (!obj || obj.metadata.deletionTimestamp) return { writes: 0 };
    const swarm = obj as unknown as BotSwarm;
    const generation = obj.metadata.generation ?? 0;
    const now = this.#now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    const oldStatus = (swarm.status ?? {}) as BotSwarmStatus;
    let conditions = [...(oldStatus.conditions ?? [])];
    let writes = 0;
    const events: EventInput[] = [];
    const cond = (type: string, status: Condition['status'], reason: string, message: string) => {
      conditions = setCondition(
        conditions,
        { type, status, reason, message, observedGeneration: generation },
        now,
      );
    };

    const problems = validateSpec(swarm.spec);
    if (problems.length > 0) {
      const message = problems.join('; ');
      cond(ConditionTypes.Ready, 'False', 'InvalidSpec', message);
      cond(
        ConditionTypes.Progressing,
        'False',
        'InvalidSpec',
        'the spec must be fixed before anything rolls out',
      );
      cond(ConditionTypes.Degraded, 'True', 'InvalidSpec', message);
      if (getCondition(obj, ConditionTypes.Ready)?.reason !== 'InvalidSpec') {
        events.push({ type: 'Warning', reason: 'InvalidSpec', message });
      }
      writes += await this.#writeStatus(
        obj,
        { ...oldStatus, observedGeneration: generation, conditions },
        events,
      );
      return { writes, state: 'InvalidSpec' };
    }
    const spec = resolveSpec(swarm.spec);
    const want = desiredReplicas(spec);
    const children: NonNullable<BotSwarmStatus['children']> = {};

    // Deployment and Service.
    const deployment = buildDeployment(swarm, spec);
    const service = buildService(swarm, spec);
    let liveDeployment = await this.#reader.get('Deployment', namespace, deployment.metadata.name);
    const conflicts: string[] = [];
    for (const desired of [deployment, service]) {
      const live =
        desired === deployment
          ? liveDeployment
          : await this.#reader.get('Service', namespace, desired.metadata.name);
      const owner = live && controllerUid(live);
      if (live && owner !== obj.metadata.uid) {
        conflicts.push(
          `${desired.kind} ${desired.metadata.name} exists and is not controlled by this BotSwarm`,
        );
        continue;
      }
      if (needsApply(desired, live)) {
        const applied = await this.#writer.apply(desired);
        writes++;
        if (desired === deployment) {
          liveDeployment = applied;
          const before = (live?.spec as { replicas?: number } | undefined)?.replicas;
          if (!live)
            events.push({
              type: 'Normal',
              reason: 'CreatedDeployment',
              message: `Created Deployment ${desired.metadata.name} with ${want} replicas`,
            });
          else if (before !== want)
            events.push({
              type: 'Normal',
              reason: 'Scaled',
              message: `Scaled Deployment ${desired.metadata.name} from ${before ?? 0} to ${want} replicas`,
            });
          else
            events.push({
              type: 'Normal',
              reason: 'UpdatedDeployment',
              message: `Updated Deployment ${desired.metadata.name} (template ${this.#templateHash(desired)})`,
            });
        } else {
          events.push({
            type: 'Normal',
            reason: live ? 'UpdatedService' : 'CreatedService',
            message: `${live ? 'Updated' : 'Created'} Service ${desired.metadata.name}`,
          });
        }
      }
    }
    children.deployment = deployment.metadata.name;
    children.service = service.metadata.name;

    // Monitoring: never fatal.
    const monitor = buildMonitor(swarm, spec);
    let requeueAfterMs: number | undefined;
    for (const kind of ['ServiceMonitor', 'PodMonitor'] as const) {
      if (monitor?.kind === kind) continue;
      // Prune a monitor of the other kind (metrics.mode changed) if we own it. Status names the monitors
      // this swarm had, so swarms that never had one cost no extra reads.
      const had =
        kind === 'ServiceMonitor' ? oldStatus.children?.serviceMonitor : oldStatus.children?.podMonitor;
      if (had && (await this.#writer.hasKind(kind))) {
        const stale = await this.#reader.get(kind, namespace, childName(name));
        if (stale && controllerUid(stale) === obj.metadata.uid) {
          await this.#writer.delete(kind, namespace, stale.metadata.name);
          writes++;
          events.push({
            type: 'Normal',
            reason: `Deleted${kind}`,
            message: `Deleted ${kind} ${stale.metadata.name} (metrics.mode is ${spec.metrics.mode})`,
          });
        }
      }
    }
    if (!monitor) {
      cond(ConditionTypes.MonitoringReady, 'True', 'Disabled', 'metrics.mode is None: no monitor is wanted');
    } else if (!(await this.#writer.hasKind(monitor.kind))) {
      cond(
        ConditionTypes.MonitoringReady,
        'False',
        'PrometheusOperatorNotInstalled',
        `the ${monitor.kind} CRD (monitoring.coreos.com/v1) is not installed; bots run without a monitor`,
      );
      if (getCondition(obj, ConditionTypes.MonitoringReady)?.reason !== 'PrometheusOperatorNotInstalled') {
        events.push({
          type: 'Warning',
          reason: 'PrometheusOperatorNotInstalled',
          message: `${monitor.kind} CRD not installed`,
        });
      }
      requeueAfterMs = this.#monitoringRetryMs;
    } else {
      const live = await this.#reader.get(monitor.kind, namespace, monitor.metadata.name);
      if (live && controllerUid(live) !== obj.metadata.uid) {
        conflicts.push(
          `${monitor.kind} ${monitor.metadata.name} exists and is not controlled by this BotSwarm`,
        );
      } else {
        if (needsApply(monitor, live)) {
          await this.#writer.apply(monitor);
          writes++;
          events.push({
            type: 'Normal',
            reason: live ? `Updated${monitor.kind}` : `Created${monitor.kind}`,
            message: `${live ? 'Updated' : 'Created'} ${monitor.kind} ${monitor.metadata.name}`,
          });
        }
        cond(
          ConditionTypes.MonitoringReady,
          'True',
          `${monitor.kind}Ready`,
          `${monitor.kind} ${monitor.metadata.name} selects the bot pods`,
        );
        if (monitor.kind === 'ServiceMonitor') children.serviceMonitor = monitor.metadata.name;
        else children.podMonitor = monitor.metadata.name;
      }
    }

    // Observe the rollout.
    const ds = (liveDeployment?.status ?? {}) as Record<string, unknown>;
    const num = (k: string) => (typeof ds[k] === 'number' ? (ds[k] as number) : 0);
    const depGeneration = liveDeployment?.metadata.generation ?? 0;
    const observed = typeof ds.observedGeneration === 'number' && ds.observedGeneration >= depGeneration;
    const replicas = num('replicas');
    const ready = num('readyReplicas');
    const updated = num('updatedReplicas');
    const rolledOut = observed && updated === want && replicas === want && ready === want;
    const pods = await this.#reader.list('Pod', namespace, selectorLabels(name));
    const failure = podFailure(pods);
    const deadline = ((ds.conditions ?? []) as Array<{ type: string; status: string; reason?: string }>).find(
      (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
    );

    if (conflicts.length > 0) {
      cond(ConditionTypes.Degraded, 'True', 'ChildConflict', conflicts.join('; '));
    } else if (failure) {
      cond(
        ConditionTypes.Degraded,
        'True',
        failure.reason,
        `${failure.pods} pod(s) failing with ${failure.reason}${failure.message ? `: ${failure.message}` : ''}`,
      );
    } else if (deadline) {
      cond(
        ConditionTypes.Degraded,
        'True',
        'ProgressDeadlineExceeded',
        `Deployment ${children.deployment} exceeded its progress deadline`,
      );
    } else {
      cond(ConditionTypes.Degraded, 'False', 'AsExpected', 'no failures observed');
    }
    const degraded = getCondition({ status: { conditions } }, ConditionTypes.Degraded);
    if (spec.suspend) {
      cond(
        ConditionTypes.Ready,
        'False',
        'Suspended',
        rolledOut ? 'the swarm is suspended: 0 bots' : `suspended: scaling down, ${replicas} pod(s) left`,
      );
      cond(
        ConditionTypes.Progressing,
        rolledOut ? 'False' : 'True',
        rolledOut ? 'Suspended' : 'ScalingDown',
        rolledOut ? 'suspended' : `${replicas} pod(s) left`,
      );
    } else if (rolledOut && degraded?.status !== 'True') {
      cond(
        ConditionTypes.Ready,
        'True',
        'AllReplicasReady',
        `${ready}/${want} bot pods ready (${ready * spec.botsPerPod} bots)`,
      );
      cond(
        ConditionTypes.Progressing,
        'False',
        'RolloutComplete',
        `Deployment ${children.deployment} is up to date`,
      );
    } else {
      const reason =
        degraded?.status === 'True'
          ? (degraded.reason ?? 'Degraded')
          : observed && updated === want
            ? 'ReplicasNotReady'
            : 'RollingOut';
      cond(ConditionTypes.Ready, 'False', reason, `${ready}/${want} bot pods ready`);
      cond(
        ConditionTypes.Progressing,
        rolledOut ? 'False' : 'True',
        rolledOut ? 'RolloutComplete' : 'RollingOut',
        `${updated}/${want} pods updated, ${ready} ready`,
      );
    }

    const oldReady = getCondition(obj, ConditionTypes.Ready);
    const newReady = getCondition({ status: { conditions } }, ConditionTypes.Ready);
    if (
      degraded?.status === 'True' &&
      getCondition(obj, ConditionTypes.Degraded)?.reason !== degraded.reason
    ) {
      events.push({ type: 'Warning', reason: degraded.reason, message: degraded.message });
    }
    if (newReady?.status === 'True' && oldReady?.status !== 'True') {
      events.push({ type: 'Normal', reason: 'SwarmReady', message: newReady.message });
    }

    const status: BotSwarmStatus = {
      observedGeneration: generation,
      replicas,
      readyReplicas: ready,
      updatedReplicas: updated,
      selector: selectorString(name),
      bots: ready * spec.botsPerPod,
      desiredBots: want * spec.botsPerPod,
      templateHash: this.#templateHash(deployment),
      children,
      conditions,
    };
    writes += await this.#writeStatus(obj, status, events);
    return { writes, state: newReady?.reason, ...(requeueAfterMs ? { requeueAfterMs } : {}) };
  }

  #templateHash(deployment: KObject): string {
    const spec = deployment.spec as { template: { metadata: { annotations: Record<string, string> } } };
    return spec.template.metadata.annotations[TEMPLATE_HASH_ANNOTATION] ?? '';
  }

  async #writeStatus(obj: KObject, status: BotSwarmStatus, events: EventInput[]): Promise<number> {
    let writes = 0;
    if (canonicalJson(obj.status ?? {}) !== canonicalJson(status)) {
      await this.#writer.updateStatus({ ...obj, status });
      writes++;
    }
    // Events are best effort: a failed event never fails a reconcile.
    for (const e of events) await this.#writer.event(obj, e).catch(() => undefined);
    return writes;
  }
}

export type { ResolvedBotSwarmSpec };
