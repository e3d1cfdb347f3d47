// Follows, profiles, the home timeline, replies and threads, and the live `home` stream, as README "The
// API" and "The live feed", docs/live-feed.md ("The home stream") and docs/security.md describe them;
// requests alternate between two replicas of one database.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from './support/cluster.ts';
import { Client, expectError, expectNamesField, type Reply } from './support/http.ts';
import { type Frame, Live } from './support/live.ts';
import { Api } from './support/openapi.ts';
import { type Account, post, register } from './support/users.ts';

const cluster = await startCluster([{}, {}]);
const sockets: Live[] = [];
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await cluster.stop();
});
const [A, B] = cluster.replicas as [(typeof cluster.replicas)[0], (typeof cluster.replicas)[0]];
const api = await Api.load(A.base);
const [a, b] = cluster.replicas.map((replica) => new Client(replica.base, api)) as [Client, Client];

type Message = { id: string; inReplyTo: string | null; replyCount: number; author: { username: string } };
type Page = { items: Message[]; next: string | null; newer: string | null };

const ok = (reply: Reply, status = 200) => {
  expect(reply.status, reply.text).toBe(status);
  return reply.json;
};
const follow = async (client: Client, who: Account, whom: Account | string) =>
  ok(
    await client.put(`/api/users/${typeof whom === 'string' ? whom : whom.username}/follow`, {
      token: who.token,
    }),
  );
const unfollow = async (client: Client, who: Account, whom: Account) =>
  ok(await client.delete(`/api/users/${whom.username}/follow`, { token: who.token }));
const profile = async (client: Client, username: string, token?: string) =>
  ok(await client.get(`/api/users/${username}`, token === undefined ? {} : { token }));
const reply = async (client: Client, account: Account, to: string, content = `re ${to}`) =>
  ok(
    await client.post('/api/messages', { content, inReplyTo: to }, { token: account.token }),
    201,
  ) as Message;
const message = async (client: Client, id: string) => ok(await client.get(`/api/messages/${id}`)) as Message;
const home = async (client: Client, account: Account, query = ''): Promise<Page> =>
  ok(await client.get(`/api/timelines/home${query && `?${query}`}`, { token: account.token }));
const ids = (list: { id: string }[]) => list.map((m) => m.id);
const names = (list: { username: string }[]) => list.map((m) => m.username);
const byId = (x: string, y: string) => (BigInt(x) < BigInt(y) ? -1 : 1);
const newestFirst = (list: string[]) => [...list].sort(byId).reverse();

/** Every page of a list walked with `cursor` (`before` or `after`) = the previous page's `next`. */
async function walk<T>(
  read: (client: Client, cursor: string | null) => Promise<{ items: T[]; next: string | null }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let n = 0; n === 0 || cursor !== null; n++) {
    const current = await read(n % 2 ? b : a, cursor);
    pages.push(current.items);
    cursor = current.next;
    expect(n, 'the walk ends').toBeLessThan(50);
  }
  return pages;
}

const connect = async (url: string, token: string) => {
  const socket = await Live.connect(url, token);
  sockets.push(socket);
  await socket.next((f) => f.type === 'welcome', 'welcome');
  return socket;
};
const created = (id: string) => (f: Frame) =>
  f.type === 'event' && f.event === 'message.created' && f.data.id === id;
const createdIds = (socket: Live) =>
  socket.events((f) => f.event === 'message.created').map((f) => f.data.id as string);

/** No email of the given accounts, and no email field, in a response (README: only your own account has one). */
function expectNoEmail(text: string, accounts: Account[], what: string) {
  expect(text, what).not.toContain('"email"');
  for (const account of accounts) expect(text, what).not.toContain(account.email);
}

