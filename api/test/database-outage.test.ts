// PostgreSQL goes away and comes back: readiness follows it, requests in between fail fast with 503,
// and the same process serves again afterwards.

import { connectLive } from '@flock/testkit/live-client';
import { waitFor } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppBehindProxy, type TestAppBehindProxy } from './helpers/app.ts';
import { post, signUp } from './helpers/users.ts';

let t: TestAppBehindProxy;

beforeAll(async () => {
  t = await createTestAppBehindProxy({ env: { DB_ACQUIRE_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await t?.close();
});

const readiness = async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode;

const readinessIs = (status: number) =>
  waitFor(`readiness ${status}`, async () => (await readiness()) === status, { timeoutMs: 10_000 });

describe('database outage', () => {
  it('turns unready, answers 503 fast while the database is away, and recovers', async () => {
    const user = await signUp(t.app);
    await post(t.app, user, 'before the outage');
    expect(await readiness()).toBe(200);

    await t.proxy.stop();
    await readinessIs(503);

    for (const request of [
      { method: 'GET' as const, url: '/api/messages' },
      {
        method: 'POST' as const,
        url: '/api/messages',
        payload: { content: 'during the outage' },
        headers: user.auth,
      },
      { method: 'GET' as const, url: `/api/users/${user.username}` },
    ]) {
      const started = performance.now();
      const response = await t.app.inject(request);
      const elapsed = performance.now() - started;
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json().error.code).toBe('UNAVAILABLE');
      // "Fast": bounded by the acquire timeout, not by a TCP or statement timeout.
      expect(elapsed).toBeLessThan(5_000);
    }
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await t.proxy.start();
    await readinessIs(200);
    const after = await post(t.app, user, 'after the outage');
    const feed = await t.app.inject({ method: 'GET', url: `/api/messages?author=${user.username}` });
    expect(feed.json().items.map((m: { content: string }) => m.content)).toEqual([
      after.content,
      'before the outage',
    ]);
  });

  it('tells a live client resuming while the database is away to come back (1013), then replays all it missed', async () => {
    const user = await signUp(t.app);
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const first = await connectLive(base, user.token);
    const subscribed = await first.subscribe('public');
    expect(subscribed.type).toBe('subscribed');
    const since = subscribed.type === 'subscribed' ? subscribed.position : '';
    const missed = [await post(t.app, user, 'missed one'), await post(t.app, user, 'missed two')];
    await first.close();

    await t.proxy.stop();
    await readinessIs(503);
    const early = await connectLive(base, user.token);
    early.socket.send(JSON.stringify({ type: 'subscribe', stream: 'public', since }));
    await early.waitFor(() => early.closeCode !== undefined, 10_000, 'the close');
    expect(early.closeCode).toBe(1013);
    expect(early.events()).toEqual([]);

    await t.proxy.start();
    await readinessIs(200);
    const again = await connectLive(base, user.token);
    await again.subscribe('public', since);
    const replayed = await again.waitFor(
      () => again.events('public').length >= 2 && again.events('public'),
      5_000,
      'the replay',
    );
    expect(replayed.map((e) => e.data.id)).toEqual(missed.map((m) => m.id));
    expect(again.closeCode).toBeUndefined();
    await again.close();
  });
});
