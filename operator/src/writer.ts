/**
 * The writer the reconciler writes through (controller-runtime's client): the REST client, each write's
 * answer handed to the cache so the next read sees it.
 */
import type { Cache } from './cache.ts';
import type { KubeClient } from './client.ts';
import { ApiError, type KObject } from './kube.ts';

import type { EventInput, Writer } from './reconciler.ts';

export class CachingWriter implements Writer {
  readonly #client: KubeClient;
  readonly #cache: Cache;
  readonly #prometheusTtlMs: number;
  #prometheuses?: { at: number; items: KObject[] | undefined };

  /** `prometheusTtlMs`: how long one list of the Prometheus objects is trusted. */
  constructor(client: KubeClient, cache: Cache, prometheusTtlMs = 30_000) {
    this.#client = client;
    this.#cache = cache;
    this.#prometheusTtlMs = prometheusTtlMs;
  }

  async apply(obj: KObject): Promise<KObject> {
    const applied = await this.#client.apply(obj);
    this.#cache.rememberWrite(applied);
    return applied;
  }

  async updateStatus(obj: KObject): Promise<KObject> {
    const updated = await this.#client.updateStatus(obj);
    this.#cache.rememberWrite(updated);
    return updated;
  }

  async delete(kind: string, namespace: string, name: string): Promise<void> {
    await this.#client.delete(kind, namespace, name);
  }

  hasKind(kind: string): Promise<boolean> {
    return this.#client.hasKind(kind);
  }

  /** Listed across the cluster at most once per TTL: hundreds of swarms share one answer. */
  async prometheuses(): Promise<KObject[] | undefined> {
    if (this.#prometheuses && Date.now() - this.#prometheuses.at < this.#prometheusTtlMs)
      return this.#prometheuses.items;
    let items: KObject[] | undefined;
    try {
      items = (await this.#client.hasKind('Prometheus'))
        ? (await this.#client.list('Prometheus', undefined, '')).items
        : undefined;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 403) throw error;
    }
    this.#prometheuses = { at: Date.now(), items };
    return items;
  }

  async event(regarding: KObject, event: EventInput): Promise<void> {
    await this.#client.event(regarding, event);
  }
}