describe('follows (README: PUT/DELETE /api/users/:username/follow, idempotent)', () => {
  it('follows and unfollows idempotently, and counts it in both profiles, followedByMe for the follower only', async () => {
    const [star, fan, other] = [await register(a, 'fs'), await register(a, 'ff'), await register(a, 'fo')];
    expect(await profile(a, star.username)).toMatchObject({
      followerCount: 0,
      followingCount: 0,
      followedByMe: false,
    });
    for (const client of [a, b, a])
      expect(await follow(client, fan, star)).toEqual({ following: true, followerCount: 1 });
    // The username in any case names the same account.
    expect(await follow(b, fan, star.username.toUpperCase())).toEqual({ following: true, followerCount: 1 });
    expect(await follow(b, other, star)).toEqual({ following: true, followerCount: 2 });
    expect(await profile(a, star.username, fan.token)).toMatchObject({
      followerCount: 2,
      followingCount: 0,
      followedByMe: true,
    });
    expect((await profile(b, star.username, star.token)).followedByMe).toBe(false);
    expect((await profile(b, star.username)).followedByMe).toBe(false);
    expect(await profile(a, fan.username, star.token)).toMatchObject({
      followerCount: 0,
      followingCount: 1,
      followedByMe: false,
    });
    for (const client of [b, a])
      expect(await unfollow(client, fan, star)).toEqual({ following: false, followerCount: 1 });
    expect(await profile(a, star.username, fan.token)).toMatchObject({
      followerCount: 1,
      followedByMe: false,
    });
    expect((await profile(b, fan.username)).followingCount).toBe(0);
    // Following again after an unfollow is a follow like the first.
    expect(await follow(a, fan, star)).toEqual({ following: true, followerCount: 2 });
  });

  it('answers the same follow, or unfollow, sent at once to both replicas as one: one follower, listed once', async () => {
    const [star, fan] = [await register(a, 'fc'), await register(a, 'fd')];
    const follows = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).put(`/api/users/${star.username}/follow`, { token: fan.token }),
      ),
    );
    for (const answered of follows) expect(ok(answered).following).toBe(true);
    expect((await profile(a, star.username)).followerCount).toBe(1);
    expect(names(ok(await b.get(`/api/users/${star.username}/followers`)).items)).toEqual([fan.username]);
    const unfollows = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).delete(`/api/users/${star.username}/follow`, { token: fan.token }),
      ),
    );
    for (const answered of unfollows) expect(ok(answered).following).toBe(false);
    expect(await profile(b, star.username)).toMatchObject({ followerCount: 0 });
    expect(ok(await a.get(`/api/users/${fan.username}/following`)).items).toEqual([]);
  });

  it('answers following yourself with 422 CANNOT_FOLLOW_SELF, storing nothing, and a missing account with 404', async () => {
    const ada = await register(a, 'fself');
    const self = await b.put(`/api/users/${ada.username}/follow`, { token: ada.token });
    expectError(self, 422, 'following yourself');
    expect(self.json.error.code).toBe('CANNOT_FOLLOW_SELF');
    expect(await profile(a, ada.username, ada.token)).toMatchObject({
      followerCount: 0,
      followingCount: 0,
      followedByMe: false,
    });
    expect(ok(await a.get(`/api/users/${ada.username}/followers`)).items).toEqual([]);
    expect(ok(await a.get(`/api/users/${ada.username}/following`)).items).toEqual([]);
    // Unfollowing yourself: the document lists no 422 for it; you do not follow yourself (README).
    expect(await unfollow(a, ada, ada)).toEqual({ following: false, followerCount: 0 });
    for (const method of ['PUT', 'DELETE'])
      expectError(
        await a.request(method, '/api/users/no_such_user/follow', { token: ada.token }),
        404,
        method,
      );
    for (const list of ['followers', 'following'])
      expectError(await b.get(`/api/users/no_such_user/${list}`), 404, list);
    for (const method of ['PUT', 'DELETE'])
      expectError(
        await a.request(method, `/api/users/${ada.username}/follow`),
        401,
        `${method} without a token`,
      );
  });

  it('lists followers and following, the most recent follow first, paged with next as before, each once', async () => {
    const star = await register(a, 'ls');
    const fans: Account[] = [];
    for (let i = 0; i < 25; i++) {
      fans.push(await register(i % 2 ? a : b, 'lf', i % 5 === 0 ? { bot: true } : {}));
      await follow(i % 2 ? b : a, fans[i]!, star);
    }
    // A follow undone and made again is the most recent one.
    await unfollow(a, fans[3]!, star);
    await follow(b, fans[3]!, star);
    const expected = [fans[3]!, ...fans.filter((_, i) => i !== 3).reverse()];
    const pages = await walk<{ username: string; displayName: string | null; bio: string; bot: boolean }>(
      async (client, cursor) =>
        ok(
          await client.get(
            `/api/users/${star.username}/followers?limit=7${cursor === null ? '' : `&before=${cursor}`}`,
          ),
        ),
    );
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    const items = pages.flat();
    expect(names(items)).toEqual(names(expected));
    expect(items[1]).toEqual({
      username: expected[1]!.username,
      displayName: null,
      bio: '',
      bot: fans.indexOf(expected[1]!) % 5 === 0,
    });
    for (const [i, item] of items.entries()) {
      expect(Object.keys(item).sort()).toEqual(['bio', 'bot', 'displayName', 'username']);
      expect(item.bot, item.username).toBe(fans.indexOf(expected[i]!) % 5 === 0);
    }
    expect((await profile(b, star.username)).followerCount).toBe(25);
    // 20 by default.
    expect(ok(await b.get(`/api/users/${star.username}/followers`)).items).toHaveLength(20);

    const [reader, first, second, third] = [
      fans[0]!,
      await register(a, 'lg'),
      await register(a, 'lg'),
      await register(a, 'lg'),
    ];
    for (const whom of [first, second, third]) await follow(b, reader, whom);
    const following = await walk<{ username: string }>(async (client, cursor) =>
      ok(
        await client.get(
          `/api/users/${reader.username}/following?limit=2${cursor === null ? '' : `&before=${cursor}`}`,
        ),
      ),
    );
    expect(names(following.flat())).toEqual([third.username, second.username, first.username, star.username]);
    // A last page that is full: next is null there, not a cursor to an empty page ("null on the last page").
    expect(following.map((p) => p.length)).toEqual([2, 2]);
    expect((await profile(a, reader.username)).followingCount).toBe(4);
  });
});

