/** An in-memory Kubernetes client for reconciler tests: a Reader and Writer over a Map, with write counts. */
import { ApiError, type KObject } from '../../src/kube.ts';
import type { EventInput, Reader, Writer } from '../../src/reconciler.ts';

function matches(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function merge(live: unknown, patch: unknown): unknown {
  if (
    patch &&
    typeof patch === 'object' &&
    !Array.isArray(patch) &&
    live &&
    typeof live === 'object' &&
    !Array.isArray(live)
  ) {
    const out: Record<string, unknown> = { ...(live as Record<string, unknown>) };
    for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = merge(out[k], v);
    return out;
  }
  return structuredClone(patch);
}

export class MemoryCluster implements Reader, Writer {
  readonly objects = new Map<string, KObject>();
  readonly events: Array<EventInput & { regarding: string }> = [];
  readonly writes: string[] = [];
  installedKinds = new Set(['BotSwarm', 'Deployment', 'Service', 'Pod', 'ServiceMonitor', 'PodMonitor']);
  /** What prometheuses() answers: undefined as when they cannot be listed. */
  prometheusObjects: KObject[] | undefined = undefined;
  /** Make the next writes fail: e.g. `[{ op: 'updateStatus', code: 409 }]`. */
  failures: Array<{ op: string; code: number }> = [];
  #rv = 1;
  #uid = 1;

  static key(kind: string, namespace: string, name: string) {
    return `${kind}/${namespace}/${name}`;
  }

  #fail(op: string) {
    const i = this.failures.findIndex((f) => f.op === op);
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      throw new ApiError(
        f!.code,
        f!.code === 409 ? 'Conflict' : 'InternalError',
        `injected ${f!.code} on ${op}`,
      );
    }
  }

  /** Stores an object as a client would create it (uid, resourceVersion, generation). */
  create(obj: KObject): KObject {
    const stored = structuredClone(obj);
    stored.metadata.uid ??= `uid-${this.#uid++}`;
    stored.metadata.namespace ??= 'default';
    stored.metadata.resourceVersion = String(this.#rv++);
    stored.metadata.generation = 1;
    stored.metadata.creationTimestamp ??= '2025-01-01T00:00:00Z';
    this.objects.set(MemoryCluster.key(obj.kind, stored.metadata.namespace, obj.metadata.name), stored);
    return structuredClone(stored);
  }

  /** Replaces an object's spec as `kubectl edit` would (generation moves when the spec changes). */
  edit(kind: string, namespace: string, name: string, change: (o: KObject) => void): KObject {
    const o = this.objects.get(MemoryCluster.key(kind, namespace, name));
    if (!o) throw new Error(`no ${kind} ${name}`);
    const before = JSON.stringify(o.spec);
    change(o);
    if (JSON.stringify(o.spec) !== before) o.metadata.generation = (o.metadata.generation ?? 0) + 1;
    o.metadata.resourceVersion = String(this.#rv++);
    return structuredClone(o);
  }

  remove(kind: string, namespace: string, name: string) {
    this.objects.delete(MemoryCluster.key(kind, namespace, name));
  }

  peek(kind: string, namespace: string, name: string): KObject | undefined {
    return this.objects.get(MemoryCluster.key(kind, namespace, name));
  }

  async get(kind: string, namespace: string, name: string) {
    const o = this.objects.get(MemoryCluster.key(kind, namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  async list(kind: string, namespace: string, selector: Record<string, string>) {
    return [...this.objects.values()]
      .filter(
        (o) => o.kind === kind && o.metadata.namespace === namespace && matches(o.metadata.labels, selector),
      )
      .map((o) => structuredClone(o));
  }

  async prometheuses() {
    return this.prometheusObjects;
  }

  async apply(obj: KObject) {
    this.#fail('apply');
    if (!this.installedKinds.has(obj.kind)) throw new ApiError(404, 'NotFound', `no kind ${obj.kind}`);
    this.writes.push(`apply ${obj.kind}/${obj.metadata.name}`);
    const ns = obj.metadata.namespace ?? 'default';
    const key = MemoryCluster.key(obj.kind, ns, obj.metadata.name);
    const live = this.objects.get(key);
    if (!live) return this.create(obj);
    const next = merge(live, obj) as KObject;
    // Apply replaces the applier's lists and maps of ownership wholesale (the fields it owns).
    next.spec = structuredClone(obj.spec);
    if (JSON.stringify(next.spec) !== JSON.stringify(live.spec))
      next.metadata.generation = (live.metadata.generation ?? 0) + 1;
    next.metadata.resourceVersion = String(this.#rv++);
    this.objects.set(key, next);
    return structuredClone(next);
  }

  async delete(kind: string, namespace: string, name: string) {
    this.#fail('delete');
    this.writes.push(`delete ${kind}/${name}`);
    this.objects.delete(MemoryCluster.key(kind, namespace, name));
  }

  async updateStatus(obj: KObject) {
    this.#fail('updateStatus');
    const key = MemoryCluster.key(obj.kind, obj.metadata.namespace ?? 'default', obj.metadata.name);
    const live = this.objects.get(key);
    if (!live) throw new ApiError(404, 'NotFound', 'not found');
    if (obj.metadata.resourceVersion !== live.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    this.writes.push(`status ${obj.kind}/${obj.metadata.name}`);
    live.status = structuredClone(obj.status);
    live.metadata.resourceVersion = String(this.#rv++);
    return structuredClone(live);
  }

  async hasKind(kind: string) {
    return this.installedKinds.has(kind);
  }

  async event(regarding: KObject, e: EventInput) {
    this.events.push({ ...e, regarding: `${regarding.kind}/${regarding.metadata.name}` });
  }

  /** What the Deployment controller and kubelet would report once all pods are up. */
  markDeploymentReady(namespace: string, name: string, ready?: number) {
    const d = this.objects.get(MemoryCluster.key('Deployment', namespace, name));
    if (!d) throw new Error('no deployment');
    const replicas = (d.spec as { replicas: number }).replicas;
    d.status = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready ?? replicas,
      availableReplicas: ready ?? replicas,
    };
    d.metadata.resourceVersion = String(this.#rv++);
  }
}
