// Load shedding: while the process or its database cannot keep up, requests are answered 503 with
// Retry-After at once instead of queueing until they time out. @fastify/under-pressure answers; the two
// signals it checks every 100 ms are ours:
//
// - The event loop's delay: the process itself is behind. (A busy loop that still answers quickly is not
//   overloaded, so utilisation is not a signal.) under-pressure measures this too, but reads an interval
//   in which its 10 ms probe never ran as an infinite delay: sampled every 100 ms, any block of about
//   100 ms (a major GC, a large JSON body) would shed like an endless one, whatever the configured limit.
// - The database pool's wait queue: requests queue for connections. Under a write-heavy overload this is
//   where the backlog builds, long before the event loop notices; shedding there keeps the answers that
//   are given fast. A burst the pool clears in a moment is not overload: only a queue that stays long for
//   half a second (five samples in a row) is.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import { errorBody } from './errors.ts';

export const SAMPLE_INTERVAL_MS = 100;
/** How often the loop probe ticks; its delay beyond this is the loop's. */
const PROBE_RESOLUTION_MS = 10;
/** Samples in a row with a long pool queue before it counts as overload. */
const LONG_QUEUE_SAMPLES = 5;
export const RETRY_AFTER_SECONDS = 2;

export interface LoadSheddingOptions {
  /** Shed while the event loop's mean delay over a sample passes this (ms)… */
  maxEventLoopDelayMs: number;
  /** …or while more requests than this have waited for a database connection for half a second. */
  maxDbWaiting: number;
}

export interface Pressure {
  signal: 'eventLoopDelay' | 'databaseQueue';
  value: number;
}

/**
 * The event loop's delay over one sample (ms): the probe's mean lateness, or, when the probe never ran in
 * the sample (the loop was blocked throughout), how much later than due this sample itself was taken.
 */
export function eventLoopDelayMs(probe: { count: number; mean: number }, sinceLastSampleMs: number): number {
  if (probe.count === 0) return Math.max(0, sinceLastSampleMs - SAMPLE_INTERVAL_MS);
  return Math.max(0, probe.mean / 1e6 - PROBE_RESOLUTION_MS);
}

/** Reads both signals once per sample; `pressure` says which one fired, if any. */
export class PressureMonitor {
  pressure: Pressure | undefined;
  readonly #options: LoadSheddingOptions;
  readonly #waiting: () => number;
  readonly #probe = monitorEventLoopDelay({ resolution: PROBE_RESOLUTION_MS });
  #lastSampleAt = performance.now();
  #longQueueSamples = 0;

  constructor(options: LoadSheddingOptions, waiting: () => number) {
    this.#options = options;
    this.#waiting = waiting;
    this.#probe.enable();
  }

  /** Takes a sample; true while neither signal fires. */
  sample(): boolean {
    const now = performance.now();
    const delay = eventLoopDelayMs(this.#probe, now - this.#lastSampleAt);
    this.#probe.reset();
    this.#lastSampleAt = now;
    const waiting = this.#waiting();
    this.#longQueueSamples = waiting > this.#options.maxDbWaiting ? this.#longQueueSamples + 1 : 0;
    if (delay > this.#options.maxEventLoopDelayMs)
      this.pressure = { signal: 'eventLoopDelay', value: Math.round(delay) };
    else if (this.#longQueueSamples >= LONG_QUEUE_SAMPLES)
      this.pressure = { signal: 'databaseQueue', value: waiting };
    else this.pressure = undefined;
    return this.pressure === undefined;
  }

  stop(): void {
    this.#probe.disable();
  }
}

export default fp(
  async function loadShedding(app: FastifyInstance, options: LoadSheddingOptions) {
    const pool = (await app.orm.em.getConnection().getNativeClient()) as Pool;
    const monitor = new PressureMonitor(options, () => pool.waitingCount);
    app.addHook('onClose', async () => monitor.stop());
    await app.register(underPressure, {
      healthCheck: async () => monitor.sample(),
      healthCheckInterval: SAMPLE_INTERVAL_MS,
      retryAfter: RETRY_AFTER_SECONDS,
      pressureHandler: (_request, reply, type, value) => {
        const { signal, value: reading } = monitor.pressure ?? { signal: type, value };
        reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send(errorBody('OVERLOADED', `The server is overloaded (${signal}: ${reading}), retry shortly`));
      },
    });
  },
  { name: 'load-shedding', dependencies: ['database'] },
);