describe('profiles (README: PATCH /api/users/:username, your own only)', () => {
  it('edits your own display name and bio, shown on the profile, on your messages and in the lists', async () => {
    const [ada, fan] = [await register(a, 'pa'), await register(a, 'pf')];
    await follow(a, fan, ada);
    const edited = ok(
      await b.request('PATCH', `/api/users/${ada.username}`, {
        token: ada.token,
        body: { displayName: 'Ada Lovelace', bio: 'Poet of\tmathematics\nand engines' },
      }),
    );
    expect(edited).toMatchObject({
      username: ada.username,
      displayName: 'Ada Lovelace',
      bio: 'Poet of\tmathematics\nand engines',
      followerCount: 1,
    });
    expect(await profile(a, ada.username)).toEqual({ ...edited, followedByMe: false });
    const written = await post(a, ada, 'signed');
    expect(written.author).toEqual({ username: ada.username, displayName: 'Ada Lovelace', bot: false });
    expect(ok(await b.get(`/api/users/${fan.username}/following`)).items).toEqual([
      {
        username: ada.username,
        displayName: 'Ada Lovelace',
        bio: 'Poet of\tmathematics\nand engines',
        bot: false,
      },
    ]);
    // One field at a time; the other stays. Lengths in characters.
    for (const displayName of ['x'.repeat(50), '🐦'.repeat(50), 'é'.repeat(50)])
      expect(
        ok(
          await a.request('PATCH', `/api/users/${ada.username}`, { token: ada.token, body: { displayName } }),
        ),
      ).toMatchObject({ displayName, bio: 'Poet of\tmathematics\nand engines' });
    for (const bio of ['b'.repeat(300), '🐦'.repeat(300)])
      expect(
        ok(await a.request('PATCH', `/api/users/${ada.username}`, { token: ada.token, body: { bio } })),
      ).toMatchObject({
        displayName: 'é'.repeat(50),
        bio,
      });
    // null clears the display name, an empty bio clears the bio.
    expect(
      ok(
        await b.request('PATCH', `/api/users/${ada.username}`, {
          token: ada.token,
          body: { displayName: null, bio: '' },
        }),
      ),
    ).toMatchObject({ displayName: null, bio: '' });
    expect(await message(a, written.id)).toMatchObject({
      author: { username: ada.username, displayName: null },
    });
  });

  it("refuses another's profile with 403 and changes nothing", async () => {
    const [ada, eve] = [await register(a, 'pg'), await register(a, 'ph')];
    const before = await profile(a, ada.username);
    const refused = await b.request('PATCH', `/api/users/${ada.username}`, {
      token: eve.token,
      body: { displayName: 'Not Ada', bio: 'hijacked' },
    });
    expectError(refused, 403, "another's profile");
    expect(refused.json.error.code).toBe('FORBIDDEN');
    expect(await profile(b, ada.username)).toEqual(before);
    expectError(
      await a.request('PATCH', `/api/users/${ada.username}`, { body: { displayName: 'No token' } }),
      401,
      'no token',
    );
    // Silent on a missing account: refused either way (the document lists 403 and 404), nothing created.
    expectError(
      await a.request('PATCH', '/api/users/no_such_user', { token: eve.token, body: { bio: 'x' } }),
      [403, 404],
      'a missing account',
    );
    expectError(await a.get('/api/users/no_such_user'), 404);
  });

  it('refuses a display name without a visible character, a bio with control characters or over 300, and too long a name, with a 400 naming the field, changing nothing', async () => {
    const ada = await register(a, 'pi');
    ok(
      await a.request('PATCH', `/api/users/${ada.username}`, {
        token: ada.token,
        body: { displayName: 'Ada', bio: 'hi' },
      }),
    );
    const before = await profile(b, ada.username);
    const refusals: [string, Record<string, unknown>][] = [
      ['displayName', { displayName: ' ' }],
      ['displayName', { displayName: '     ' }],
      ['displayName', { displayName: '\u200b' }],
      ['displayName', { displayName: '\u200b \u2060\ufeff' }],
      ['displayName', { displayName: '\t\n' }],
      ['displayName', { displayName: '' }],
      ['displayName', { displayName: 'x'.repeat(51) }],
      ['displayName', { displayName: '🐦'.repeat(51) }],
      ['displayName', { displayName: '\u200b\u200b', bio: 'fine' }],
      ['bio', { bio: 'b'.repeat(301) }],
      ['bio', { bio: '🐦'.repeat(301) }],
      ['bio', { bio: 'nul\u0000' }],
      ['bio', { bio: 'bell\u0007' }],
      ['bio', { bio: 'esc\u001b[31m' }],
      ['bio', { displayName: 'Fine', bio: 'del\u007f' }],
    ];
    for (const [field, body] of refusals) {
      const what = JSON.stringify(body).slice(0, 80);
      const refused = await (what.length % 2 ? a : b).request('PATCH', `/api/users/${ada.username}`, {
        token: ada.token,
        body,
      });
      expectError(refused, 400, what);
      expectNamesField(refused, field, what);
    }
    expectError(
      await a.request('PATCH', `/api/users/${ada.username}`, { token: ada.token, body: {} }),
      400,
      '{}',
    );
    expect(await profile(a, ada.username)).toEqual(before);
  });
});

