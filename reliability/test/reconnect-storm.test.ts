// Scenario 5b, a reconnect storm: 2,000 live clients drop at once and reconnect within 2 s (resuming with
// `since`) while messages keep coming; all of them are subscribed again within 10 s, the process does not
// crash, and every client ends with every message.

import { sleep } from '@flock/testkit/waiting';
import { describe, expect, it } from 'vitest';
import { registerMany, storedMessages } from '../lib/cluster.ts';
import { clusterForFile } from '../lib/cluster-for-file.ts';
import { awaitDelivery, Subscriber } from '../lib/subscribers.ts';
import { Writers } from '../lib/writers.ts';

const CLIENTS = 2_000;
const USERS = 4;

const cluster = clusterForFile({
  replicas: 1,
  env: { LIVE_MAX_CONNECTIONS_PER_USER: String(CLIENTS / USERS) },
});

describe('reconnect storm', () => {
  it('2,000 clients that drop and reconnect within 2 s are all back within 10 s, missing nothing', async () => {
    const [url] = cluster().urls() as [string];
    const users = await registerMany(url, USERS + 1, 'storm');
    const writerToken = users.pop()!.token;
    const subscribers: Subscriber[] = [];
    for (let i = 0; i < CLIENTS; i += 100) {
      const batch = Array.from(
        { length: 100 },
        (_, j) =>
          new Subscriber({
            targets: () => [url],
            token: users[(i + j) % USERS]!.token,
            reconnectDelay: () => Math.random() * 2_000,
          }),
      );
      await Promise.all(batch.map((subscriber) => subscriber.start(30_000)));
      subscribers.push(...batch);
    }
    expect((await cluster().metrics(0)).get('flock_ws_connections')).toBe(CLIENTS);

    const prefix = `storm-${Date.now()}`;
    const writers = new Writers({ targets: () => [url], tokens: [writerToken], prefix, pauseMs: 100 });
    writers.start();
    await sleep(1_000);
    const droppedAt = performance.now();
    for (const subscriber of subscribers) subscriber.drop();
    let back = 0;
    while (performance.now() - droppedAt < 10_000) {
      back = subscribers.filter((s) => s.subscriptions === 2).length;
      if (back === CLIENTS) break;
      await sleep(100);
    }
    const recoveredMs = Math.max(...subscribers.map((s) => s.lastSubscribedAt)) - droppedAt;
    await sleep(1_000);
    await writers.stop();

    expect(back).toBe(CLIENTS);
    expect(recoveredMs).toBeLessThan(10_000);
    expect(cluster().replicas[0]!.crashes).toEqual([]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ids = [...(await storedMessages(cluster().db, prefix)).values()].flat();
    expect(ids.length).toBeGreaterThan(5);
    const delivery = await awaitDelivery(subscribers, ids, 10_000);
    expect(delivery.missing.filter((missing) => missing > 0)).toEqual([]);
    expect(subscribers.filter((s) => s.repeated + s.resyncs > 0)).toHaveLength(0);
    const samples = await cluster().metrics(0);
    expect(samples.get('flock_ws_connections')).toBe(CLIENTS);
    for (const subscriber of subscribers) subscriber.stop();
    console.log(
      JSON.stringify({
        scenario: 'reconnect-storm',
        clients: CLIENTS,
        recoveredMs: Math.round(recoveredMs),
        messages: ids.length,
        rssMiB: Math.round(cluster().rssBytes(0) / 2 ** 20),
      }),
    );
  });
});
