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
import type { V1Deployment, V1DeploymentStatus, V1Service } from '@kubernetes/client-node';
import {
  buildDeployment,
  buildMonitor,
  buildService,
  type Child,
  canonicalJson,
  childName,
  desiredReplicas,
  SPEC_HASH_ANNOTATION,
  selectorLabels,
  selectorString,
  TEMPLATE_HASH_ANNOTATION,
} from './builders.ts';
import { driftPaths } from './drift.ts';
import { ApiError, type KObject } from './kube.ts';
import { selectingPrometheuses } from './prometheus-selection.ts';

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
  /**
   * Every Prometheus Operator `Prometheus` object, or undefined when they cannot be listed (the CRD is
   * missing, or RBAC does not allow it): then nobody can tell whether a monitor is scraped.
   */
  prometheuses(): Promise<KObject[] | undefined>;
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
        lastState?: { terminated?: { reason?: string; message?: string; exitCode?: number } };
        ready?: boolean;
        restartCount?: number;
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
      // Between two back-offs a crash-looping container runs again, not yet ready: still crash-looping.
      const exitCode = cs.lastState?.terminated?.exitCode ?? 0;
      if (
        !waiting &&
        !cs.ready &&
        (cs.restartCount ?? 0) > 0 &&
        exitCode !== 0 &&
        !reasons.has('CrashLoopBackOff')
      )
        reasons.set('CrashLoopBackOff', `restarted ${cs.restartCount} time(s), last exit code ${exitCode}`);
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

/**
 * Where the live child differs from the desired one (drift.ts: as the API server stores it), or
 * `absent`; empty when no apply is needed. The spec hash annotation catches removed fields.
 */
export function driftOf(desired: KObject, live: KObject | undefined): string[] {
  if (!live) return ['absent'];
  const hash = SPEC_HASH_ANNOTATION;
  if (live.metadata.annotations?.[hash] !== desired.metadata.annotations?.[hash])
    return [`metadata.annotations.${hash}`];
  return driftPaths(
    {
      metadata: { labels: desired.metadata.labels, ownerReferences: desired.metadata.ownerReferences },
      spec: desired.spec,
    },
    live,
  );
}

/** `drift at spec.ports[8080/TCP], …` for an Event: which fields were restored. */
function describeDrift(paths: string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return `drift at ${shown}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`;
}

function controllerUid(obj: KObject): string | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller)?.uid;
}

/** The API server refused a child: the swarm's status says so; the reconcile is retried with backoff. */
export class ApplyRefusedError extends Error {
  override readonly name = 'ApplyRefusedError';
}

/** What one reconcile pass has learnt and decided so far. */
class Pass {
  readonly obj: KObject;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | undefined;
  readonly generation: number;
  readonly oldStatus: BotSwarmStatus;
  readonly now: string;
  conditions: Condition[];
  readonly events: EventInput[] = [];
  readonly conflicts: string[] = [];
  /** Children the API server refused (400, 403, 422): retrying the same apply cannot help. */
  readonly refusals: string[] = [];
  readonly children: NonNullable<BotSwarmStatus['children']> = {};
  writes = 0;

  constructor(obj: KObject, now: string) {
    this.obj = obj;
    this.namespace = obj.metadata.namespace ?? 'default';
    this.name = obj.metadata.name;
    this.uid = obj.metadata.uid;
    this.generation = obj.metadata.generation ?? 0;
    this.oldStatus = (obj.status ?? {}) as BotSwarmStatus;
    this.conditions = [...(this.oldStatus.conditions ?? [])];
    this.now = now;
  }

  set(type: string, status: Condition['status'], reason: string, message: string) {
    this.conditions = setCondition(
      this.conditions,
      { type, status, reason, message, observedGeneration: this.generation },
      this.now,
    );
  }

  normal(reason: string, message: string) {
    this.events.push({ type: 'Normal', reason, message });
  }

  warn(reason: string, message: string) {
    this.events.push({ type: 'Warning', reason, message });
  }
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
    const pass = new Pass(
      obj,
      this.#now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
    );