describe('the home timeline (README: GET /api/timelines/home, the accounts you follow and your own)', () => {
  it('holds the messages of the accounts you follow and your own, newest first; a follow or unfollow shows at once', async () => {
    const [reader, alice, bob, carol] = [
      await register(a, 'ha'),
      await register(a, 'hb'),
      await register(a, 'hc'),
      await register(a, 'hd'),
    ];
    await follow(a, reader, alice);
    await follow(b, reader, bob);
    const by = new Map<string, string[]>();
    for (let i = 0; i < 12; i++) {
      const author = [reader, alice, bob, carol][i % 4]!;
      const written = await post(i % 2 ? a : b, author, `home ${i}`);
      by.set(author.username, [...(by.get(author.username) ?? []), written.id]);
    }
    const of = (...accounts: Account[]) => newestFirst(accounts.flatMap((x) => by.get(x.username)!));
    const first = await home(a, reader);
    expect(ids(first.items)).toEqual(of(reader, alice, bob));
    expect(first.next).toBeNull();
    // Another account's home is its own: alice follows nobody.
    expect(ids((await home(b, alice)).items)).toEqual(of(alice));
    await unfollow(b, reader, bob);
    expect(ids((await home(a, reader)).items)).toEqual(of(reader, alice));
    await follow(a, reader, carol);
    expect(ids((await home(b, reader)).items)).toEqual(of(reader, alice, carol));
    // A deleted message leaves it.
    const gone = by.get(alice.username)![0]!;
    expect((await a.delete(`/api/messages/${gone}`, { token: alice.token })).status).toBe(204);
    expect(ids((await home(a, reader)).items)).toEqual(of(reader, alice, carol).filter((id) => id !== gone));
    expectError(await a.get('/api/timelines/home'), 401, 'no token');
  });

  it('pages like the public feed: next as before, after with newer, both together; 20 by default', async () => {
    const [reader, alice, stranger] = [
      await register(a, 'hp'),
      await register(a, 'hq'),
      await register(a, 'hr'),
    ];
    await follow(b, reader, alice);
    const written: string[] = [];
    for (let i = 0; i < 26; i++) {
      written.push((await post(i % 2 ? a : b, i % 3 ? alice : reader, `paged ${i}`)).id);
      await post(a, stranger, `not on the home ${i}`);
    }
    const back = await walk<Message>(async (client, cursor) =>
      home(client, reader, `limit=7${cursor === null ? '' : `&before=${cursor}`}`),
    );
    expect(back.flat().map((m) => m.id)).toEqual([...written].reverse());
    for (const current of back) expect(ids(current)).toEqual(newestFirst(ids(current)));
    expect((await home(a, reader)).items).toHaveLength(20);
    // A full last page ends with next null (README: null when nothing is left that way).
    const halves = await walk<Message>(async (client, cursor) =>
      home(client, reader, `limit=13${cursor === null ? '' : `&before=${cursor}`}`),
    );
    expect(halves.map((p) => p.length)).toEqual([13, 13]);

    // After alone: the limit messages right after it, newest first; newer is the next after, then null.
    const start = written[4]!;
    const forward: string[][] = [];
    let cursor: string | null = start;
    for (let n = 0; cursor !== null; n++) {
      const current: Page = await home(n % 2 ? a : b, reader, `after=${cursor}&limit=6`);
      forward.push(ids(current.items));
      cursor = current.newer;
      expect(n).toBeLessThan(20);
    }
    expect(forward[0]).toEqual(written.slice(5, 11).reverse());
    expect(forward.flatMap((p) => [...p].reverse())).toEqual(written.slice(5));

    // Both: the range between, from its newest end, next continuing back.
    const [low, high] = [written[3]!, written[20]!];
    const between = await walk<Message>(async (client, c) =>
      home(client, reader, `after=${low}&before=${c ?? high}&limit=5`),
    );
    expect(between.flat().map((m) => m.id)).toEqual(written.slice(4, 20).reverse());
  });
});

