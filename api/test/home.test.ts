// GET /api/timelines/home: the messages of the accounts the caller follows now, and its own, newest first,
// with the public feed's keyset semantics (`before`/`next`, `after`/`newer`); read at request time, so a
// follow or an unfollow shows at once. Both of its ways (walking the timeline when following many,
// gathering the followed accounts' messages when following few) answer the same pages.
import type { Message, MessagePage } from '@flock/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOME_WALK_FROM_FOLLOWS } from '../src/db/repositories/messages.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser } from './helpers/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const follow = async (user: TestUser, username: string, method: 'PUT' | 'DELETE' = 'PUT') => {
  const response = await t.app.inject({ method, url: `/api/users/${username}/follow`, headers: user.auth });
  expect(response.statusCode, response.body).toBe(200);
};

const home = async (user: TestUser, query = '') => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/timelines/home${query}`,
    headers: user.auth,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<MessagePage>();
};

/** Every page of the home timeline, `limit` at a time, following `next`. */
async function allPages(user: TestUser, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let page = await home(user, `?limit=${limit}`);
  ids.push(...page.items.map((message) => message.id));
  while (page.next) {
    page = await home(user, `?limit=${limit}&before=${page.next}`);
    ids.push(...page.items.map((message) => message.id));
  }
  return ids;
}

const newestFirst = (messages: Message[]) =>
  messages.map((message) => message.id).sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));

describe('GET /api/timelines/home', () => {
  it('shows the followed accounts and your own, newest first; a follow or unfollow shows at once', async () => {
    const [ada, bob, carol, dave] = await Promise.all([
      signUp(t.app),
      signUp(t.app),
      signUp(t.app),
      signUp(t.app),
    ]);
    await follow(ada, bob.username);
    await follow(ada, carol.username);
    // Dave follows Ada: that puts nothing of Dave's in Ada's home.
    await follow(dave, ada.username);
    const mine: Message[] = [];
    for (let i = 0; i < 3; i++) {
      mine.push(await post(t.app, ada, `ada ${i}`));
      mine.push(await post(t.app, bob, `bob ${i}`));
      mine.push(await post(t.app, carol, `carol ${i} #home`));
      await post(t.app, dave, `dave ${i}`);
    }

    const first = await home(ada);
    expect(first.items.map((message) => message.id)).toEqual(newestFirst(mine));
    expect(first).toMatchObject({ next: null, newer: null });
    expect(first.items[0]).toMatchObject({ author: { username: carol.username }, tags: ['home'] });
    expect(await allPages(ada, 4)).toEqual(newestFirst(mine));

    // `after` catches up forwards, oldest first within the page, like the public feed.
    const oldest = newestFirst(mine).at(-1)!;
    const forwards = await home(ada, `?after=${oldest}&limit=3`);
    expect(forwards.items.map((message) => message.id)).toEqual(newestFirst(mine).slice(-4, -1));
    expect(forwards.newer).toBe(forwards.items[0]!.id);

    await follow(ada, carol.username, 'DELETE');
    expect((await home(ada)).items.map((message) => message.author.username)).not.toContain(carol.username);
    await follow(ada, dave.username);
    expect((await home(ada)).items.map((message) => message.author.username)).toContain(dave.username);

    // Someone who follows nobody sees their own messages only.
    expect(new Set((await home(bob)).items.map((message) => message.author.username))).toEqual(
      new Set([bob.username]),
    );
  });

  it(`answers the same pages following ${HOME_WALK_FROM_FOLLOWS} accounts (walking the timeline) and one fewer (gathering)`, async () => {
    const reader = await signUp(t.app);
    const followed: TestUser[] = [];
    for (let i = 0; i < HOME_WALK_FROM_FOLLOWS; i++) followed.push(await signUp(t.app, { bot: i % 2 === 0 }));
    for (const account of followed) await follow(reader, account.username);
    const stranger = await signUp(t.app);
    const expected: Message[] = [await post(t.app, reader, 'my own')];
    for (let i = 0; i < 30; i++) {
      expected.push(await post(t.app, followed[i % 10]!, `followed ${i}`));
      await post(t.app, stranger, `not followed ${i}`);
    }
    const walked = await allPages(reader, 7);
    expect(walked).toEqual(newestFirst(expected));
    // The last account followed never posted: unfollowing it changes the way, not the answer.
    await follow(reader, followed.at(-1)!.username, 'DELETE');
    expect(await allPages(reader, 7)).toEqual(walked);
  });

  it('requires a token, refuses bad cursors and limits with a 400, and shows no email', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/timelines/home' })).statusCode).toBe(401);
    const ada = await signUp(t.app);
    await post(t.app, ada, 'hello home');
    for (const query of ['?before=abc', '?after=-1', '?limit=0', '?limit=101', '?tag=x']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/timelines/home${query}`,
        headers: ada.auth,
      });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const response = await t.app.inject({ method: 'GET', url: '/api/timelines/home', headers: ada.auth });
    expect(response.body).not.toContain(ada.email);
  });
});
