// Scenario 5a, slow consumers: clients that stop reading are cut off once their unsent bytes pass
// LIVE_SEND_BUFFER_BYTES, so the server's memory stays bounded while readers that keep up get everything.
import { LIVE_AUTH_PROTOCOL_PREFIX, LIVE_PROTOCOL } from '@flock/shared';
import { sleep } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Cluster, register, startCluster, storedMessages } from '../lib/cluster.ts';
import { awaitDelivery, Subscriber } from '../lib/subscribers.ts';

const STALLED = 100;
const SEND_BUFFER = 64 * 1024;
// As many writes as the stalled clients take to be cut off, so the heap has grown to what that volume needs.
const CALIBRATION_POSTS = 3_000;
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({
    replicas: 1,
    env: { LIVE_SEND_BUFFER_BYTES: String(SEND_BUFFER), LIVE_MAX_CONNECTIONS_PER_USER: '500' },
  });
});
afterAll(async () => {
  await cluster?.close();
});

/** A live client subscribed to the public stream that, once subscribed, reads on or stops reading. */
async function liveClient(url: string, token: string, reads: 'reads' | 'stalls'): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/ws`, [
    LIVE_PROTOCOL,
    `${LIVE_AUTH_PROTOCOL_PREFIX}${token}`,
  ]);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string };
      if (frame.type === 'welcome') socket.send(JSON.stringify({ type: 'subscribe', stream: 'public' }));
      if (frame.type === 'subscribed') {
        // A stalled client reads nothing from here on: its TCP window fills, then the server's send buffer.
        if (reads === 'stalls') socket.pause();
        resolve();
      }
    });
    socket.once('close', () => reject(new Error('closed before subscribing')));
  });
  return socket;
}

describe('slow consumers', () => {
  it('cuts off clients that stop reading, with the server memory bounded, and readers keep up', async () => {
    const [url] = cluster.urls() as [string];
    const writer = await register(url, 'w');
    const stalledUser = await register(url, 'stall');
    const reader = new Subscriber({ targets: () => [url], token: (await register(url, 'reader')).token });
    await reader.start();
    const prefix = `slow-${Date.now()}`;
    // Large frames (500 characters and ten long tags, about 1.2 kB each) make the backlog grow fast.
    const padding = 'x'.repeat(440);
    const tags = Array.from({ length: 10 }, (_, i) => `${'t'.repeat(45)}${i}`);
    let posted = 0;
    let peak = 0;
    const postUntil = async (done: () => boolean) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 6 }, async (_, loop) => {
          while (!done() && performance.now() - started < 60_000) {
            const response = await fetch(`${url}/api/messages`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${writer.token}` },
              body: JSON.stringify({ content: `${prefix} ${loop}.${posted} ${padding}`, tags }),
            });
            if (response.status === 201) posted++;
            await response.arrayBuffer();
            if (posted % 25 === 0) peak = Math.max(peak, cluster.rssBytes(0));
          }
        }),
      );
    };

    // Calibration: the same writes to as many clients that do read, so the heap has grown to what the
    // writes and their fan-out need; what the stalled clients add on top is then their backlog alone.
    const connect = async (reads: 'reads' | 'stalls') => {
      const sockets: WebSocket[] = [];
      for (let i = 0; i < STALLED; i += 20)
        sockets.push(
          ...(await Promise.all(Array.from({ length: 20 }, () => liveClient(url, stalledUser.token, reads)))),
        );
      return sockets;
    };
    const readers = await connect('reads');
    await postUntil(() => posted >= CALIBRATION_POSTS);
    for (const socket of readers) socket.close();
    await sleep(500);
    const calibrated = Math.max(peak, cluster.rssBytes(0));
    const calibrationPosts = posted;

    const stalled = await connect('stalls');
    let cutOff = 0;
    let checked = 0;
    peak = calibrated;
    await postUntil(() => {
      if (posted - checked >= 100) {
        checked = posted;
        void cluster.metrics(0).then((samples) => {
          cutOff = samples.get('flock_ws_slow_consumer_disconnects_total') ?? 0;
        });
      }
      return cutOff >= STALLED;
    });
    peak = Math.max(peak, cluster.rssBytes(0));
    await sleep(1_500);
    const samples = await cluster.metrics(0);

    // Every stalled client was cut off; the reader is the one connection left.
    expect(samples.get('flock_ws_slow_consumer_disconnects_total')).toBe(STALLED);
    expect(samples.get('flock_ws_connections')).toBe(1);
    // Bounded memory: had the server kept each stalled client's backlog, it would have grown by
    // STALLED × the bytes of every later event; it grew by a small fraction of that.
    const unbounded = STALLED * (posted - calibrationPosts) * 1_000;
    const growth = peak - calibrated;
    expect(unbounded).toBeGreaterThan(4 * 64 * 1024 * 1024);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    // The reader that kept reading has every message.
    const ids = [...(await storedMessages(cluster.db, prefix)).values()].flat();
    expect(ids).toHaveLength(posted);
    expect((await awaitDelivery([reader], ids, 10_000)).missing).toEqual([0]);
    reader.stop();
    for (const socket of stalled) socket.terminate();
    console.log(
      JSON.stringify({
        scenario: 'slow-consumer',
        stalled: STALLED,
        postsWhileStalled: posted - calibrationPosts,
        rssCalibratedMiB: Math.round(calibrated / 2 ** 20),
        rssPeakMiB: Math.round(peak / 2 ** 20),
        unboundedMiB: Math.round(unbounded / 2 ** 20),
      }),
    );
  });
});
