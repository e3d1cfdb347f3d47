// Scenario 2, SIGKILL of a replica under load: its live clients lose the connection without a close frame,
// reconnect to the other replica and resume with `since`; afterwards every client has every message that
// was committed (before the kill and after), once, and every acknowledged write is stored once.

import { sleep } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster, storedMessages } from '../lib/cluster.ts';
import { awaitDelivery } from '../lib/subscribers.ts';
import { startWorkload } from '../lib/workload.ts';
import { compareWrites } from '../lib/writers.ts';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ replicas: 2 });
});
afterAll(async () => {
  await cluster?.close();
});

describe('SIGKILL of a replica', () => {
  it('every client ends with every committed message after reconnecting and resuming elsewhere', async () => {
    const [a, b] = cluster.urls() as [string, string];
    const { subscribers, writers, prefix } = await startWorkload(cluster, {
      name: 'sigkill',
      firstReplica: [1, 1, 1, 1, 0, 0],
    });
    const onB = subscribers.filter((subscriber) => subscriber.connectedTo === b);
    expect(onB).toHaveLength(4);

    writers.start();
    await sleep(2_500);
    const before = await storedMessages(cluster.db, prefix);
    const exit = await cluster.signal(1, 'SIGKILL');
    // Committed before the kill: everything stored by now that was not stored a moment before it, too.
    const atKill = [...(await storedMessages(cluster.db, prefix)).values()].flat();
    await sleep(3_000);
    await writers.stop();

    expect(exit.signal).toBe('SIGKILL');
    expect(before.size).toBeGreaterThan(20);
    for (const subscriber of onB) {
      expect(subscriber.closeCodes).toEqual([1006]);
      expect(subscriber.connectedTo).toBe(a);
      expect(subscriber.subscriptions).toBe(2);
    }
    const stored = await storedMessages(cluster.db, prefix);
    const writes = compareWrites(writers.acked, stored);
    expect(writes).toMatchObject({ lost: [], wrongId: [], duplicated: 0 });
    const ids = [...stored.values()].flat();
    expect(ids).toEqual(expect.arrayContaining(atKill));
    const delivery = await awaitDelivery(subscribers, ids, 15_000);
    expect(delivery.missing).toEqual(Array(subscribers.length).fill(0));
    expect(subscribers.map((s) => s.repeated + s.resyncs)).toEqual(Array(subscribers.length).fill(0));
    for (const subscriber of subscribers) subscriber.stop();
    console.log(
      JSON.stringify({
        scenario: 'sigkill',
        committedAtKill: atKill.length,
        attempts: writers.attempts,
        statuses: Object.fromEntries(writers.statusCounts),
        acknowledged: writes.acknowledged,
        stored: writes.stored,
      }),
    );
  });
});
