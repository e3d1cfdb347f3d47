/**
 * An informer: client-node's ListWatch (list, then watch from the list's resourceVersion; on 410 Gone it
 * re-lists) wrapped so that any other error restarts it with exponential backoff instead of stopping.
 */
import { type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { KubeClient } from './client.ts';
import { type KObject, pathFor } from './kube.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions {
  kind: string;
  namespace?: string;
  labelSelector?: string;
  onEvent: (type: InformerEvent, obj: KObject) => void;
  onError?: (err: unknown, restartInMs: number) => void;
  /** After each (re-)list, once its items are in the cache: when that list was started. */
  onListed?: (startedAt: number) => void;
  maxBackoffMs?: number;
}

export class Informer {
  readonly kind: string;
  readonly #lw: ListWatch<KubernetesObject>;
  readonly #opts: InformerOptions;
  #synced = false;
  #stopped = false;
  #failures = 0;
  #timer?: NodeJS.Timeout;
  restarts = 0;
  lists = 0;

  constructor(client: KubeClient, opts: InformerOptions) {
    this.kind = opts.kind;
    this.#opts = opts;
    const watch = new Watch(client.watchConfig);
    // Bookmarks keep the resume point current on quiet watches, so a reconnect resumes instead of
    // re-listing (client-node's ListWatch reads them but does not ask for them).
    const bookmarkingWatch = {
      watch: (path: string, query: Record<string, unknown>, ...rest: [never, never]) =>
        watch.watch(path, { ...query, allowWatchBookmarks: true }, ...rest),
    } as unknown as Watch;
    const listFn = async () => {
      const startedAt = Date.now();
      const { items, resourceVersion } = await client.list(opts.kind, opts.namespace, opts.labelSelector);
      // ListWatch adds the items right after this returns; the callback comes after that.
      setImmediate(() => opts.onListed?.(startedAt));
      this.lists++;
      return { metadata: { resourceVersion }, items } as never;
    };
    this.#lw = new ListWatch(
      pathFor(opts.kind, opts.namespace),
      bookmarkingWatch,
      listFn,
      false,
      opts.labelSelector,
    );
    this.#lw.on('add', (o) => this.#event('add', o as unknown as KObject));
    this.#lw.on('update', (o) => this.#event('update', o as unknown as KObject));
    this.#lw.on('delete', (o) => this.#event('delete', o as unknown as KObject));
    this.#lw.on('error', (err) => this.#restart(err));
  }

  #event(type: InformerEvent, o: KObject) {
    this.#failures = 0;
    this.#opts.onEvent(type, o);
  }

  #restart(err: unknown) {
    if (this.#stopped) return;
    this.#failures++;
    const delay = Math.min(100 * 2 ** (this.#failures - 1), this.#opts.maxBackoffMs ?? 30_000);
    this.#opts.onError?.(err, delay);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.restarts++;
      this.#lw.start().then(
        () => this.#markSynced(),
        (e) => this.#restart(e),
      );
    }, delay);
  }

  #markSynced() {
    // ListWatch.start resolves after the list and once the watch is open.
    if (this.#lw.latestResourceVersion()) this.#synced = true;
  }

  async start() {
    this.#stopped = false;
    await this.#lw.start().then(
      () => this.#markSynced(),
      (e) => this.#restart(e),
    );
  }

  async stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#lw.stop();
  }

  get synced(): boolean {
    return this.#synced;
  }

  get(namespace: string, name: string): KObject | undefined {
    return this.#lw.get(name, namespace) as unknown as KObject | undefined;
  }

  list(namespace?: string): KObject[] {
    return this.#lw.list(namespace) as unknown as KObject[];
  }
}
