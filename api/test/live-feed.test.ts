// The live feed on one replica: events, stream filters, likes, deletes, resume, resync, auth and Origin,
// slow consumers.
import { Writable } from 'node:stream';
import type { Message } from '@flock/shared';
import { connectLive, type LiveClient, refusedUpgrade } from '@flock/testkit/live-client';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pruneEvents } from '../src/live/retention.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser } from './helpers/users.ts';

let logs = '';
let t: TestApp;
let base: string;
let alice: TestUser;
let bob: TestUser;
const clients: LiveClient[] = [];

beforeAll(async () => {
  t = await createTestApp({
    env: {
      LOG_LEVEL: 'debug',
      LOG_REQUESTS: 'true',
      LIVE_SEND_BUFFER_BYTES: '65536',
      LIVE_MAX_CONNECTIONS_PER_USER: '3',
    },
    logger: {
      level: 'debug',
      stream: new Writable({
        write(chunk, _encoding, done) {
          logs += chunk.toString();
          done();
        },
      }),
    },
  });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  alice = await signUp(t.app, { username: `alice_${Date.now() % 1e6}` });
  bob = await signUp(t.app);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  await t?.close();
});

const connect = async (user: TestUser) => {
  const client = await connectLive(base, user.token);
  clients.push(client);
  return client;
};

describe('live events', () => {
  it('delivers a new message with its full shape to another user within a second', async () => {
    const watcher = await connect(bob);
    await watcher.subscribe('public');
    const started = Date.now();
    const message = await post(t.app, alice, 'live #hello');
    const frame = await watcher.waitFor(
      () => watcher.events('public').find((e) => e.data.id === message.id),
      1_000,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(frame.event).toBe('message.created');
    expect(frame.data).toEqual(message);
    expect(frame.streams).toEqual(['public']);
    expect(BigInt(frame.id)).toBeGreaterThan(0n);
  });

  it('sends tag and user streams only their own messages', async () => {
    const tagged = await connect(bob);
    await tagged.subscribe('tag:x');
    const byAlice = await connect(bob);
    await byAlice.subscribe(`user:${alice.username}`);

    const plain = await post(t.app, bob, 'nothing tagged');
    const withX = await post(t.app, bob, 'about #x');
    const fromAlice = await post(t.app, alice, 'alice speaks');
    const fromAliceWithX = await post(t.app, alice, 'alice on #X');

    await tagged.waitFor(() => tagged.events().some((e) => e.data.id === fromAliceWithX.id));
    await byAlice.waitFor(() => byAlice.events().some((e) => e.data.id === fromAliceWithX.id));
    expect(tagged.events().map((e) => e.data.id)).toEqual([withX.id, fromAliceWithX.id]);
    expect(byAlice.events().map((e) => e.data.id)).toEqual([fromAlice.id, fromAliceWithX.id]);
    expect(tagged.events().some((e) => e.data.id === plain.id)).toBe(false);
  });

  it('announces likes with the exact final count after a burst of 100, and deletes', async () => {
    const watcher = await connect(bob);
    await watcher.subscribe(`user:${alice.username}`);
    const message = await post(t.app, alice, 'popular');
    const fans = await Promise.all(Array.from({ length: 100 }, () => signUp(t.app)));
    await Promise.all(
      fans.map((fan) =>
        t.app.inject({ method: 'PUT', url: `/api/messages/${message.id}/like`, headers: fan.auth }),
      ),
    );
    const likes = () =>
      watcher.events().filter((e) => e.event === 'message.liked' && e.data.id === message.id);
    await watcher.waitFor(
      () => likes().some((e) => e.event === 'message.liked' && e.data.likeCount === 100),
      10_000,
    );
    const last = likes().at(-1)!;
    expect(last.event === 'message.liked' && last.data.likeCount).toBe(100);
    const ids = likes().map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));

    await t.app.inject({ method: 'DELETE', url: `/api/messages/${message.id}`, headers: alice.auth });
    const deleted = await watcher.waitFor(() =>
      watcher.events().find((e) => e.event === 'message.deleted' && e.data.id === message.id),
    );
    expect(deleted.data).toEqual({
      id: message.id,
      author: { username: alice.username, bot: false },
      tags: [],
      inReplyTo: null,
    });
  });

  it('replays exactly the missed events, in order, to a client that resumes with since', async () => {
    const first = await connect(bob);
    await first.subscribe('tag:resume');
    const seen = await post(t.app, alice, 'seen #resume');
    const lastSeen = await first.waitFor(() => first.events().find((e) => e.data.id === seen.id));
    await first.close();

    const missed: Message[] = [];
    for (let i = 0; i < 30; i++) missed.push(await post(t.app, i % 2 ? alice : bob, `missed ${i} #resume`));
    await post(t.app, alice, 'another stream entirely');

    const again = await connect(bob);
    const subscribed = await again.subscribe('tag:resume', lastSeen.id);
    expect(subscribed).toEqual({ type: 'subscribed', stream: 'tag:resume', position: lastSeen.id });
    const after = await post(t.app, alice, 'live after resume #resume');
    await again.waitFor(() => again.events().some((e) => e.data.id === after.id));
    expect(again.events().map((e) => e.data.id)).toEqual([...missed.map((m) => m.id), after.id]);
  });

  it('answers resync when since is older than the retention window', async () => {
    const em = t.orm.em.fork();
    const [old] = await em.execute<{ id: string }[]>(
      `insert into events (type, payload, created_at) values ('message.deleted', ?::jsonb, now() - interval '2 days') returning id::text as id`,
      [JSON.stringify({ id: '1', author: { username: 'ghost', bot: false }, tags: [] })],
    );
    expect(await pruneEvents(em, 3600)).toBeGreaterThanOrEqual(BigInt(old!.id));
    const client = await connect(bob);
    const answer = await client.subscribe('public', String(BigInt(old!.id) - 1n));
    expect(answer).toMatchObject({ type: 'resync', stream: 'public' });
  });
});

