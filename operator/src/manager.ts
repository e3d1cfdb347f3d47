/**
 * The controller manager: informers feed a keyed work queue; workers run the reconciler while this
 * process leads (Lease election); /metrics, /healthz and /readyz are served over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { SWARM_LABEL } from './builders.ts';
import { KubeClient } from './client.ts';
import { Informer } from './informer.ts';
import { ApiError, type KObject, keyOf, splitKey } from './kube.ts';
import { LeaderElector } from './leader.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { type EventInput, type Reader, Reconciler, type Writer } from './reconciler.ts';

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

const CHILD_SELECTOR = 'app.kubernetes.io/managed-by=flock-operator';

/**
 * Whether resourceVersion `a` is the same as or later than `b`. Resource versions are opaque, but every
 * real API server (etcd) and the test server use increasing integers; anything else compares by equality.
 */
function atLeast(a: string | undefined, b: string | undefined): boolean {
  const x = Number(a);
  const y = Number(b);
  if (a && b && Number.isSafeInteger(x) && Number.isSafeInteger(y)) return x >= y;
  return a === b;
}

export class Manager implements Reader, Writer {
  readonly client: KubeClient;
  readonly metrics: Metrics;
  readonly queue: WorkQueue;
  readonly reconciler: Reconciler;
  readonly informers: Record<'BotSwarm' | 'Deployment' | 'Service' | 'Pod', Informer>;
  readonly #o: ManagerOptions;
  readonly #elector?: LeaderElector;
  readonly #states = new Map<string, string>();
  /** Pods by swarm (namespace/name), kept from the pod informer's events. */
  readonly #podsBySwarm = new Map<string, Map<string, KObject>>();
  /** Objects this process just wrote, until the informer catches up (so a stale cache causes no second write). */
  readonly #overlay = new Map<string, { obj: KObject; at: number }>();
  #server?: Server;
  #resync?: NodeJS.Timeout;
  #running = false;
  #workers: Promise<void>[] = [];