describe('replies and threads (README: inReplyTo; GET /api/messages/:id/thread)', () => {
  it('posts a reply naming its message in inReplyTo and counts it in the replyCount of that message, uncounting a deleted reply', async () => {
    const [ada, bob] = [await register(a, 'ra'), await register(a, 'rb')];
    const root = await post(a, ada, 'a question');
    expect(root).toMatchObject({ inReplyTo: null, replyCount: 0 });
    const answer = await reply(b, bob, root.id, 'an answer');
    expect(answer).toMatchObject({ inReplyTo: root.id, replyCount: 0, author: { username: bob.username } });
    expect(await message(a, answer.id)).toMatchObject({ inReplyTo: root.id });
    const second = await reply(a, ada, root.id);
    await reply(b, bob, answer.id, 'a reply to the reply');
    expect((await message(b, root.id)).replyCount).toBe(2);
    expect((await message(a, answer.id)).replyCount).toBe(1);
    const feed = ok(await a.get(`/api/messages?author=${ada.username}`)) as Page;
    expect(feed.items.find((m) => m.id === root.id)?.replyCount).toBe(2);
    expect(feed.items.find((m) => m.id === second.id)?.inReplyTo).toBe(root.id);
    expect((await b.delete(`/api/messages/${second.id}`, { token: ada.token })).status).toBe(204);
    expect((await message(a, root.id)).replyCount).toBe(1);
    // A reply's author deleting the account uncounts its replies too (its messages go at once).
    const ephemeral = await register(b, 'rc');
    await reply(a, ephemeral, root.id);
    expect((await message(b, root.id)).replyCount).toBe(2);
    expect(
      (await b.delete('/api/users/me', { token: ephemeral.token, body: { password: ephemeral.password } }))
        .status,
    ).toBe(204);
    expect((await message(a, root.id)).replyCount).toBe(1);
  });

  it('refuses a reply to a missing or deleted message with 422 naming inReplyTo, storing nothing', async () => {
    const [ada, bob] = [await register(a, 'rd'), await register(a, 're')];
    const watching = await connect(A.ws, bob.token);
    await watching.subscribe(`user:${ada.username}`);
    const doomed = await post(a, bob, 'soon gone');
    expect((await a.delete(`/api/messages/${doomed.id}`, { token: bob.token })).status).toBe(204);
    for (const target of ['999999999999999999', doomed.id]) {
      const refused = await b.post(
        '/api/messages',
        { content: 'to nothing', inReplyTo: target },
        { token: ada.token },
      );
      expectError(refused, 422, target);
      expect(refused.json.error.code).toBe('NO_SUCH_MESSAGE');
      expectNamesField(refused, 'inReplyTo', target);
    }
    // Nothing stored: no message, no event on the live feed, and an Idempotency-Key it carried is not spent.
    const key = `key-${randomBytes(6).toString('hex')}`;
    const refused = await a.post(
      '/api/messages',
      { content: 'to nothing', inReplyTo: '999999999999999999' },
      { token: ada.token, headers: { 'idempotency-key': key } },
    );
    expectError(refused, 422, 'with an Idempotency-Key');
    const corrected = await b.post(
      '/api/messages',
      { content: 'to something' },
      { token: ada.token, headers: { 'idempotency-key': key } },
    );
    expect(corrected.status, `the same key, with a body that can be stored: ${corrected.text}`).toBe(201);
    expect(ids((ok(await a.get(`/api/messages?author=${ada.username}`)) as Page).items)).toEqual([
      corrected.json.id,
    ]);
    await watching.next(created(corrected.json.id), 'the stored message on the live feed');
    expect(watching.events().map((f) => f.data.id)).toEqual([corrected.json.id]);
    expect((await profile(b, ada.username)).messageCount).toBe(1);
    // Not a message id at all: a 400 naming the field (OpenAPI pattern).
    for (const inReplyTo of ['abc', '-1', 12, ''])
      expectNamesField(
        await a.post('/api/messages', { content: 'x', inReplyTo }, { token: ada.token }),
        'inReplyTo',
        JSON.stringify(inReplyTo),
      );
  });

  it('shows a thread: the messages it answers first of the thread first, the message, its direct replies oldest first, paged with next as after', async () => {
    const [ada, bob] = [await register(a, 'ta'), await register(a, 'tb')];
    const root = await post(a, ada, 'root');
    const middle = await reply(b, bob, root.id, 'middle');
    const leaf = await reply(a, ada, middle.id, 'leaf');
    const ofLeaf = ok(await b.get(`/api/messages/${leaf.id}/thread`));
    expect(ids(ofLeaf.ancestors)).toEqual([root.id, middle.id]);
    expect(ofLeaf.ancestors[0]).toMatchObject({ content: 'root', replyCount: 1, inReplyTo: null });
    expect(ofLeaf.message).toMatchObject({ id: leaf.id, inReplyTo: middle.id });
    expect(ofLeaf).toMatchObject({ replies: [], next: null });
    const ofRoot = ok(await a.get(`/api/messages/${root.id}/thread`));
    expect(ofRoot).toMatchObject({ ancestors: [], message: { id: root.id, replyCount: 1 }, next: null });
    expect(ids(ofRoot.replies)).toEqual([middle.id]);

    // 23 direct replies to middle (plus leaf), and replies to those, which are not middle's direct ones.
    const direct = [leaf.id];
    for (let i = 0; i < 23; i++) {
      direct.push((await reply(i % 2 ? a : b, i % 3 ? bob : ada, middle.id, `direct ${i}`)).id);
      if (i % 7 === 0) await reply(a, ada, direct.at(-1)!, `nested ${i}`);
    }
    const pages = await walk<Message>(async (client, cursor) => {
      const thread = ok(
        await client.get(
          `/api/messages/${middle.id}/thread?limit=7${cursor === null ? '' : `&after=${cursor}`}`,
        ),
      );
      expect(ids(thread.ancestors)).toEqual([root.id]);
      expect(thread.message.id).toBe(middle.id);
      for (const item of thread.replies) expect(item.inReplyTo).toBe(middle.id);
      return { items: thread.replies, next: thread.next };
    });
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 3]);
    // A full last page ends with next null ("null when none is left").
    const eights = await walk<Message>(async (client, cursor) => {
      const thread = ok(
        await client.get(
          `/api/messages/${middle.id}/thread?limit=8${cursor === null ? '' : `&after=${cursor}`}`,
        ),
      );
      return { items: thread.replies, next: thread.next };
    });
    expect(eights.map((p) => p.length)).toEqual([8, 8, 8]);
    expect(pages.flat().map((m) => m.id)).toEqual(direct);
    expect(ok(await a.get(`/api/messages/${middle.id}/thread`)).replies).toHaveLength(20);
    expect((await message(b, middle.id)).replyCount).toBe(24);

    expectError(await a.get('/api/messages/999999999999999999/thread'), 404, 'a missing message');
  });

  it('shows a deleted message of a thread as {id, deleted: true} with nothing above it, and keeps its replies', async () => {
    const [ada, bob] = [await register(a, 'tc'), await register(a, 'td')];
    const root = await post(a, ada, 'root');
    const middle = await reply(b, bob, root.id, 'middle, soon deleted');
    const leaf = await reply(a, ada, middle.id, 'leaf');
    const sibling = await reply(b, ada, middle.id, 'sibling');
    expect((await a.delete(`/api/messages/${middle.id}`, { token: bob.token })).status).toBe(204);
    expect(await message(b, leaf.id)).toMatchObject({ id: leaf.id, inReplyTo: middle.id });
    const ofLeaf = ok(await a.get(`/api/messages/${leaf.id}/thread`));
    expect(ofLeaf.ancestors).toEqual([{ id: middle.id, deleted: true }]);
    expect(ofLeaf.message.id).toBe(leaf.id);
    expect(ok(await b.get(`/api/messages/${sibling.id}/thread`)).ancestors).toEqual([
      { id: middle.id, deleted: true },
    ]);
    // The deleted one no longer counts in its own parent, and its thread is gone.
    expect((await message(a, root.id)).replyCount).toBe(0);
    expect(ok(await b.get(`/api/messages/${root.id}/thread`)).replies).toEqual([]);
    expectError(await a.get(`/api/messages/${middle.id}/thread`), 404, 'the deleted message');
    expect(ids((ok(await a.get(`/api/messages?author=${ada.username}`)) as Page).items)).toEqual(
      newestFirst([root.id, leaf.id, sibling.id]),
    );
  });
});

