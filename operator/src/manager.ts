/**
 * The controller manager, the lifecycle around the reconciler (controller-runtime's manager): the
 * cache's informers feed a keyed work queue; workers run the reconciler, reading through the cache and
 * writing through the caching writer, while this process leads (Lease election); /metrics, /healthz and
 * /readyz are served over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { SWARM_LABEL } from './builders.ts';
import { Cache } from './cache.ts';
import { KubeClient } from './client.ts';
import { ApiError, type KObject, keyOf, splitKey } from './kube.ts';
import { LeaderElector } from './leader.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { Reconciler } from './reconciler.ts';
import { CachingWriter } from './writer.ts';

export interface ManagerOptions {
  /** Watch one namespace only (WATCH_NAMESPACE); all namespaces when empty. */
  namespace?: string;
  workers?: number;
  resyncMs?: number;
  port?: number;
  host?: string;
  identity: string;
  leaderElection?:
    | false
    | {
        namespace: string;
        name: string;
        leaseDurationMs: number;
        renewDeadlineMs: number;
        retryPeriodMs: number;
      };
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Called when leadership is lost (the process should exit, as controller-runtime does). */
  onLostLeadership?: () => void;
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  /** How soon a swarm is looked at again while the Prometheus Operator CRDs are missing (default 60 s). */
  monitoringRetryMs?: number;
}

export class Manager {
  readonly client: KubeClient;
  readonly metrics: Metrics;
  readonly queue: WorkQueue;
  readonly reconciler: Reconciler;
  readonly cache: Cache;
  readonly #options: ManagerOptions;
  readonly #elector?: LeaderElector;
  /** The Ready reason of each swarm, for the swarms-by-state gauge. */
  readonly #states = new Map<string, string>();
  #server?: Server;
  #resync?: NodeJS.Timeout;
  #running = false;
  #workers: Promise<void>[] = [];