  constructor(kc: KubeConfig, options: ManagerOptions) {
    this.#o = options;
    this.metrics = createMetrics();
    this.client = new KubeClient(kc, {
      userAgent: `flock-operator/${options.identity}`,
      onResponse: (method, code) => this.metrics.apiRequests.inc({ method, code: String(code) }),
      discoveryTtlMs: Math.min(30_000, options.monitoringRetryMs ?? 30_000),
    });
    this.queue = new WorkQueue(options.backoff);
    this.reconciler = new Reconciler(this, this, { monitoringRetryMs: options.monitoringRetryMs ?? 60_000 });
    const ns = options.namespace || undefined;
    const mk = (kind: string, labelSelector: string | undefined, toKey: (o: KObject) => string | undefined) =>
      new Informer(this.client, {
        kind,
        namespace: ns,
        labelSelector,
        onEvent: (type, o) => {
          this.#caughtUp(kind, o, type);
          if (kind === 'Pod') this.#indexPod(type, o);
          const key = toKey(o);
          if (key) this.queue.add(key);
          this.metrics.queueDepth.set(this.queue.length);
        },
        onError: (err, ms) => {
          this.metrics.informerRestarts.inc({ kind });
          this.#log('warn', 'informer error, restarting', {
            kind,
            error: String((err as Error)?.message ?? err),
            restartInMs: ms,
          });
        },
      });
    const owner = (o: KObject) => {
      const swarm = o.metadata.labels?.[SWARM_LABEL];
      return swarm ? keyOf(o.metadata.namespace, swarm) : undefined;
    };
    this.informers = {
      BotSwarm: mk('BotSwarm', undefined, (o) => keyOf(o.metadata.namespace, o.metadata.name)),
      Deployment: mk('Deployment', CHILD_SELECTOR, owner),
      Service: mk('Service', CHILD_SELECTOR, owner),
      Pod: mk('Pod', CHILD_SELECTOR, owner),
    };
    if (options.leaderElection) {
      const le = options.leaderElection;
      this.#elector = new LeaderElector(this.client, {
        ...le,
        identity: options.identity,
        onStartedLeading: () => {
          this.metrics.leader.set(1);
          this.#log('info', 'became leader', { lease: `${le.namespace}/${le.name}` });
          this.#startWorkers();
        },
        onStoppedLeading: () => {
          this.metrics.leader.set(0);
          this.#log('error', 'lost leadership', { lease: `${le.namespace}/${le.name}` });
          this.#running = false;
          (this.#o.onLostLeadership ?? (() => process.exit(1)))();
        },
        onError: (e) => this.#log('warn', 'leader election error', { error: String((e as Error).message) }),
      });
    }
  }

  #log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) {
    (
      this.#o.log ??
      ((l, m, f) => console.log(JSON.stringify({ level: l, time: new Date().toISOString(), msg: m, ...f })))
    )(level, msg, fields);
  }

  get isLeader(): boolean {
    return this.#elector ? this.#elector.isLeader : this.#running;
  }

  get ready(): boolean {
    return Object.values(this.informers).every((i) => i.synced);
  }

  get url(): string {
    const a = this.#server?.address() as AddressInfo;
    return `http://${this.#o.host ?? '0.0.0.0'}:${a.port}`;
  }

  async start() {
    await this.#serve();
    await Promise.all(Object.values(this.informers).map((i) => i.start()));
    this.#log('info', 'informers started', { namespace: this.#o.namespace || '(all)' });
    if (this.#elector) this.#elector.start();
    else this.#startWorkers();
    const resync = this.#o.resyncMs ?? 600_000;
    this.#resync = setInterval(() => {
      for (const s of this.informers.BotSwarm.list())
        this.queue.add(keyOf(s.metadata.namespace, s.metadata.name));
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
    await Promise.all(Object.values(this.informers).map((i) => i.stop()));
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  #startWorkers() {
    if (this.#running) return;
    this.#running = true;
    for (let i = 0; i < (this.#o.workers ?? 4); i++) this.#workers.push(this.#worker());
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
    await new Promise<void>((r) => this.#server!.listen(this.#o.port ?? 8080, this.#o.host ?? '0.0.0.0', r));
  }

  // ------------------------------------------------------------------ Reader / Writer for the reconciler

  #overlayKey(kind: string, ns: string | undefined, name: string) {
    return `${kind}/${ns ?? ''}/${name}`;
  }

  #caughtUp(kind: string, o: KObject, type: string) {
    const k = this.#overlayKey(kind, o.metadata.namespace, o.metadata.name);
    const ov = this.#overlay.get(k);
    if (ov && (type === 'delete' || atLeast(o.metadata.resourceVersion, ov.obj.metadata.resourceVersion)))
      this.#overlay.delete(k);
  }

  #remember(obj: KObject) {
    const k = this.#overlayKey(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const cached = this.informers[obj.kind as keyof typeof this.informers]?.get(
      obj.metadata.namespace ?? '',
      obj.metadata.name,
    );
    // The watch may already have delivered this write, or a later one.
    if (cached && atLeast(cached.metadata.resourceVersion, obj.metadata.resourceVersion))
      this.#overlay.delete(k);
    else this.#overlay.set(k, { obj, at: Date.now() });
  }

  async get(kind: string, namespace: string, name: string): Promise<KObject | undefined> {
    const informer = this.informers[kind as keyof typeof this.informers];
    if (!informer) return this.client.get(kind, namespace, name);
    const o = informer.get(namespace, name);
    const k = this.#overlayKey(kind, namespace, name);
    const ov = this.#overlay.get(k);
    if (ov) {
      if (
        Date.now() - ov.at < 10_000 &&
        !(o && atLeast(o.metadata.resourceVersion, ov.obj.metadata.resourceVersion))
      ) {
        return structuredClone(ov.obj);
      }
      this.#overlay.delete(k);
    }
    return o ? structuredClone(o) : undefined;
  }

  #indexPod(type: string, o: KObject) {
    const swarm = o.metadata.labels?.[SWARM_LABEL];
    if (!swarm) return;
    const k = keyOf(o.metadata.namespace, swarm);
    let pods = this.#podsBySwarm.get(k);
    if (!pods) {
      pods = new Map();
      this.#podsBySwarm.set(k, pods);
    }
    if (type === 'delete') pods.delete(o.metadata.name);
    else pods.set(o.metadata.name, o);
    if (pods.size === 0) this.#podsBySwarm.delete(k);
  }

  async list(kind: string, namespace: string, selector: Record<string, string>): Promise<KObject[]> {
    const informer = this.informers[kind as keyof typeof this.informers];
    const match = (o: KObject) => Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v);
    const swarm = selector[SWARM_LABEL];
    if (kind === 'Pod' && swarm)
      return [...(this.#podsBySwarm.get(keyOf(namespace, swarm))?.values() ?? [])].filter(match);
    if (informer) return informer.list(namespace).filter(match);
    const sel = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return (await this.client.list(kind, namespace, sel)).items;
  }

  async apply(obj: KObject): Promise<KObject> {
    const out = await this.client.apply(obj);
    this.#remember(out);
    return out;
  }

  async delete(kind: string, namespace: string, name: string): Promise<void> {
    await this.client.delete(kind, namespace, name);
  }

  async updateStatus(obj: KObject): Promise<KObject> {
    const out = await this.client.updateStatus(obj);
    this.#remember(out);
    return out;
  }

  async hasKind(kind: string): Promise<boolean> {
    return this.client.hasKind(kind);
  }

  async event(regarding: KObject, e: EventInput): Promise<void> {
    await this.client.event(regarding, e);
  }
}
