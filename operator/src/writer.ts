/**
 * The writer the reconciler writes through (controller-runtime's client): the REST client, each write's
 * answer handed to the cache so the next read sees it.
 */
import type { Cache } from './cache.ts';
import type { KubeClient } from './client.ts';
import type { KObject } from './kube.ts';
import type { EventInput, Writer } from './reconciler.ts';

export class CachingWriter implements Writer {
  readonly #client: KubeClient;
  readonly #cache: Cache;

  constructor(client: KubeClient, cache: Cache) {
    this.#client = client;
    this.#cache = cache;
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

  async event(regarding: KObject, event: EventInput): Promise<void> {
    await this.#client.event(regarding, event);
  }
}
