// Events are announced by the request's unit of work, once their write committed, and only then: what each
// write route hands the live feed, and what a write that fails or changes nothing hands it (nothing).
import type { Message } from '@flock/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sqlOf } from '../src/db/kysely.ts';
import { UnitOfWork } from '../src/db/unit-of-work.ts';
import { appendEvents } from '../src/live/outbox.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp } from './helpers/users.ts';

let t: TestApp;
let announced: string[][];
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  announced = [];
  vi.spyOn(t.app.liveFeed, 'announce').mockImplementation((ids) => {
    announced.push([...ids]);
  });
});

/** The ids and types of the events written since `after`, in id order. */
const eventsAfter = async (after: string) =>
  sqlOf(t.orm.em.fork())
    .selectFrom('events')
    .select(['id', 'type'])
    .where('id', '>', after)
    .orderBy('id')
    .execute();
/** From here on: the last event id so far, and nothing announced yet. */
const startWatching = async () => {
  announced = [];
  return lastEventId();
};
const lastEventId = async () =>
  (await sqlOf(t.orm.em.fork()).selectFrom('events').select('id').orderBy('id', 'desc').executeTakeFirst())
    ?.id ?? '0';

describe('the unit of work', () => {
  it('announces a post’s event, and nothing for a replay of its Idempotency-Key', async () => {
    const user = await signUp(t.app);
    const before = await startWatching();
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: { ...user.auth, 'idempotency-key': 'once' },
        payload: { content: 'announced once #uow' },
      });
    const first = await send();
    expect(first.statusCode).toBe(201);
    const written = await eventsAfter(before);
    expect(written.map((e) => e.type)).toEqual(['message.created']);
    expect(announced).toEqual([[written[0]!.id]]);

    const replay = await send();
    expect(replay.json<Message>()).toEqual(first.json<Message>());
    expect(announced).toEqual([[written[0]!.id]]);
  });

  it('announces a like that changed the count, and nothing for one that did not', async () => {
    const [author, fan] = [await signUp(t.app), await signUp(t.app)];
    const message = await post(t.app, author, 'like me');
    const before = await startWatching();
    const like = () =>
      t.app.inject({ method: 'PUT', url: `/api/messages/${message.id}/like`, headers: fan.auth });
    expect((await like()).json()).toEqual({ likeCount: 1, likedByMe: true });
    expect((await like()).json()).toEqual({ likeCount: 1, likedByMe: true });
    const written = await eventsAfter(before);
    expect(written.map((e) => e.type)).toEqual(['message.liked']);
    expect(announced).toEqual([[written[0]!.id]]);
  });

  it('announces nothing for a deletion refused inside its transaction, and the event of one that committed', async () => {
    const [author, other] = [await signUp(t.app), await signUp(t.app)];
    const message = await post(t.app, author, 'mine');
    const before = await startWatching();
    const remove = (user: typeof author) =>
      t.app.inject({ method: 'DELETE', url: `/api/messages/${message.id}`, headers: user.auth });
    expect((await remove(other)).statusCode).toBe(403);
    expect(announced).toEqual([]);
    expect((await remove(author)).statusCode).toBe(204);
    const written = await eventsAfter(before);
    expect(written.map((e) => e.type)).toEqual(['message.deleted']);
    expect(announced).toEqual([[written[0]!.id]]);
  });

  it('announces every event of an account deletion, in the order written', async () => {
    const [leaving, friend] = [await signUp(t.app), await signUp(t.app)];
    await post(t.app, leaving, 'one');
    await post(t.app, leaving, 'two');
    const theirs = await post(t.app, friend, 'liked by the one leaving');
    await t.app.inject({ method: 'PUT', url: `/api/messages/${theirs.id}/like`, headers: leaving.auth });
    const before = await startWatching();
    const response = await t.app.inject({
      method: 'DELETE',
      url: '/api/users/me',
      headers: leaving.auth,
      payload: { password: leaving.password },
    });
    expect(response.statusCode).toBe(204);
    const written = await eventsAfter(before);
    expect(written.map((e) => e.type)).toEqual([
      'message.deleted',
      'message.deleted',
      'message.liked',
      'account.deleted',
    ]);
    expect(announced).toEqual([written.map((e) => e.id)]);
  });

  it('announces nothing when the transaction that wrote an event rolls back, and the event is gone', async () => {
    const unit = new UnitOfWork(t.orm.em.fork(), t.app.liveFeed);
    const before = await startWatching();
    const failing = unit.transaction(async (tx) => {
      const events = await appendEvents(tx, [{ type: 'message.deleted', payload: { id: '1', tags: [] } }]);
      expect(events).toHaveLength(1);
      throw new Error('the write failed after its event');
    });
    await expect(failing).rejects.toThrow('the write failed after its event');
    expect(announced).toEqual([]);
    expect(await eventsAfter(before)).toEqual([]);
  });
});