describe('data exposure (docs/security.md: follows are public, email never)', () => {
  it('carries no email in profiles, follower lists, the home timeline, replies or threads', async () => {
    const [ada, bob] = [await register(a, 'ea'), await register(a, 'eb')];
    await follow(a, ada, bob);
    await follow(b, bob, ada);
    const root = await post(a, bob, 'mail?');
    const answer = await reply(a, ada, root.id);
    const everyone = [ada, bob];
    const replies: [string, Reply][] = [
      [
        'PATCH profile',
        await a.request('PATCH', `/api/users/${ada.username}`, {
          token: ada.token,
          body: { bio: 'no mail here' },
        }),
      ],
      ['profile', await b.get(`/api/users/${ada.username}`, { token: bob.token })],
      ['follow', await a.put(`/api/users/${bob.username}/follow`, { token: ada.token })],
      ['followers', await b.get(`/api/users/${ada.username}/followers`, { token: ada.token })],
      ['following', await a.get(`/api/users/${ada.username}/following`, { token: ada.token })],
      ['home', await b.get('/api/timelines/home', { token: ada.token })],
      ['thread', await a.get(`/api/messages/${answer.id}/thread`, { token: ada.token })],
      ['root thread', await b.get(`/api/messages/${root.id}/thread`, { token: bob.token })],
    ];
    for (const [what, answered] of replies) {
      expect(answered.status, `${what}: ${answered.text}`).toBe(200);
      expectNoEmail(answered.text, everyone, what);
      expect(answered.text, what).not.toContain('$argon2');
    }
  });
});

