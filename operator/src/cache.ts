/**
 * The cached reader the reconciler reads through (controller-runtime's cache): one informer per kind
 * the operator watches (BotSwarms; its Deployments, Services and pods, by label), pods indexed by swarm,
 * and read-your-writes: an object this process just wrote is served as written until the watch
 * delivers that write, so a cache that lags causes no second write. Resource versions are opaque: a
 * write counts as delivered when the watch hands over an object with exactly its resourceVersion.
 */
import { SWARM_LABEL } from './builders.ts';
import type { KubeClient } from './client.ts';
import { Informer, type InformerEvent } from './informer.ts';
import { type KObject, keyOf } from './kube.ts';
import type { Reader } from './reconciler.ts';

export type CachedKind = 'BotSwarm' | 'Deployment' | 'Service' | 'Pod';

const CHILD_SELECTOR = 'app.kubernetes.io/managed-by=flock-operator';
/** How many recent resourceVersions of an object are remembered (a write's may already have passed). */
const SEEN_VERSIONS = 4;
/** How long a written object is served at most while its watch event has not come. */
const WRITE_TTL_MS = 10_000;

export interface CacheOptions {
  /** One namespace, or all when undefined. */
  namespace?: string;
  /** Every event of every informer, e.g. to queue the swarm it concerns. */
  onEvent: (kind: CachedKind, type: InformerEvent, obj: KObject) => void;
  onError: (kind: CachedKind, error: unknown, restartInMs: number) => void;
}

export class Cache implements Reader {
  readonly informers: Record<CachedKind, Informer>;
  readonly #client: KubeClient;
  /** Pods by swarm (namespace/name). */
  readonly #podsBySwarm = new Map<string, Map<string, KObject>>();
  readonly #written = new Map<string, { obj: KObject; at: number }>();
  readonly #seenVersions = new Map<string, string[]>();

  constructor(client: KubeClient, options: CacheOptions) {
    this.#client = client;
    const informer = (kind: CachedKind, labelSelector?: string) =>
      new Informer(client, {
        kind,
        namespace: options.namespace,
        labelSelector,
        onEvent: (type, obj) => {
          this.#observe(kind, type, obj);
          options.onEvent(kind, type, obj);
        },
        onError: (error, restartInMs) => options.onError(kind, error, restartInMs),
        onListed: (startedAt) => this.#forgetWritesBefore(kind, startedAt),
      });
    this.informers = {
      BotSwarm: informer('BotSwarm'),
      Deployment: informer('Deployment', CHILD_SELECTOR),
      Service: informer('Service', CHILD_SELECTOR),
      Pod: informer('Pod', CHILD_SELECTOR),
    };
  }

  get synced(): boolean {
    return Object.values(this.informers).every((i) => i.synced);
  }

  async start() {
    await Promise.all(Object.values(this.informers).map((i) => i.start()));
  }

  async stop() {
    await Promise.all(Object.values(this.informers).map((i) => i.stop()));
  }

  /** What this process just wrote (the API server's answer), served until the watch delivers it. */
  rememberWrite(obj: KObject) {
    const key = objectKey(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const version = obj.metadata.resourceVersion;
    if (version && this.#seenVersions.get(key)?.includes(version)) this.#written.delete(key);
    else this.#written.set(key, { obj, at: Date.now() });
  }

  async get(kind: string, namespace: string, name: string): Promise<KObject | undefined> {
    const informer = this.informers[kind as CachedKind];
    if (!informer) return this.#client.get(kind, namespace, name);
    const key = objectKey(kind, namespace, name);
    const written = this.#written.get(key);
    if (written && Date.now() - written.at < WRITE_TTL_MS) return structuredClone(written.obj);
    this.#written.delete(key);
    const cached = informer.get(namespace, name);
    return cached ? structuredClone(cached) : undefined;
  }

  async list(kind: string, namespace: string, selector: Record<string, string>): Promise<KObject[]> {
    const matches = (o: KObject) => Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v);
    const swarm = selector[SWARM_LABEL];
    if (kind === 'Pod' && swarm)
      return [...(this.#podsBySwarm.get(keyOf(namespace, swarm))?.values() ?? [])].filter(matches);
    const informer = this.informers[kind as CachedKind];
    if (informer) return informer.list(namespace).filter(matches);
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return (await this.#client.list(kind, namespace, labelSelector)).items;
  }

  #observe(kind: CachedKind, type: InformerEvent, obj: KObject) {
    const key = objectKey(kind, obj.metadata.namespace, obj.metadata.name);
    const version = obj.metadata.resourceVersion ?? '';
    if (type === 'delete') {
      this.#seenVersions.delete(key);
      this.#written.delete(key);
    } else {
      const seen = [...(this.#seenVersions.get(key) ?? []), version].slice(-SEEN_VERSIONS);
      this.#seenVersions.set(key, seen);
      if (this.#written.get(key)?.obj.metadata.resourceVersion === version) this.#written.delete(key);
    }
    if (kind === 'Pod') this.#indexPod(type, obj);
  }

  /** A fresh list holds every write that finished before it began; their watch events may never come. */
  #forgetWritesBefore(kind: CachedKind, listStartedAt: number) {
    for (const [key, written] of this.#written)
      if (written.obj.kind === kind && written.at < listStartedAt) this.#written.delete(key);
  }

  #indexPod(type: InformerEvent, pod: KObject) {
    const swarm = pod.metadata.labels?.[SWARM_LABEL];
    if (!swarm) return;
    const key = keyOf(pod.metadata.namespace, swarm);
    const pods = this.#podsBySwarm.get(key) ?? new Map<string, KObject>();
    if (type === 'delete') pods.delete(pod.metadata.name);
    else pods.set(pod.metadata.name, pod);
    if (pods.size === 0) this.#podsBySwarm.delete(key);
    else this.#podsBySwarm.set(key, pods);
  }
}

function objectKey(kind: string, namespace: string | undefined, name: string) {
  return `${kind}/${namespace ?? ''}/${name}`;
}
