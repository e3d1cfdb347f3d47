// Idempotent writes under races: Idempotency-Key on posting, and likes.
import type { Message } from '@flock/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneIdempotencyKeys } from '../src/services/idempotency.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp } from './helpers/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const count = async (sql: string, params: unknown[]) => {
  const [row] = await t.orm.em.fork().execute<{ n: string }[]>(sql, params);
  return Number(row?.n);
};

describe('Idempotency-Key', () => {
  it('stores one message for 100 concurrent requests with the same key and answers each the same', async () => {
    const user = await signUp(t.app);
    const send = (content: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: { ...user.auth, 'idempotency-key': 'retry-4f1c' },
        payload: { content, tags: ['retry'] },
      });
    const responses = await Promise.all(Array.from({ length: 100 }, () => send('exactly once #once')));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(100).fill(201));
    const bodies = responses.map((r) => r.json<Message>());
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(
      await count(
        'select count(*) as n from messages m join users u on u.id = m.user_id where u.username = ?',
        [user.username],
      ),
    ).toBe(1);
    expect(
      await count("select count(*) as n from events where type = 'message.created' and payload->>'id' = ?", [
        bodies[0]!.id,
      ]),
    ).toBe(1);

    const different = await send('a different body');
    expect(different.statusCode).toBe(422);
    expect(different.json().error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });

    // Keys are per user: another user may use the same one.
    const other = await signUp(t.app);
    const theirs = await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: { ...other.auth, 'idempotency-key': 'retry-4f1c' },
      payload: { content: 'a different body' },
    });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json<Message>().id).not.toBe(bodies[0]!.id);
  });

  it('refuses a malformed key and prunes old keys', async () => {
    const user = await signUp(t.app);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: { ...user.auth, 'idempotency-key': 'x'.repeat(300) },
      payload: { content: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('idempotency-key');
    await t.orm.em.fork().execute("update idempotency_keys set created_at = now() - interval '2 days'");
    expect(await pruneIdempotencyKeys(t.orm.em.fork(), 86_400)).toBeGreaterThan(0);
  });
});

describe('likes under races', () => {
  it('keeps one row per user and message under 64-way races of likes and unlikes', async () => {
    const author = await signUp(t.app);
    const message = await post(t.app, author, 'race me');
    const racers = await Promise.all(Array.from({ length: 8 }, () => signUp(t.app)));
    // 8 users × 8 concurrent requests each: 64 at once, a mix of likes and unlikes ending in likes.
    await Promise.all(
      racers.flatMap((racer) =>
        Array.from({ length: 8 }, (_, i) =>
          t.app.inject({
            method: i % 2 ? 'PUT' : 'DELETE',
            url: `/api/messages/${message.id}/like`,
            headers: racer.auth,
          }),
        ),
      ),
    );
    await Promise.all(
      racers.map((racer) =>
        t.app.inject({ method: 'PUT', url: `/api/messages/${message.id}/like`, headers: racer.auth }),
      ),
    );
    expect(await count('select count(*) as n from likes where message_id = ?', [message.id])).toBe(8);
    const read = await t.app.inject({ method: 'GET', url: `/api/messages/${message.id}` });
    expect(read.json<Message>().likeCount).toBe(8);
  });
});