    const problems = validateSpec(swarm.spec);
    if (problems.length > 0) {
      const message = problems.join('; ');
      pass.set(ConditionTypes.Ready, 'False', 'InvalidSpec', message);
      pass.set(
        ConditionTypes.Progressing,
        'False',
        'InvalidSpec',
        'the spec must be fixed before anything rolls out',
      );
      pass.set(ConditionTypes.Degraded, 'True', 'InvalidSpec', message);
      if (getCondition(obj, ConditionTypes.Ready)?.reason !== 'InvalidSpec')
        pass.warn('InvalidSpec', message);
      await this.#writeStatus(pass, {
        ...pass.oldStatus,
        observedGeneration: pass.generation,
        conditions: pass.conditions,
      });
      return { writes: pass.writes, state: 'InvalidSpec' };
    }
    const spec = resolveSpec(swarm.spec);
    const deployment = buildDeployment(swarm, spec);
    const liveDeployment = await this.#applyWorkload(
      pass,
      deployment,
      buildService(swarm, spec),
      desiredReplicas(spec),
    );
    const requeueAfterMs = await this.#reconcileMonitoring(pass, buildMonitor(swarm, spec), spec);
    const rollout = await this.#observeRollout(pass, liveDeployment, spec);

    const ready = getCondition({ status: { conditions: pass.conditions } }, ConditionTypes.Ready);
    const status: BotSwarmStatus = {
      observedGeneration: pass.generation,
      replicas: rollout.replicas,
      readyReplicas: rollout.ready,
      updatedReplicas: rollout.updated,
      selector: selectorString(name),
      bots: rollout.ready * spec.botsPerPod,
      desiredBots: desiredReplicas(spec) * spec.botsPerPod,
      templateHash: this.#templateHash(deployment),
      children: pass.children,
      conditions: pass.conditions,
    };
    await this.#writeStatus(pass, status);
    // Reported in the status and as an Event; thrown so the queue retries with backoff.
    if (pass.refusals.length > 0) throw new ApplyRefusedError(pass.refusals.join('; '));
    return { writes: pass.writes, state: ready?.reason, ...(requeueAfterMs ? { requeueAfterMs } : {}) };
  }

  /** Applies the Deployment and Service where they differ; returns the Deployment as last seen. */
  async #applyWorkload(
    pass: Pass,
    deployment: Child<V1Deployment>,
    service: Child<V1Service>,
    want: number,
  ): Promise<KObject | undefined> {
    const { namespace } = pass;
    let liveDeployment = await this.#reader.get('Deployment', namespace, deployment.metadata.name);
    for (const desired of [deployment, service]) {
      const name = desired.metadata.name;
      const live =
        desired === deployment ? liveDeployment : await this.#reader.get('Service', namespace, name);
      if (live && controllerUid(live) !== pass.uid) {
        pass.conflicts.push(`${desired.kind} ${name} exists and is not controlled by this BotSwarm`);
        continue;
      }
      const drift = driftOf(desired, live);
      if (drift.length === 0) continue;
      const applied = await this.#applyOrRecordRefusal(pass, desired);
      if (!applied) continue;
      if (desired === service) {
        pass.normal(
          live ? 'UpdatedService' : 'CreatedService',
          live ? `Updated Service ${name} (${describeDrift(drift)})` : `Created Service ${name}`,
        );
        continue;
      }
      liveDeployment = applied;
      const before = (live as V1Deployment | undefined)?.spec?.replicas;
      if (!live) pass.normal('CreatedDeployment', `Created Deployment ${name} with ${want} replicas`);
      else if (before !== want)
        pass.normal('Scaled', `Scaled Deployment ${name} from ${before ?? 0} to ${want} replicas`);
      else
        pass.normal(
          'UpdatedDeployment',
          `Updated Deployment ${name} (template ${this.#templateHash(deployment)}; ${describeDrift(drift)})`,
        );
    }
    pass.children.deployment = deployment.metadata.name;
    pass.children.service = service.metadata.name;
    return liveDeployment;
  }

  /**
   * Server-side apply of one child. A refusal the same apply cannot overcome (400, 403, 422: invalid,
   * forbidden) is recorded for the swarm's status and Events instead of thrown; anything else throws
   * and the key is retried with backoff.
   */
  async #applyOrRecordRefusal(pass: Pass, desired: KObject): Promise<KObject | undefined> {
    try {
      const applied = await this.#writer.apply(desired);
      pass.writes++;
      return applied;
    } catch (error) {
      if (!(error instanceof ApiError) || ![400, 403, 422].includes(error.code)) throw error;
      pass.refusals.push(`${desired.kind} ${desired.metadata.name}: ${error.message}`);
      return undefined;
    }
  }

  /** The ServiceMonitor/PodMonitor: never fatal. Returns a requeue delay while the CRDs are missing. */
  async #reconcileMonitoring(
    pass: Pass,
    monitor: KObject | undefined,
    spec: ResolvedBotSwarmSpec,
  ): Promise<number | undefined> {
    const { namespace } = pass;
    for (const kind of ['ServiceMonitor', 'PodMonitor'] as const) {
      if (monitor?.kind === kind) continue;
      // Prune a monitor of the other kind (metrics.mode changed) if we own it. Status names the monitors
      // this swarm had, so swarms that never had one cost no extra reads.
      const had =
        kind === 'ServiceMonitor'
          ? pass.oldStatus.children?.serviceMonitor
          : pass.oldStatus.children?.podMonitor;
      if (!had || !(await this.#writer.hasKind(kind))) continue;
      const stale = await this.#reader.get(kind, namespace, childName(pass.name));
      if (stale && controllerUid(stale) === pass.uid) {
        await this.#writer.delete(kind, namespace, stale.metadata.name);
        pass.writes++;
        pass.normal(
          `Deleted${kind}`,
          `Deleted ${kind} ${stale.metadata.name} (metrics.mode is ${spec.metrics.mode})`,
        );
      }
    }
    if (!monitor) {
      pass.set(
        ConditionTypes.MonitoringReady,
        'True',
        'Disabled',
        'metrics.mode is None: no monitor is wanted',
      );
      return undefined;
    }
    const { kind, metadata } = monitor;
    if (!(await this.#writer.hasKind(kind))) {
      pass.set(
        ConditionTypes.MonitoringReady,
        'False',
        'PrometheusOperatorNotInstalled',
        `the ${kind} CRD (monitoring.coreos.com/v1) is not installed; bots run without a monitor`,
      );
      if (
        getCondition(pass.obj, ConditionTypes.MonitoringReady)?.reason !== 'PrometheusOperatorNotInstalled'
      ) {
        pass.warn('PrometheusOperatorNotInstalled', `${kind} CRD not installed`);
      }
      return this.#monitoringRetryMs;
    }
    const live = await this.#reader.get(kind, namespace, metadata.name);
    if (live && controllerUid(live) !== pass.uid) {
      pass.conflicts.push(`${kind} ${metadata.name} exists and is not controlled by this BotSwarm`);
      return undefined;
    }
    const drift = driftOf(monitor, live);
    if (drift.length > 0) {
      if (!(await this.#applyOrRecordRefusal(pass, monitor))) {
        pass.set(ConditionTypes.MonitoringReady, 'False', 'ApplyRefused', pass.refusals.at(-1)!);
        return undefined;
      }
      pass.normal(
        live ? `Updated${kind}` : `Created${kind}`,
        live
          ? `Updated ${kind} ${metadata.name} (${describeDrift(drift)})`
          : `Created ${kind} ${metadata.name}`,
      );
    }
    const prometheuses = await this.#writer.prometheuses();
    const selecting = prometheuses && selectingPrometheuses(monitor, prometheuses);
    const names = (list: KObject[]) =>
      list.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
    if (selecting && selecting.length === 0) {
      const reason = prometheuses.length === 0 ? 'NoPrometheus' : 'NotSelectedByPrometheus';
      const message =
        prometheuses.length === 0
          ? `${kind} ${metadata.name} is in place, but no Prometheus object exists to scrape it`
          : `${kind} ${metadata.name} is selected by none of the Prometheus objects (checked ${names(prometheuses)}): set metrics.labels to what their ${kind === 'PodMonitor' ? 'podMonitorSelector' : 'serviceMonitorSelector'} asks for`;
      pass.set(ConditionTypes.MonitoringReady, 'False', reason, message);
      if (getCondition(pass.obj, ConditionTypes.MonitoringReady)?.reason !== reason)
        pass.warn(reason, message);
      if (kind === 'ServiceMonitor') pass.children.serviceMonitor = metadata.name;
      else pass.children.podMonitor = metadata.name;
      // Prometheus objects are not watched: look again, as while the CRDs are missing.
      return this.#monitoringRetryMs;
    } else {
      pass.set(
        ConditionTypes.MonitoringReady,
        'True',
        `${kind}Ready`,
        selecting
          ? `${kind} ${metadata.name} selects the bot pods; scraped by ${names(selecting)}`
          : `${kind} ${metadata.name} selects the bot pods`,
      );
    }
    if (kind === 'ServiceMonitor') pass.children.serviceMonitor = metadata.name;
    else pass.children.podMonitor = metadata.name;
    return undefined;
  }

  /** Reads the Deployment's rollout and the pods, and sets Degraded, Ready and Progressing. */
  async #observeRollout(pass: Pass, liveDeployment: KObject | undefined, spec: ResolvedBotSwarmSpec) {
    const want = desiredReplicas(spec);
    // The live Deployment as the API server reports it (client-node's V1 type: every field optional).
    const status: V1DeploymentStatus = (liveDeployment as V1Deployment | undefined)?.status ?? {};
    const depGeneration = liveDeployment?.metadata.generation ?? 0;
    const observed = (status.observedGeneration ?? -1) >= depGeneration;
    const replicas = status.replicas ?? 0;
    const ready = status.readyReplicas ?? 0;
    const updated = status.updatedReplicas ?? 0;
    const rolledOut = observed && updated === want && replicas === want && ready === want;
    const failure = podFailure(await this.#reader.list('Pod', pass.namespace, selectorLabels(pass.name)));
    const conditions = status.conditions ?? [];
    const deadline = conditions.find(
      (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
    );
    const replicaFailure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    if (pass.conflicts.length > 0) {
      pass.set(ConditionTypes.Degraded, 'True', 'ChildConflict', pass.conflicts.join('; '));
    } else if (pass.refusals.length > 0) {
      pass.set(ConditionTypes.Degraded, 'True', 'ApplyRefused', pass.refusals.join('; '));
    } else if (replicaFailure) {
      // Pods the ReplicaSet may not create (quota, Pod Security…): no rollout will finish on its own.
      pass.set(
        ConditionTypes.Degraded,
        'True',
        'ReplicaFailure',
        `${replicaFailure.reason ?? 'FailedCreate'}: ${replicaFailure.message ?? 'pods cannot be created'}`,
      );
    } else if (failure) {
      const detail = failure.message ? `: ${failure.message}` : '';
      pass.set(
        ConditionTypes.Degraded,
        'True',
        failure.reason,
        `${failure.pods} pod(s) failing with ${failure.reason}${detail}`,
      );
    } else if (deadline) {
      const message = `Deployment ${pass.children.deployment} exceeded its progress deadline`;
      pass.set(ConditionTypes.Degraded, 'True', 'ProgressDeadlineExceeded', message);
    } else {
      pass.set(ConditionTypes.Degraded, 'False', 'AsExpected', 'no failures observed');
    }
    const degraded = getCondition({ status: { conditions: pass.conditions } }, ConditionTypes.Degraded);
    const isDegraded = degraded?.status === 'True';
    if (spec.suspend) {
      const left = `${replicas} pod(s) left`;
      pass.set(
        ConditionTypes.Ready,
        'False',
        'Suspended',
        rolledOut ? 'the swarm is suspended: 0 bots' : `suspended: scaling down, ${left}`,
      );
      pass.set(
        ConditionTypes.Progressing,
        rolledOut ? 'False' : 'True',
        rolledOut ? 'Suspended' : 'ScalingDown',
        rolledOut ? 'suspended' : left,
      );
    } else if (rolledOut && !isDegraded) {
      pass.set(
        ConditionTypes.Ready,
        'True',
        'AllReplicasReady',
        `${ready}/${want} bot pods ready (${ready * spec.botsPerPod} bots)`,
      );
      pass.set(
        ConditionTypes.Progressing,
        'False',
        'RolloutComplete',
        `Deployment ${pass.children.deployment} is up to date`,
      );
    } else {
      const reason = isDegraded
        ? (degraded.reason ?? 'Degraded')
        : observed && updated === want
          ? 'ReplicasNotReady'
          : 'RollingOut';
      pass.set(ConditionTypes.Ready, 'False', reason, `${ready}/${want} bot pods ready`);
      pass.set(
        ConditionTypes.Progressing,
        rolledOut ? 'False' : 'True',
        rolledOut ? 'RolloutComplete' : 'RollingOut',
        `${updated}/${want} pods updated, ${ready} ready`,
      );
    }

    // Events for transitions only, so a steady state records nothing.
    if (isDegraded && getCondition(pass.obj, ConditionTypes.Degraded)?.reason !== degraded.reason) {
      pass.warn(degraded.reason, degraded.message);
    }
    const nowReady = getCondition({ status: { conditions: pass.conditions } }, ConditionTypes.Ready);
    if (nowReady?.status === 'True' && getCondition(pass.obj, ConditionTypes.Ready)?.status !== 'True') {
      pass.normal('SwarmReady', nowReady.message);
    }
    return { replicas, ready, updated };
  }

  #templateHash(deployment: Child<V1Deployment>): string {
    return deployment.spec?.template.metadata?.annotations?.[TEMPLATE_HASH_ANNOTATION] ?? '';
  }

  async #writeStatus(pass: Pass, status: BotSwarmStatus): Promise<void> {
    if (canonicalJson(pass.obj.status ?? {}) !== canonicalJson(status)) {
      await this.#writer.updateStatus({ ...pass.obj, status });
      pass.writes++;
    }
    // Events are best effort: a failed event never fails a reconcile.
    for (const e of pass.events) await this.#writer.event(pass.obj, e).catch(() => undefined);
  }
}

export type { ResolvedBotSwarmSpec };