  constructor(kc: KubeConfig, options: ManagerOptions) {
    this.#options = options;
    this.metrics = createMetrics();
    this.client = new KubeClient(kc, {
      userAgent: `flock-operator/${options.identity}`,
      onResponse: (method, code) => this.metrics.apiRequests.inc({ method, code: String(code) }),
      discoveryTtlMs: Math.min(30_000, options.monitoringRetryMs ?? 30_000),
    });
    this.queue = new WorkQueue(options.backoff);
    // A child's event queues the swarm it belongs to (its swarm label).
    const swarmOf = (kind: string, o: KObject) => {
      if (kind === 'BotSwarm') return keyOf(o.metadata.namespace, o.metadata.name);
      const swarm = o.metadata.labels?.[SWARM_LABEL];
      return swarm ? keyOf(o.metadata.namespace, swarm) : undefined;
    };
    this.cache = new Cache(this.client, {
      namespace: options.namespace || undefined,
      onEvent: (kind, _type, o) => {
        const key = swarmOf(kind, o);
        if (key) this.queue.add(key);
        this.metrics.queueDepth.set(this.queue.length);
      },
      onError: (kind, error, restartInMs) => {
        this.metrics.informerRestarts.inc({ kind });
        this.#log('warn', 'informer error, restarting', {
          kind,
          error: String((error as Error)?.message ?? error),
          restartInMs,
        });
      },
    });
    const monitoringRetryMs = options.monitoringRetryMs ?? 60_000;
    const writer = new CachingWriter(this.client, this.cache, Math.min(30_000, monitoringRetryMs));
    this.reconciler = new Reconciler(this.cache, writer, { monitoringRetryMs });
    if (options.leaderElection) {
      const election = options.leaderElection;
      const lease = `${election.namespace}/${election.name}`;
      this.#elector = new LeaderElector(this.client, {
        ...election,
        identity: options.identity,
        onStartedLeading: () => {
          this.metrics.leader.set(1);
          this.#log('info', 'became leader', { lease });
          this.#startWorkers();
        },
        onStoppedLeading: () => {
          this.metrics.leader.set(0);
          this.#log('error', 'lost leadership', { lease });
          this.#running = false;
          (this.#options.onLostLeadership ?? (() => process.exit(1)))();
        },
        onError: (e) => this.#log('warn', 'leader election error', { error: String((e as Error).message) }),
      });
    }
  }

  #log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) {
    (
      this.#options.log ??
      ((l, m, f) => console.log(JSON.stringify({ level: l, time: new Date().toISOString(), msg: m, ...f })))
    )(level, msg, fields);
  }

  get isLeader(): boolean {
    return this.#elector ? this.#elector.isLeader : this.#running;
  }

  get ready(): boolean {
    return this.cache.synced;
  }

  get url(): string {
    const a = this.#server?.address() as AddressInfo;
    return `http://${this.#options.host ?? '0.0.0.0'}:${a.port}`;
  }

  async start() {
    await this.#serve();
    await this.cache.start();
    this.#log('info', 'informers started', { namespace: this.#options.namespace || '(all)' });
    if (this.#elector) this.#elector.start();
    else this.#startWorkers();
    const resync = this.#options.resyncMs ?? 600_000;
    this.#resync = setInterval(() => {
      for (const swarm of this.cache.informers.BotSwarm.list())
        this.queue.add(keyOf(swarm.metadata.namespace, swarm.metadata.name));
    }, resync);
    this.#resync.unref();
  }

  async stop() {
    this.#running = false;
    clearInterval(this.#resync);
    this.queue.shutdown();
    // Finish in-flight reconciles before handing the Lease over, so two leaders never write at once.
    await Promise.allSettled(this.#workers);
    await this.#elector?.release();
    await this.cache.stop();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  #startWorkers() {
    if (this.#running) return;
    this.#running = true;
    for (let i = 0; i < (this.#options.workers ?? 4); i++) this.#workers.push(this.#worker());
  }

  async #worker() {
    while (this.#running) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.metrics.queueDepth.set(this.queue.length);
      if (!this.#running) {
        this.queue.done(key);
        return;
      }
      const { namespace, name } = splitKey(key);
      const end = this.metrics.reconcileDuration.startTimer();
      try {
        const r = await this.reconciler.reconcile(namespace, name);
        this.metrics.writes.inc(r.writes);
        this.queue.forget(key);
        if (r.requeueAfterMs) this.queue.addAfter(key, r.requeueAfterMs);
        this.metrics.reconciles.inc({ result: r.requeueAfterMs ? 'requeue' : 'success' });
        this.#setState(key, r.state);
      } catch (e) {
        const conflict = e instanceof ApiError && e.code === 409;
        this.metrics.reconciles.inc({ result: conflict ? 'conflict' : 'error' });
        this.metrics.queueRetries.inc();
        const delay = this.queue.addRateLimited(key);
        this.#log(conflict ? 'info' : 'warn', 'reconcile failed, requeued', {
          key,
          error: String((e as Error).message),
          retryInMs: delay,
        });
      } finally {
        end();
        this.queue.done(key);
      }
    }
  }

  #setState(key: string, state: string | undefined) {
    if (state) this.#states.set(key, state);
    else this.#states.delete(key);
    const counts = new Map<string, number>();
    for (const s of this.#states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    this.metrics.swarms.reset();
    for (const [s, n] of counts) this.metrics.swarms.set({ state: s }, n);
  }

  async #serve() {
    this.#server = createServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics') {
        res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
        res.end(await this.metrics.registry.metrics());
      } else if (path === '/healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      } else if (path === '/readyz') {
        const ok = this.ready;
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' });
        res.end(ok ? `ok (${this.isLeader ? 'leader' : 'standby'})` : 'informers not synced');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) =>
      this.#server!.listen(this.#options.port ?? 8080, this.#options.host ?? '0.0.0.0', r),
    );
  }
}
