// Scenario 3, PostgreSQL goes away under load, from the app's view: both replicas reach the database through
// a TCP proxy this test owns, and cutting it (every connection reset, new ones refused) is the restart. No
// process crashes, requests during the outage fail fast with 503, readiness goes false then true, errors
// stop within 5 s of the database's return, the LISTEN connection listens again (the fallback poll is set
// to a minute, so only a notification can bring the other replica's events in time) and live clients miss
// nothing. (`npm run chaos` restarts the real server as well.)

import { sleep } from '@flock/testkit/waiting';
import { describe, expect, it } from 'vitest';
import { register, registerMany, storedMessages } from '../lib/cluster.ts';
import { clusterForFile } from '../lib/cluster-for-file.ts';
import { awaitDelivery, Subscriber } from '../lib/subscribers.ts';
import { compareWrites, Writers } from '../lib/writers.ts';

const OUTAGE_MS = 4_000;
const ACQUIRE_TIMEOUT_MS = 1_000;

const cluster = clusterForFile({
  replicas: 2,
  throughProxy: true,
  env: { DB_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS), LIVE_POLL_MS: '60000' },
});

describe('PostgreSQL restart under load', () => {
  it('fails fast with 503 while it is away, recovers within 5 s, re-listens, loses nothing', async () => {
    const [a, b] = cluster().urls() as [string, string];
    const writerAccounts = await registerMany(a, 3, 'w');
    const reader = await register(a, 'reader');
    // Writes go through A; most readers watch B, which learns of them only by NOTIFY.
    const subscribers = [1, 1, 1, 0].map(
      (first) => new Subscriber({ targets: () => cluster().urls(), token: reader.token, first }),
    );
    await Promise.all(subscribers.map((subscriber) => subscriber.start()));
    const prefix = `pgrestart-${Date.now()}`;
    const writers = new Writers({
      targets: () => [a],
      tokens: writerAccounts.map((account) => account.token),
      perToken: 2,
      prefix,
      keepOutcomes: true,
    });
    const readiness: { url: string; at: number; status: number }[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        for (const url of [a, b]) {
          const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) })
            .then((r) => r.status)
            .catch(() => 0);
          readiness.push({ url, at: performance.now(), status });
        }
        await sleep(100);
      }
    })();

    writers.start();
    await sleep(2_500);
    const cutAt = performance.now();
    await cluster().proxy!.stop();
    await sleep(OUTAGE_MS);
    const backAt = performance.now();
    await cluster().proxy!.start();
    await sleep(8_000);
    await writers.stop();
    probing = false;
    await probe;

    // No crash; both still serve.
    expect(cluster().replicas.map((replica) => replica.crashes)).toEqual([[], []]);
    for (const url of [a, b]) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // During the outage: 503s, fast (bounded by the acquire timeout, not a TCP timeout); nothing else.
    const during = writers.outcomes.filter((o) => o.ended > cutAt + 200 && o.started < backAt);
    expect(during.length).toBeGreaterThan(5);
    // Requests begun and ended inside the outage fail with 503; one that waited for a connection across
    // the return may succeed, which is the point.
    expect(new Set(during.filter((o) => o.started > cutAt && o.ended < backAt).map((o) => o.status))).toEqual(
      new Set([503]),
    );
    expect(during.filter((o) => o.status !== 201 && o.status !== 503)).toEqual([]);
    const slowest = Math.max(...during.map((o) => o.ended - o.started));
    expect(slowest).toBeLessThan(ACQUIRE_TIMEOUT_MS + 2_000);
    // Readiness: true, false during the outage, true again, on both replicas.
    for (const url of [a, b]) {
      const seen = readiness.filter((r) => r.url === url);
      expect(seen.filter((r) => r.at < cutAt).every((r) => r.status === 200)).toBe(true);
      expect(seen.filter((r) => r.at > cutAt + 500 && r.at < backAt).some((r) => r.status === 503)).toBe(
        true,
      );
      expect(seen.at(-1)!.status).toBe(200);
    }
    // Errors stop within 5 s of the return.
    const errors = writers.outcomes.filter((o) => o.status !== 201);
    const lastErrorAt = Math.max(...errors.map((o) => o.ended));
    expect(lastErrorAt - backAt).toBeLessThan(5_000);
    const after = writers.outcomes.filter((o) => o.started > lastErrorAt);
    expect(after.length).toBeGreaterThan(20);
    // Nothing acknowledged lost; every message reached every live client (B's only by NOTIFY, in time).
    const stored = await storedMessages(cluster().db, prefix);
    const writes = compareWrites(writers.acked, stored);
    expect(writes).toMatchObject({ lost: [], wrongId: [], duplicated: 0 });
    const delivery = await awaitDelivery(subscribers, [...stored.values()].flat(), 10_000);
    expect(delivery.missing).toEqual([0, 0, 0, 0]);
    expect(subscribers.map((s) => s.repeated + s.resyncs)).toEqual([0, 0, 0, 0]);
    for (const subscriber of subscribers) subscriber.stop();
    console.log(
      JSON.stringify({
        scenario: 'database-restart',
        outageMs: Math.round(backAt - cutAt),
        requestsDuringOutage: during.length,
        slowestDuringOutageMs: Math.round(slowest),
        errorsStoppedAfterReturnMs: Math.round(lastErrorAt - backAt),
        statuses: Object.fromEntries(writers.statusCounts),
        acknowledged: writes.acknowledged,
        stored: writes.stored,
        reconnectsOfLiveClients: subscribers.map((s) => s.subscriptions - 1),
      }),
    );
  });
});
