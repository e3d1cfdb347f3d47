// Replies and threads: POST /api/messages with `inReplyTo` (which must exist: else a 422 field error and
// nothing stored), reply counts kept right by posts, deletions and account deletions (also when replies
// arrive at once), and GET /api/messages/:id/thread: ancestors first of the thread first, a deleted one as
// {id, deleted}, the direct replies oldest first, keyset-paged with `after`.
import type { Message, Thread } from '@flock/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser } from './helpers/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const reply = async (user: TestUser, to: string, content: string) => {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/messages',
    headers: user.auth,
    payload: { content, inReplyTo: to },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Message>();
};

const read = async (id: string) => {
  const response = await t.app.inject({ method: 'GET', url: `/api/messages/${id}` });
  return response.statusCode === 200 ? response.json<Message>() : response.statusCode;
};

const thread = async (id: string, query = '', user?: TestUser) => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/messages/${id}/thread${query}`,
    headers: user?.auth ?? {},
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Thread>();
};

const remove = (user: TestUser, id: string) =>
  t.app.inject({ method: 'DELETE', url: `/api/messages/${id}`, headers: user.auth });

const countOf = async (sql: string, params: unknown[]) =>
  Number((await t.orm.em.fork().getConnection().execute<{ n: string }[]>(sql, params))[0]!.n);

describe('replies', () => {
  it('links a reply to its message, counts it there, and says so in the live event', async () => {
    const ada = await signUp(t.app);
    const bob = await signUp(t.app, { bot: true });
    const root = await post(t.app, ada, 'a question #ask');
    const answer = await reply(bob, root.id, 'an answer #ask');
    expect(answer).toMatchObject({ inReplyTo: root.id, replyCount: 0, author: { username: bob.username } });
    expect(await read(root.id)).toMatchObject({ replyCount: 1, inReplyTo: null });

    const [event] = await t.orm.em
      .fork()
      .getConnection()
      .execute<{ payload: Message }[]>(
        "select payload from events where type = 'message.created' and payload->>'id' = ?",
        [answer.id],
      );
    expect(event!.payload).toEqual(answer);
    // A like's and a deletion's references name the message replied to as well.
    await t.app.inject({ method: 'PUT', url: `/api/messages/${answer.id}/like`, headers: ada.auth });
    expect((await remove(bob, answer.id)).statusCode).toBe(204);
    const refs = await t.orm.em
      .fork()
      .getConnection()
      .execute<{ type: string; payload: Record<string, unknown> }[]>(
        "select type, payload from events where type in ('message.liked', 'message.deleted') and payload->>'id' = ? order by id",
        [answer.id],
      );
    expect(refs).toEqual([
      {
        type: 'message.liked',
        payload: {
          id: answer.id,
          author: { username: bob.username, bot: true },
          tags: ['ask'],
          inReplyTo: root.id,
          likeCount: 1,
        },
      },
      {
        type: 'message.deleted',
        payload: {
          id: answer.id,
          author: { username: bob.username, bot: true },
          tags: ['ask'],
          inReplyTo: root.id,
        },
      },
    ]);
    expect(await read(root.id)).toMatchObject({ replyCount: 0 });
  });

  it('refuses a reply to a missing message with a 422 field error, and stores nothing, with or without a key', async () => {
    const ada = await signUp(t.app);
    const gone = await post(t.app, ada, 'soon gone');
    expect((await remove(ada, gone.id)).statusCode).toBe(204);
    for (const [inReplyTo, key] of [
      [gone.id, undefined],
      ['999999999999', undefined],
      [gone.id, 'reply-key-1'],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: key ? { ...ada.auth, 'idempotency-key': key } : ada.auth,
        payload: { content: 'into the void #newtagforvoid', inReplyTo },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toEqual({
        error: {
          code: 'NO_SUCH_MESSAGE',
          message: 'The message replied to does not exist',
          details: [{ field: 'inReplyTo', message: 'no such message' }],
        },
      });
    }
    const profile = await t.app.inject({ method: 'GET', url: `/api/users/${ada.username}` });
    expect(profile.json().messageCount).toBe(0);
    expect(
      await countOf(
        "select count(*)::text as n from events where type = 'message.created' and payload->>'content' = ?",
        ['into the void #newtagforvoid'],
      ),
    ).toBe(0);
    expect(
      await countOf('select count(*)::text as n from idempotency_keys where key = ?', ['reply-key-1']),
    ).toBe(0);
    // A deleted account's token is refused first, whatever it replies to.
    const ghost = await signUp(t.app);
    await t.orm.em.fork().execute('delete from users where username = ?', [ghost.username]);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: ghost.auth,
      payload: { content: 'from beyond', inReplyTo: gone.id },
    });
    expect(refused.statusCode).toBe(401);
    for (const bad of ['abc', '-1', '', 12]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers: ada.auth,
        payload: { content: 'bad reference', inReplyTo: bad },
      });
      expect(response.statusCode, String(bad)).toBe(400);
      expect(response.json().error.details[0].field).toBe('inReplyTo');
    }
  });

  it('counts 20 replies posted at once as 20, and deleting them brings the count back to 0', async () => {
    const ada = await signUp(t.app);
    const root = await post(t.app, ada, 'popular');
    const repliers = await Promise.all(Array.from({ length: 20 }, () => signUp(t.app)));
    const replies = await Promise.all(repliers.map((user, i) => reply(user, root.id, `reply ${i}`)));
    expect(await read(root.id)).toMatchObject({ replyCount: 20 });
    const deletions = await Promise.all(replies.map((message, i) => remove(repliers[i]!, message.id)));
    expect(deletions.map((response) => response.statusCode)).toEqual(replies.map(() => 204));
    expect(await read(root.id)).toMatchObject({ replyCount: 0 });
  });

  it('keeps the count right, with no 5xx, when an account is deleted while it deletes a reply and replies again', async () => {
    const ada = await signUp(t.app);
    const root = await post(t.app, ada, 'answered by someone in a hurry');
    for (let round = 0; round < 6; round++) {
      const leaving = await signUp(t.app);
      const first = await reply(leaving, root.id, `round ${round}`);
      const [removed, again, deletion] = await Promise.all([
        remove(leaving, first.id),
        t.app.inject({
          method: 'POST',
          url: '/api/messages',
          headers: leaving.auth,
          payload: { content: `round ${round}, again`, inReplyTo: root.id },
        }),
        t.app.inject({
          method: 'DELETE',
          url: '/api/users/me',
          headers: leaving.auth,
          payload: { password: leaving.password },
        }),
      ]);
      expect([204, 401, 404]).toContain(removed.statusCode);
      expect([201, 401]).toContain(again.statusCode);
      expect(deletion.statusCode).toBe(204);
      // Every reply of the leaver went with its account: none is counted, and none twice.
      expect(await read(root.id)).toMatchObject({ replyCount: 0 });
    }
  });

  it("keeps replies when their message is deleted, and an account's deletion uncounts its replies and removes its follows", async () => {
    const ada = await signUp(t.app);
    const leaving = await signUp(t.app);
    const root = await post(t.app, ada, 'root');
    const theirs = await reply(leaving, root.id, 'from someone who leaves');
    await reply(leaving, root.id, 'twice');
    const answered = await reply(ada, theirs.id, 'answering the leaver');
    await reply(ada, root.id, 'ada answers herself');
    expect(await read(root.id)).toMatchObject({ replyCount: 3 });
    for (const [from, to] of [
      [ada, leaving],
      [leaving, ada],
    ] as const) {
      const response = await t.app.inject({
        method: 'PUT',
        url: `/api/users/${to.username}/follow`,
        headers: from.auth,
      });
      expect(response.statusCode).toBe(200);
    }

    const deletion = await t.app.inject({
      method: 'DELETE',
      url: '/api/users/me',
      headers: leaving.auth,
      payload: { password: leaving.password },
    });
    expect(deletion.statusCode).toBe(204);
    expect(await read(root.id)).toMatchObject({ replyCount: 1 });
    // Ada's answer to a deleted message stays, and its thread shows where that message was.
    expect(await read(answered.id)).toMatchObject({ inReplyTo: theirs.id });
    expect((await thread(answered.id)).ancestors).toEqual([{ id: theirs.id, deleted: true }]);
    const profile = await t.app.inject({ method: 'GET', url: `/api/users/${ada.username}` });
    expect(profile.json()).toMatchObject({ followerCount: 0, followingCount: 0 });
    expect(
      await countOf(
        'select count(*)::text as n from follows f join users u on u.id = f.follower_id or u.id = f.followee_id where u.username = ?',
        [ada.username],
      ),
    ).toBe(0);
  });
});

describe('GET /api/messages/:id/thread', () => {
  it('gives the ancestors first of the thread first, the message, and its direct replies in pages, oldest first', async () => {
    const ada = await signUp(t.app);
    const bob = await signUp(t.app);
    const root = await post(t.app, ada, 'root');
    const middle = await reply(bob, root.id, 'middle');
    const leaf = await reply(ada, middle.id, 'leaf');
    const direct: Message[] = [];
    for (let i = 0; i < 5; i++) direct.push(await reply(i % 2 ? ada : bob, leaf.id, `direct ${i}`));
    // A reply to a reply is not a direct reply of the leaf.
    await reply(ada, direct[0]!.id, 'deeper');
    await t.app.inject({ method: 'PUT', url: `/api/messages/${middle.id}/like`, headers: ada.auth });

    const first = await thread(leaf.id, '?limit=2', ada);
    expect(first.ancestors.map((m) => m.id)).toEqual([root.id, middle.id]);
    expect(first.ancestors[1]).toMatchObject({ likedByMe: true, likeCount: 1, replyCount: 1 });
    expect(first.message).toMatchObject({ id: leaf.id, replyCount: 5, inReplyTo: middle.id });
    expect(first.replies.map((m) => m.id)).toEqual([direct[0]!.id, direct[1]!.id]);
    expect(first.next).toBe(direct[1]!.id);
    const ids = [...first.replies.map((m) => m.id)];
    let page = first;
    while (page.next) {
      page = await thread(leaf.id, `?limit=2&after=${page.next}`);
      ids.push(...page.replies.map((m) => m.id));
    }
    expect(ids).toEqual(direct.map((m) => m.id));

    expect(await thread(root.id)).toMatchObject({ ancestors: [], message: { id: root.id }, next: null });
    expect((await thread(root.id)).replies.map((m) => m.id)).toEqual([middle.id]);

    // The middle is deleted: the leaf's thread shows its place, and nothing above it.
    expect((await remove(bob, middle.id)).statusCode).toBe(204);
    expect((await thread(leaf.id)).ancestors).toEqual([{ id: middle.id, deleted: true }]);
    expect((await thread(root.id)).message.replyCount).toBe(0);
    expect(JSON.stringify(await thread(leaf.id))).not.toMatch(/@example\.test/);
  });

  it('answers 404 for a missing message and 400 for a bad id, cursor or limit', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/messages/999999999999/thread' })).statusCode).toBe(
      404,
    );
    const ada = await signUp(t.app);
    const root = await post(t.app, ada, 'root');
    for (const url of [
      '/api/messages/abc/thread',
      `/api/messages/${root.id}/thread?after=x`,
      `/api/messages/${root.id}/thread?limit=0`,
      `/api/messages/${root.id}/thread?before=1`,
    ]) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
    }
  });
});