describe('live authentication and limits', () => {
  it('refuses the upgrade without a valid token or from a foreign Origin, before any event', async () => {
    const [header, payload] = alice.token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: '1', username: 'x' })).toString('base64url')}.${alice.token.split('.')[2]}`;
    expect(await refusedUpgrade(base, '', { protocols: ['flock.v1'] })).toBe(401);
    expect(await refusedUpgrade(base, tampered)).toBe(401);
    expect(await refusedUpgrade(base, `${header}.${payload}.AAAA`)).toBe(401);
    const { createSigner } = await import('fast-jwt');
    const expired = createSigner({
      key: TEST_JWT_SECRET,
      algorithm: 'HS256',
      iss: 'flock',
      aud: 'flock-api',
    })({
      sub: '1',
      username: alice.username,
      iat: 1_600_000_000,
      exp: 1_600_000_100,
    });
    expect(await refusedUpgrade(base, expired)).toBe(401);
    expect(await refusedUpgrade(base, alice.token, { origin: 'https://evil.example' })).toBe(403);
    expect(await refusedUpgrade(base, alice.token, { origin: base })).toBe(101);
    expect(logs).toContain('"url":"/api/ws"');
    for (const token of [alice.token, bob.token, tampered, expired]) expect(logs).not.toContain(token);
  });

  it('closes the socket with 4001 when the token expires while connected', async () => {
    const { createSigner } = await import('fast-jwt');
    const sub = JSON.parse(Buffer.from(bob.token.split('.')[1]!, 'base64url').toString()).sub;
    const shortLived = createSigner({
      key: TEST_JWT_SECRET,
      algorithm: 'HS256',
      iss: 'flock',
      aud: 'flock-api',
      expiresIn: 1_500,
    })({
      sub,
      username: bob.username,
      bot: false,
    });
    const client = await connectLive(base, shortLived);
    clients.push(client);
    await client.subscribe('public');
    await client.waitFor(() => client.closeCode, 5_000, 'the close at expiry');
    expect(client.closeCode).toBe(4001);
  });

  it('caps connections per user and subscriptions per connection, and validates frames', async () => {
    const carol = await signUp(t.app);
    const open = [await connect(carol), await connect(carol), await connect(carol)];
    expect(await refusedUpgrade(base, carol.token)).toBe(429);
    await open[2]!.close();

    const client = open[0]!;
    client.socket.send('not json');
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'nope' }));
    await client.waitFor(() => client.frames.filter((f) => f.type === 'error').length === 2);
    expect(client.frames.filter((f) => f.type === 'error').map((f) => f.type === 'error' && f.code)).toEqual([
      'BAD_FRAME',
      'BAD_FRAME',
    ]);
    for (let i = 0; i < 20; i++) await client.subscribe(`tag:cap${i}`);
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'tag:one_too_many' }));
    const refused = await client.waitFor(() =>
      client.frames.find((f) => f.type === 'error' && f.code === 'TOO_MANY_SUBSCRIPTIONS'),
    );
    expect(refused).toMatchObject({ type: 'error', code: 'TOO_MANY_SUBSCRIPTIONS' });

    client.socket.send('x'.repeat(5000));
    await client.waitFor(() => client.closeCode);
    expect(client.closeCode).toBe(1009);
  });

  it('handles frames in the order sent: an unsubscribe right after a resuming subscribe wins', async () => {
    const dave = await signUp(t.app);
    const client = await connect(dave);
    await client.subscribe('tag:ordered');
    // Resume from an event this client saw (a position later than anything pruned by the test above).
    const first = await post(t.app, alice, 'before the resume #ordered');
    const seen = await client.waitFor(() => client.events('tag:ordered').find((e) => e.data.id === first.id));
    // The resuming subscribe reads the database before it is in place; the unsubscribe must wait for it.
    client.socket.send(JSON.stringify({ type: 'subscribe', stream: 'tag:ordered', since: seen.id }));
    client.socket.send(JSON.stringify({ type: 'unsubscribe', stream: 'tag:ordered' }));
    await client.waitFor(() => client.frames.some((f) => f.type === 'unsubscribed'));
    expect(client.frames.map((f) => f.type)).toEqual([
      'welcome',
      'subscribed',
      'event',
      'subscribed',
      'unsubscribed',
    ]);

    const watcher = await connect(bob);
    await watcher.subscribe('tag:ordered');
    const message = await post(t.app, alice, 'after the unsubscribe #ordered');
    await watcher.waitFor(() => watcher.events().some((e) => e.data.id === message.id));
    expect(client.events().map((e) => e.data.id)).toEqual([first.id]);
  });

  it('closes a connection that floods frames without waiting for answers (1008)', async () => {
    const erin = await signUp(t.app);
    const client = await connect(erin);
    const burst = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ type: 'subscribe', stream: `tag:flood${i % 10}`, since: '0' }),
    );
    for (const frame of burst) client.socket.send(frame);
    await client.waitFor(() => client.closeCode);
    expect(client.closeCode).toBe(1008);
  });

  it('cuts off a client that stops reading while a normal client keeps receiving', async () => {
    const slow = await connect(bob);
    await slow.subscribe('public');
    const normal = await connect(alice);
    await normal.subscribe('public');
    // The slow client stops reading: its socket is paused, so the server's send buffer fills.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    const heapBefore = process.memoryUsage().heapUsed;
    const content = 'x'.repeat(480);
    const em = t.orm.em.fork();
    const [{ first } = { first: '0' }] = await em.execute<{ first: string }[]>(
      `insert into events (type, payload)
       select 'message.created', jsonb_build_object('id', g::text, 'author', jsonb_build_object('username', 'flood', 'bot', true),
         'content', ?::text, 'tags', '[]'::jsonb, 'likeCount', 0, 'likedByMe', false, 'createdAt', now())
       from generate_series(1, 8000) g returning id::text as first`,
      [content],
    );
    t.app.liveFeed.announce([first]);
    // (Checked on the newest frame only: filtering 8,000 frames on every arrival would be quadratic.)
    await normal.waitFor(
      () => {
        const newest = normal.frames.at(-1);
        return newest?.type === 'event' && newest.data.id === '8000';
      },
      20_000,
      'the last flood event',
    );
    const flood = normal.events().filter((e) => e.data.author.username === 'flood');
    expect(flood.map((e) => e.data.id)).toEqual(Array.from({ length: 8000 }, (_, i) => String(i + 1)));

    const metrics = (await t.metrics.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/flock_ws_slow_consumer_disconnects_total 1\b/);
    expect(
      t.app.liveFeed.hub.connections.has(
        [...t.app.liveFeed.hub.connections].find((c) => c.socket === slow.socket)!,
      ),
    ).toBe(false);
    // What the server held for the slow client is bounded by LIVE_SEND_BUFFER_BYTES, not by the backlog.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
