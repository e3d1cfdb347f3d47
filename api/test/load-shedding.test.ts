// Load shedding (plugins/load-shedding.ts): what each signal reads, and that the app sheds on them — and
// only on them: a loop blocked once for a few hundred milliseconds is not a loop a second behind.

import { sleep } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLoopDelayMs, PressureMonitor, SAMPLE_INTERVAL_MS } from '../src/plugins/load-shedding.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

const blockFor = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('the signals', () => {
  it('reads the probe’s mean lateness, or how late the sample came when the probe never ran', () => {
    expect(eventLoopDelayMs({ count: 9, mean: 12_500_000 }, SAMPLE_INTERVAL_MS)).toBeCloseTo(2.5);
    expect(eventLoopDelayMs({ count: 9, mean: 9_000_000 }, SAMPLE_INTERVAL_MS)).toBe(0);
    // A sample with no tick of the probe: the loop was blocked; by how much the sample itself came late,
    // not Infinity (under-pressure's reading, which shed on any ~100 ms block whatever the limit).
    expect(eventLoopDelayMs({ count: 0, mean: Number.NaN }, 350)).toBe(250);
    expect(eventLoopDelayMs({ count: 0, mean: Number.NaN }, 60)).toBe(0);
  });

  it('counts the pool queue as overload only once it stays long for five samples in a row', () => {
    let waiting = 11;
    const monitor = new PressureMonitor({ maxEventLoopDelayMs: 60_000, maxDbWaiting: 10 }, () => waiting);
    try {
      expect([1, 2, 3, 4].map(() => monitor.sample())).toEqual([true, true, true, true]);
      expect(monitor.sample()).toBe(false);
      expect(monitor.pressure).toEqual({ signal: 'databaseQueue', value: 11 });
      waiting = 10;
      expect(monitor.sample()).toBe(true);
      expect(monitor.pressure).toBeUndefined();
      // The count starts again after a short queue.
      waiting = 50;
      expect([1, 2, 3, 4].map(() => monitor.sample())).toEqual([true, true, true, true]);
    } finally {
      monitor.stop();
    }
  });
});

describe('shedding in the app', () => {
  let relaxed: TestApp;
  let strict: TestApp;
  beforeAll(async () => {
    relaxed = await createTestApp();
    strict = await createTestApp({ env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '50' } });
  });
  afterAll(async () => {
    await relaxed?.close();
    await strict?.close();
  });

  const feed = (t: TestApp) => t.app.inject({ method: 'GET', url: '/api/messages?limit=1' });

  it('does not shed after one block shorter than the limit (1 s by default)', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      blockFor(300);
      // Through the next samples, in which the probe had not run during the block.
      const until = performance.now() + 3 * SAMPLE_INTERVAL_MS;
      while (performance.now() < until) {
        statuses.push((await feed(relaxed)).statusCode);
        await sleep(5);
      }
    }
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it('sheds with 503 + Retry-After while the loop stays behind its limit, and recovers after', async () => {
    // Keep the loop 80 ms behind, over and over, for a second.
    const busy = setInterval(() => blockFor(80), 5);
    await sleep(1_000);
    const shed = await feed(strict);
    // Probes pass even then (a shed liveness probe would restart the pod when it is busiest).
    const probe = await strict.app.inject({ method: 'GET', url: '/healthz' });
    clearInterval(busy);
    expect(probe.statusCode).toBe(200);
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json()).toEqual({
      error: { code: 'OVERLOADED', message: expect.stringMatching(/\(eventLoopDelay: \d+\)/) },
    });
    await sleep(4 * SAMPLE_INTERVAL_MS);
    expect((await feed(strict)).statusCode).toBe(200);
  });
});
