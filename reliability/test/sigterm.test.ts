// Scenario 1, graceful SIGTERM under load: two API processes on one PostgreSQL, writers and live clients on
// both; one replica gets SIGTERM. Readiness fails at once, requests it had accepted complete, its live
// clients get 1001 and resume on the other replica without a gap, it exits before the grace period, and
// every acknowledged write is stored once.

import { sleep } from '@flock/testkit/waiting';
import { describe, expect, it } from 'vitest';
import { register, storedMessages } from '../lib/cluster.ts';
import { clusterForFile } from '../lib/cluster-for-file.ts';
import { awaitDelivery } from '../lib/subscribers.ts';
import { startWorkload } from '../lib/workload.ts';
import { compareWrites } from '../lib/writers.ts';

const SHUTDOWN_DELAY_MS = 1_000;
const SHUTDOWN_GRACE_MS = 8_000;

const cluster = clusterForFile({
  replicas: 2,
  env: { SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS), SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS) },
});

describe('graceful SIGTERM under load', () => {
  it('fails readiness within 100 ms, drains, moves live clients with 1001, loses no acknowledged write', async () => {
    const [a, b] = cluster().urls() as [string, string];
    // Live clients: most on the replica that will go.
    const { subscribers, writers, prefix } = await startWorkload(cluster(), {
      name: 'sigterm',
      firstReplica: [0, 1, 1, 1, 1, 0],
      keepOutcomes: true,
    });
    const onB = subscribers.filter((subscriber) => subscriber.connectedTo === b);
    expect(onB).toHaveLength(4);

    writers.start();
    await sleep(2_000);

    // Slow requests (Argon2id registrations) in flight on B when the signal lands.
    const slow = Array.from({ length: 6 }, () =>
      register(b, 'slow')
        .then(() => 201)
        .catch(() => 0),
    );
    await sleep(20);
    const signalledAt = performance.now();
    const exited = cluster().signal(1, 'SIGTERM');
    // A probe every 10 ms, each on its own (a probe sent before the signal may wait for a database
    // connection behind the writers; that one says nothing about when readiness failed).
    const probes: Promise<{ sent: number; status: number }>[] = [];
    while (performance.now() - signalledAt < SHUTDOWN_DELAY_MS - 200) {
      const sent = performance.now();
      probes.push(
        fetch(`${b}/readyz`)
          .then((r) => ({ sent, status: r.status }))
          .catch(() => ({ sent, status: 0 })),
      );
      await sleep(10);
    }
    const answers = await Promise.all(probes);
    const unreadyAt = answers.find((answer) => answer.status === 503)?.sent;
    const exit = await exited;
    await sleep(1_500);
    await writers.stop();

    // Readiness failed within 100 ms of the signal.
    expect(unreadyAt).toBeDefined();
    expect(unreadyAt! - signalledAt).toBeLessThan(100);
    const late = answers.filter((answer) => answer.sent - signalledAt >= 100);
    expect(late.length).toBeGreaterThan(10);
    expect(late.filter((answer) => answer.status !== 503)).toEqual([]);
    // Exit 0 before the grace period (delay + grace) ran out.
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS);
    // Accepted requests completed: the registrations, and every write B had in flight at the signal.
    expect(await Promise.all(slow)).toEqual(Array(6).fill(201));
    const inFlightOnB = writers.outcomes.filter(
      (o) => o.target === b && o.started < signalledAt && o.ended > signalledAt,
    );
    expect(inFlightOnB.length).toBeGreaterThan(0);
    expect(inFlightOnB.filter((o) => o.status !== 201)).toEqual([]);
    // Live clients on B were told 1001 and resumed on A.
    for (const subscriber of onB) {
      expect(subscriber.closeCodes).toEqual([1001]);
      expect(subscriber.connectedTo).toBe(a);
      expect(subscriber.subscriptions).toBe(2);
    }
    // No acknowledged write lost or doubled; every stored one reached every client, once.
    const writes = compareWrites(writers.acked, await storedMessages(cluster().db, prefix));
    expect(writes.acknowledged).toBeGreaterThan(50);
    expect(writes).toMatchObject({ lost: [], wrongId: [], duplicated: 0 });
    const ids = [...(await storedMessages(cluster().db, prefix)).values()].flat();
    const delivery = await awaitDelivery(subscribers, ids, 15_000);
    expect(delivery.missing).toEqual(Array(subscribers.length).fill(0));
    expect(subscribers.map((s) => s.repeated + s.resyncs)).toEqual(Array(subscribers.length).fill(0));
    for (const subscriber of subscribers) subscriber.stop();
    console.log(
      JSON.stringify({
        scenario: 'sigterm',
        unreadyMs: Math.round(unreadyAt! - signalledAt),
        exitMs: Math.round(exit.at - signalledAt),
        inFlightOnB: inFlightOnB.length,
        attempts: writers.attempts,
        statuses: Object.fromEntries(writers.statusCounts),
        ...writes,
        lost: writes.lost.length,
        wrongId: writes.wrongId.length,
      }),
    );
  });
});
