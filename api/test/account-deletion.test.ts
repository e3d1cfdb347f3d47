// Deleting your own account (DELETE /api/users/me with the password): messages and likes go with it in
// one transaction, the live feed announces each change on every replica, the account's open live
// connections close, its tokens are refused on every route, and the name can be registered again.
import { LiveCloseCode, type Profile } from '@flock/shared';
import { connectLive, refusedUpgrade } from '@flock/testkit/live-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser } from './helpers/users.ts';

let a: TestApp;
let b: TestApp;
let baseA: string;
let baseB: string;

beforeAll(async () => {
  a = await createTestApp();
  // A second replica on the same database: events and closings must cross replicas.
  b = await createTestApp({ database: a.database });
  baseA = await a.app.listen({ host: '127.0.0.1', port: 0 });
  baseB = await b.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await b?.app.close();
  await a?.close();
});

const deleteAccount = (user: TestUser, password = user.password) =>
  a.app.inject({ method: 'DELETE', url: '/api/users/me', headers: user.auth, payload: { password } });

const profile = async (username: string) => {
  const response = await a.app.inject({ method: 'GET', url: `/api/users/${username}` });
  return response.statusCode === 200 ? response.json<Profile>() : response.statusCode;
};

describe('DELETE /api/users/me', () => {
  it('removes the account, its messages and its likes, and announces each change on every replica', async () => {
    const leaving = await signUp(a.app);
    const other = await signUp(a.app);
    const own = [await post(a.app, leaving, 'first #goodbye'), await post(a.app, leaving, 'second')];
    const othersMessage = await post(a.app, other, 'liked by someone who leaves #farewell');
    const keptLike = await signUp(a.app);
    for (const user of [leaving, keptLike]) {
      const like = await a.app.inject({
        method: 'PUT',
        url: `/api/messages/${othersMessage.id}/like`,
        headers: user.auth,
      });
      expect(like.json().likeCount).toBeGreaterThan(0);
    }
    // The leaving account also likes its own message: that like goes with the message.
    await a.app.inject({ method: 'PUT', url: `/api/messages/${own[0]!.id}/like`, headers: leaving.auth });
    expect(await profile(other.username)).toMatchObject({ likesReceived: 2 });

    // The watcher's replica must have read the likes above first, or they would reach it live after it subscribed.
    const [newest] = await a.app.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string }[]>('select max(id)::text as id from events');
    await expect.poll(() => b.app.liveFeed.log.cursor >= BigInt(newest!.id)).toBe(true);
    const watcher = await connectLive(baseB, other.token);
    await watcher.subscribe('public');
    const response = await deleteAccount(leaving);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');

    const deleted = await watcher.waitFor(
      () => {
        const ids = watcher
          .events('public')
          .filter((e) => e.event === 'message.deleted')
          .map((e) => e.data.id);
        return own.every((m) => ids.includes(m.id)) && ids;
      },
      5_000,
      'message.deleted for both messages',
    );
    expect(deleted.sort()).toEqual(own.map((m) => m.id).sort());
    const liked = await watcher.waitFor(
      () =>
        watcher.events('public').find((e) => e.event === 'message.liked' && e.data.id === othersMessage.id),
      5_000,
      'message.liked with the new count',
    );
    expect(liked.data).toMatchObject({
      id: othersMessage.id,
      likeCount: 1,
      author: { username: other.username },
    });
    // Nothing internal reaches a client.
    expect(
      watcher.frames
        .filter((f) => f.type === 'event')
        .map((f) => f.event)
        .sort(),
    ).toEqual(['message.deleted', 'message.deleted', 'message.liked']);
    await watcher.close();

    for (const message of own) {
      const read = await a.app.inject({ method: 'GET', url: `/api/messages/${message.id}` });
      expect(read.statusCode).toBe(404);
    }
    const kept = await a.app.inject({ method: 'GET', url: `/api/messages/${othersMessage.id}` });
    expect(kept.json()).toMatchObject({ likeCount: 1 });
    expect(await profile(leaving.username)).toBe(404);
    expect(await profile(other.username)).toMatchObject({ likesReceived: 1, messageCount: 1 });
    expect(await profile(keptLike.username)).toMatchObject({ likesGiven: 1 });
    const [left] = await a.orm.em.fork().execute<{ likes: string; messages: string; tags: string }[]>(
      `select (select count(*) from likes where message_id = any(?::bigint[])) as likes,
                (select count(*) from messages where id = any(?::bigint[])) as messages,
                (select count(*) from message_tags where message_id = any(?::bigint[])) as tags`,
      [...[0, 1, 2].map(() => `{${own.map((m) => m.id).join(',')}}`)],
    );
    expect(left).toEqual({ likes: '0', messages: '0', tags: '0' });
  });

  it('refuses the deleted account’s token on every route and on the live feed, alike', async () => {
    const leaving = await signUp(a.app);
    const message = await post(a.app, await signUp(a.app), 'still here');
    expect((await deleteAccount(leaving)).statusCode).toBe(204);
    const requests = [
      { method: 'GET', url: '/api/users/me' },
      { method: 'DELETE', url: '/api/users/me', payload: { password: leaving.password } },
      { method: 'GET', url: '/api/messages' },
      { method: 'GET', url: `/api/messages/${message.id}` },
      { method: 'POST', url: '/api/messages', payload: { content: 'from beyond' } },
      { method: 'DELETE', url: `/api/messages/${message.id}` },
      { method: 'PUT', url: `/api/messages/${message.id}/like` },
      { method: 'DELETE', url: `/api/messages/${message.id}/like` },
    ] as const;
    for (const request of requests) {
      const response = await b.app.inject({ ...request, headers: leaving.auth });
      expect([request.url, response.statusCode, response.json()]).toEqual([
        request.url,
        401,
        { error: { code: 'UNAUTHORIZED', message: 'The account no longer exists' } },
      ]);
    }
    // A 401 before anything is said about the message: not a 404 for one that does not exist.
    const likeMissing = await a.app.inject({
      method: 'PUT',
      url: '/api/messages/999999999/like',
      headers: leaving.auth,
    });
    expect(likeMissing.statusCode).toBe(401);
    expect(await refusedUpgrade(baseA, leaving.token)).toBe(401);
    expect(await refusedUpgrade(baseB, leaving.token)).toBe(401);
  });

  it('closes the account’s open live connections on every replica', async () => {
    const leaving = await signUp(a.app);
    const onA = await connectLive(baseA, leaving.token);
    const onB = await connectLive(baseB, leaving.token);
    expect((await deleteAccount(leaving)).statusCode).toBe(204);
    for (const client of [onA, onB]) {
      await client.waitFor(() => client.closeCode !== undefined, 5_000, 'the close');
      expect(client.closeCode).toBe(LiveCloseCode.AccountDeleted);
    }
    for (const replica of [a, b]) await expect.poll(() => replica.app.liveFeed.hub.connections.size).toBe(0);
  });

  it('keeps the account when the password is wrong, or missing, and says which', async () => {
    const staying = await signUp(a.app);
    await post(a.app, staying, 'I stay');
    const wrong = await deleteAccount(staying, 'not the password');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual({
      error: {
        code: 'INVALID_CREDENTIALS',
        message: 'The password is not correct',
        details: [{ field: 'password', message: 'is not correct' }],
      },
    });
    const missing = await a.app.inject({
      method: 'DELETE',
      url: '/api/users/me',
      headers: staying.auth,
      payload: {},
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('VALIDATION_FAILED');
    const anonymous = await a.app.inject({
      method: 'DELETE',
      url: '/api/users/me',
      payload: { password: staying.password },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await profile(staying.username)).toMatchObject({ messageCount: 1 });
  });

  it('frees the username and email: a new account of that name starts empty, and the old token stays refused', async () => {
    const first = await signUp(a.app);
    await post(a.app, first, 'the first of that name');
    expect((await deleteAccount(first)).statusCode).toBe(204);
    const again = await signUp(a.app, { username: first.username });
    expect(await profile(again.username)).toMatchObject({ messageCount: 0, likesGiven: 0 });
    const me = await a.app.inject({ method: 'GET', url: '/api/users/me', headers: first.auth });
    expect(me.statusCode).toBe(401);
    const mine = await a.app.inject({ method: 'GET', url: '/api/users/me', headers: again.auth });
    expect(mine.json()).toMatchObject({ username: first.username, email: first.email });
  });
});