describe('the home stream (docs/live-feed.md, The home stream)', () => {
  it("carries your own messages and those of the accounts you follow, created, liked and deleted, and nobody else's", async () => {
    const [reader, alice, carol] = [
      await register(a, 'la'),
      await register(a, 'lb'),
      await register(a, 'lc'),
    ];
    await follow(a, reader, alice);
    const socket = await connect(B.ws, reader.token);
    const answer = await socket.subscribe('home');
    expect(answer).toEqual({ type: 'subscribed', stream: 'home', position: answer.position });
    const hers = await post(a, alice, 'from a followed account');
    const stranger = await post(a, carol, 'from a stranger');
    const mine = await post(b, reader, 'my own');
    await socket.next(created(mine.id), 'my own message');
    await a.put(`/api/messages/${hers.id}/like`, { token: carol.token });
    await a.put(`/api/messages/${stranger.id}/like`, { token: reader.token });
    expect((await a.delete(`/api/messages/${hers.id}`, { token: alice.token })).status).toBe(204);
    const deleted = await socket.next(
      (f) => f.event === 'message.deleted',
      'message.deleted of a followed message',
    );
    expect(deleted.data).toMatchObject({ id: hers.id, author: { username: alice.username } });
    // Unfollowed: from then on her messages are not on home; a later message of my own marks the end.
    await unfollow(b, reader, alice);
    const afterUnfollow = await post(a, alice, 'after the unfollow');
    // Followed while subscribed: from the follow on, with no older message of hers brought in.
    await follow(b, reader, carol);
    const carolFollowed = await post(b, carol, 'followed now');
    const end = await post(a, reader, 'the end');
    await socket.next(created(end.id), 'the last one');
    const events = socket.events();
    expect(events.map((f) => [f.event, f.data.id])).toEqual([
      ['message.created', hers.id],
      ['message.created', mine.id],
      ['message.liked', hers.id],
      ['message.deleted', hers.id],
      ['message.created', carolFollowed.id],
      ['message.created', end.id],
    ]);
    expect(events.every((f) => f.streams.length === 1 && f.streams[0] === 'home')).toBe(true);
    expect(events.every((f, i) => i === 0 || BigInt(f.id) > BigInt(events[i - 1]!.id))).toBe(true);
    expectNoEmail(JSON.stringify(socket.frames), [reader, alice, carol], 'the home stream');
    expect(createdIds(socket)).not.toContain(stranger.id);
    expect(createdIds(socket)).not.toContain(afterUnfollow.id);
    // Only live-feed event types reach a client: the follows' own events are internal.
    expect(
      socket.frames.filter((f) => f.type === 'event').every((f) => String(f.event).startsWith('message.')),
    ).toBe(true);
  });

  it('is private: home is always your own, no other can be named, and it never gets the messages of those who follow you', async () => {
    const [reader, eve] = [await register(a, 'lp'), await register(a, 'lq')];
    // reader follows eve: eve's messages reach reader's home, reader's never reach eve's.
    await follow(a, reader, eve);
    const socket = await connect(A.ws, eve.token);
    const from = socket.frames.length;
    socket.send({ type: 'subscribe', stream: `home:${reader.username}` });
    expect(await socket.next(() => true, 'an answer to home:<name>', 10_000, from)).toMatchObject({
      type: 'error',
      code: 'BAD_FRAME',
    });
    const readers = await connect(B.ws, reader.token);
    await readers.subscribe('home');
    await readers.subscribe('public');
    await socket.subscribe('home');
    const secret = await post(b, reader, 'only on my home and those of my followers');
    const evesOwn = await post(a, eve, 'eve marks the end');
    await socket.next(created(evesOwn.id), 'the own message of eve');
    // Subscribed to home and public, a connection gets each event once with both streams.
    for (const id of [secret.id, evesOwn.id])
      expect(
        [...(await readers.next(created(id), `message ${id} on the home of reader`)).streams].sort(),
      ).toEqual(['home', 'public']);
    expect(createdIds(readers)).toEqual([secret.id, evesOwn.id]);
    expect(createdIds(socket)).toEqual([evesOwn.id]);
  });

  it('resumes with since across a follow and an unfollow made while disconnected: each counts from its own place', async () => {
    const [reader, alice, bob] = [await register(a, 'lr'), await register(a, 'ls'), await register(a, 'lt')];
    await follow(a, reader, bob);
    const first = await connect(A.ws, reader.token);
    await first.subscribe('home');
    const seen = await post(a, reader, 'seen before the disconnect');
    const last = (await first.next(created(seen.id), 'the last seen event')).id as string;
    await first.close();

    // While disconnected: alice before and after a follow, bob before and after an unfollow.
    const aliceBefore = await post(b, alice, 'alice before the follow');
    const bobBefore = await post(a, bob, 'bob before the unfollow');
    await follow(b, reader, alice);
    await unfollow(a, reader, bob);
    const aliceAfter = await post(a, alice, 'alice after the follow');
    const bobAfter = await post(b, bob, 'bob after the unfollow');

    const second = await connect(B.ws, reader.token);
    const answer = await second.subscribe('home', last);
    expect(answer).toMatchObject({ type: 'subscribed', stream: 'home' });
    const liveOne = await post(a, alice, 'alice live');
    const liveMine = await post(b, reader, 'mine live');
    await second.next(created(liveMine.id), 'my live message');
    await second.next(created(liveOne.id), 'alice live');
    expect(createdIds(second)).toEqual([bobBefore.id, aliceAfter.id, liveOne.id, liveMine.id]);
    expect(createdIds(second)).not.toContain(aliceBefore.id);
    expect(createdIds(second)).not.toContain(bobAfter.id);
    const eventIds = second.events().map((f) => BigInt(f.id));
    expect(eventIds.every((id, i) => id > BigInt(last) && (i === 0 || id > eventIds[i - 1]!))).toBe(true);

    // Following does not backfill the live feed; the home timeline holds the past by today's follows.
    expect(ids((await home(a, reader)).items)).toEqual(
      newestFirst([seen.id, aliceBefore.id, aliceAfter.id, liveOne.id, liveMine.id]),
    );
  });
});
