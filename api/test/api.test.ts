import {
  LIVE_AUTH_PROTOCOL_PREFIX,
  LIVE_PROTOCOL,
  type LikeState,
  type Message,
  type MessagePage,
  type Profile,
} from '@flock/shared';
import { wsUrl } from '@flock/testkit/live-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp } from './helpers/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const feed = async (query: string, headers: Record<string, string> = {}) => {
  const response = await t.app.inject({ method: 'GET', url: `/api/messages${query}`, headers });
  expect(response.statusCode).toBe(200);
  return response.json<MessagePage>();
};

describe('register, log in, post and read', () => {
  it('normalises and merges tags and shows the message in every feed it belongs to', async () => {
    const alice = await signUp(t.app);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: alice.username.toUpperCase(), password: alice.password },
    });
    expect(login.statusCode).toBe(200);
    const token = login.json<{ token: string }>().token;
    const headers = { authorization: `Bearer ${token}` };

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers,
      payload: { content: 'hello #World #fastify', tags: ['k8s'] },
    });
    expect(created.statusCode).toBe(201);
    const message = created.json<Message>();
    expect(message.tags).toEqual(['fastify', 'k8s', 'world']);
    expect(message.author).toEqual({ username: alice.username, displayName: null, bot: false });
    expect(message).toMatchObject({ inReplyTo: null, replyCount: 0, likeCount: 0 });

    expect((await feed('?limit=1')).items[0]?.id).toBe(message.id);
    expect((await feed('?tag=world')).items[0]?.id).toBe(message.id);
    expect((await feed('?tag=%23WORLD')).items[0]?.id).toBe(message.id);
    const byAuthor = await feed(`?author=${alice.username}`);
    expect(byAuthor.items.map((m) => m.id)).toEqual([message.id]);

    const one = await t.app.inject({ method: 'GET', url: `/api/messages/${message.id}`, headers });
    expect(one.json<Message>()).toEqual(message);
  });

  it('answers 409 naming the field when a username or email is taken, in any case', async () => {
    const bob = await signUp(t.app);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        username: bob.username.toUpperCase(),
        email: 'other@example.test',
        password: 'long enough pw',
      },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details).toEqual([{ field: 'username', message: 'is already taken' }]);
    const sameEmail = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: `${bob.username}_2`, email: bob.email.toUpperCase(), password: 'long enough pw' },
    });
    expect(sameEmail.statusCode).toBe(409);
    expect(sameEmail.json().error.details[0].field).toBe('email');
  });

  it('gives the same 401 for a wrong password and for an unknown user', async () => {
    const carol = await signUp(t.app);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: carol.username, password: 'not the password' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: 'nobody_at_all', password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    const byEmail = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: carol.email, password: carol.password },
    });
    expect(byEmail.statusCode).toBe(200);
  });
  it('links every post to a tag that twenty concurrent posts use for the first time', async () => {
    const dave = await signUp(t.app);
    const tag = `first${Date.now()}`;
    const posted = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(t.app, dave, `number ${i} in #${tag}`)),
    );
    expect(posted.every((message) => message.tags.includes(tag))).toBe(true);
    const byTag = await feed(`?tag=${tag}&limit=50`);
    expect(byTag.items.map((m) => m.id).sort()).toEqual(posted.map((m) => m.id).sort());
  });

  it('links known and new tags alike, and a post without tags to none', async () => {
    const frank = await signUp(t.app);
    const known = `known${Date.now()}`;
    const fresh = `fresh${Date.now()}`;
    await post(t.app, frank, `first use of #${known}`);
    // One tag exists, one does not: the write finds a tag missing, creates it and writes once.
    const both = await post(t.app, frank, `#${known} and #${fresh}`);
    expect(both.tags).toEqual([fresh, known]);
    const plain = await post(t.app, frank, 'no tags at all');
    expect(plain.tags).toEqual([]);
    const rows = await t.orm.em.fork().execute<{ id: string; tags: string[] }[]>(
      `select m.id::text as id, array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
                where mt.message_id = m.id order by t.name) as tags
           from messages m where m.id in (?, ?)`,
      [both.id, plain.id],
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.tags]))).toEqual({
      [both.id]: [fresh, known],
      [plain.id]: [],
    });
    // Each post wrote one message, not one per attempt.
    expect((await feed(`?tag=${fresh}`)).items.map((m) => m.id)).toEqual([both.id]);
  });

  it('answers 401 and stores nothing when the account was deleted after its token was issued', async () => {
    const erin = await signUp(t.app);
    await t.orm.em.fork().execute('delete from users where username = ?', [erin.username]);
    // With an Idempotency-Key the key's row is written first, and its foreign key finds no account.
    for (const headers of [erin.auth, { ...erin.auth, 'idempotency-key': 'ghost-1' }]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/messages',
        headers,
        payload: { content: 'from a deleted account #ghost' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHORIZED');
    }
    const [row] = await t.orm.em
      .fork()
      .execute<{ count: string }[]>(
        "select count(*) from events where payload->>'content' = 'from a deleted account #ghost'",
      );
    expect(row!.count).toBe('0');
  });

  it('answers 401 to a like, and refuses the live feed, for an account deleted after its token was issued', async () => {
    const author = await signUp(t.app);
    const message = await post(t.app, author, 'liked by a ghost?');
    const gone = await signUp(t.app);
    await t.orm.em.fork().execute('delete from users where username = ?', [gone.username]);
    const like = await t.app.inject({
      method: 'PUT',
      url: `/api/messages/${message.id}/like`,
      headers: gone.auth,
    });
    expect(like.statusCode).toBe(401);
    expect(like.json().error).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'The account no longer exists',
    });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl(address), [LIVE_PROTOCOL, `${LIVE_AUTH_PROTOCOL_PREFIX}${gone.token}`]);
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('open', () => reject(new Error('the live feed accepted a deleted account')));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(401);
  });
});

describe('keyset pagination', () => {
  it('reads 250 messages in pages of 100 while new ones arrive, with no duplicates and no gaps', async () => {
    const writer = await signUp(t.app);
    const tag = `page${Date.now()}`;
    const existing: string[] = [];
    for (let i = 0; i < 250; i++) existing.push((await post(t.app, writer, `message ${i} #${tag}`)).id);

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: MessagePage = await feed(`?tag=${tag}&limit=100${before ? `&before=${before}` : ''}`);
      seen.push(...page.items.map((m) => m.id));
      before = page.next;
      pages++;
      // Writers keep posting between page fetches.
      for (let i = 0; i < 7; i++) await post(t.app, writer, `arrived during paging ${pages}.${i} #${tag}`);
    } while (before);

    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...existing].reverse());
  });

  it('returns the messages after a cursor, newest first', async () => {
    const writer = await signUp(t.app);
    const tag = `after${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(t.app, writer, `m${i} #${tag}`)).id);
    const page = await feed(`?tag=${tag}&after=${ids[1]}&limit=2`);
    expect(page.items.map((m) => m.id)).toEqual([ids[3], ids[2]]);
    expect(page).toMatchObject({ next: null, newer: ids[3] });
    const last = await feed(`?tag=${tag}&after=${page.newer}&limit=2`);
    expect(last.items.map((m) => m.id)).toEqual([ids[4]]);
    expect(last).toMatchObject({ next: null, newer: null });
  });

  it('catches up forwards with `newer` through everything after a cursor exactly once, while new ones arrive', async () => {
    const writer = await signUp(t.app);
    const tag = `forward${Date.now()}`;
    const start = (await post(t.app, writer, `start #${tag}`)).id;
    const existing: string[] = [];
    for (let i = 0; i < 25; i++) existing.push((await post(t.app, writer, `m${i} #${tag}`)).id);
    const seen: string[] = [];
    let after: string | null = start;
    let pages = 0;
    while (after) {
      const page: MessagePage = await feed(`?tag=${tag}&after=${after}&limit=10`);
      seen.push(...page.items.map((m) => m.id).reverse());
      after = page.newer;
      pages++;
      if (pages === 1) existing.push((await post(t.app, writer, `arrived while catching up #${tag}`)).id);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(existing);
  });

  it('reads a range between `after` and `before` from its newest end, continuing with `next`', async () => {
    const writer = await signUp(t.app);
    const tag = `range${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await post(t.app, writer, `m${i} #${tag}`)).id);
    const first = await feed(`?tag=${tag}&after=${ids[1]}&before=${ids[7]}&limit=3`);
    expect(first.items.map((m) => m.id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(first).toMatchObject({ next: ids[4], newer: null });
    const second = await feed(`?tag=${tag}&after=${ids[1]}&before=${first.next}&limit=3`);
    expect(second.items.map((m) => m.id)).toEqual([ids[3], ids[2]]);
    expect(second).toMatchObject({ next: null, newer: null });
  });
});

describe('likes', () => {
  it('counts 50 concurrent users liking twice as 50, and concurrent unlikes bring it to exactly 0', async () => {
    const author = await signUp(t.app);
    const message = await post(t.app, author, 'like me');
    const fans = await Promise.all(Array.from({ length: 50 }, () => signUp(t.app)));
    const like = (method: 'PUT' | 'DELETE') =>
      Promise.all(
        fans.flatMap((fan) =>
          [1, 2].map(() =>
            t.app.inject({ method, url: `/api/messages/${message.id}/like`, headers: fan.auth }),
          ),
        ),
      );

    const liked = await like('PUT');
    expect(liked.every((r) => r.statusCode === 200)).toBe(true);
    expect(liked.every((r) => r.json<LikeState>().likedByMe)).toBe(true);
    const [likeRows] = await t.orm.em
      .fork()
      .execute<{ count: string }[]>('select count(*) from likes where message_id = ?', [message.id]);
    expect(Number(likeRows?.count)).toBe(50);
    const afterLikes = await t.app.inject({
      method: 'GET',
      url: `/api/messages/${message.id}`,
      headers: fans[0]!.auth,
    });
    expect(afterLikes.json<Message>()).toMatchObject({ likeCount: 50, likedByMe: true });

    const unliked = await like('DELETE');
    expect(unliked.every((r) => r.statusCode === 200)).toBe(true);
    const afterUnlikes = await t.app.inject({ method: 'GET', url: `/api/messages/${message.id}` });
    expect(afterUnlikes.json<Message>().likeCount).toBe(0);
    const [remaining] = await t.orm.em
      .fork()
      .execute<{ rows: string }[]>('select count(*) as rows from likes where message_id = ?', [message.id]);
    expect(Number(remaining?.rows)).toBe(0);
  });

  it('answers 404 for liking a message that does not exist', async () => {
    const user = await signUp(t.app);
    const response = await t.app.inject({
      method: 'PUT',
      url: '/api/messages/999999999/like',
      headers: user.auth,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
  });
});

describe('deleting', () => {
  it("refuses to delete another user's message, and deleting your own removes its likes and tag links", async () => {
    const owner = await signUp(t.app);
    const other = await signUp(t.app);
    const message = await post(t.app, owner, 'short-lived #gone');
    await t.app.inject({ method: 'PUT', url: `/api/messages/${message.id}/like`, headers: other.auth });

    const forbidden = await t.app.inject({
      method: 'DELETE',
      url: `/api/messages/${message.id}`,
      headers: other.auth,
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/messages/${message.id}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode).toBe(204);
    const em = t.orm.em.fork();
    const [likes] = await em.execute<{ n: string }[]>(
      'select count(*) as n from likes where message_id = ?',
      [message.id],
    );
    const [links] = await em.execute<{ n: string }[]>(
      'select count(*) as n from message_tags where message_id = ?',
      [message.id],
    );
    expect(Number(likes!.n)).toBe(0);
    expect(Number(links!.n)).toBe(0);
    const gone = await t.app.inject({ method: 'GET', url: `/api/messages/${message.id}` });
    expect(gone.statusCode).toBe(404);
  });
});

describe('profiles, trending and privacy', () => {
  it('shows public profiles with counts and never a password hash or another user’s email', async () => {
    const dana = await signUp(t.app, { bot: true });
    const fan = await signUp(t.app);
    const message = await post(t.app, dana, 'beep #botlife');
    await t.app.inject({ method: 'PUT', url: `/api/messages/${message.id}/like`, headers: fan.auth });

    const profile = await t.app.inject({
      method: 'GET',
      url: `/api/users/${dana.username}`,
      headers: fan.auth,
    });
    expect(profile.json<Profile>()).toMatchObject({
      username: dana.username,
      bot: true,
      messageCount: 1,
      likesGiven: 0,
      likesReceived: 1,
    });
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: dana.auth });
    expect(me.json()).toMatchObject({ username: dana.username, email: dana.email, bot: true });

    const bodies = [
      profile.body,
      me.body,
      (await t.app.inject({ method: 'GET', url: '/api/messages', headers: fan.auth })).body,
    ];
    for (const body of bodies) {
      expect(body).not.toMatch(/argon2|password/i);
    }
    expect(profile.body).not.toContain(dana.email);
    expect(bodies[2]).not.toContain(dana.email);
    expect((await t.app.inject({ method: 'GET', url: '/api/users/nobody_here' })).statusCode).toBe(404);
  });

  it('ranks trending tags by use within the window', async () => {
    const user = await signUp(t.app);
    const hot = `hot${Date.now()}`;
    for (let i = 0; i < 3; i++) await post(t.app, user, `#${hot} number ${i}`);
    // Every unit the window takes: minutes (the README's `15m`), hours, days.
    for (const window of ['1m', '15m', '60m', '1h', '24h', '7d']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/tags/trending?window=${window}&limit=50`,
      });
      expect(response.statusCode, window).toBe(200);
      expect(response.json(), window).toContainEqual({ tag: hot, count: 3 });
    }
  });
});

describe('operations', () => {
  it('moves the flock counters on /metrics after posts and likes', async () => {
    const read = async (name: string) => {
      const text = (await t.metrics.inject({ method: 'GET', url: '/metrics' })).body;
      return [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'gm'))].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    };
    const names = [
      'flock_messages_posted_total',
      'flock_likes_total',
      'flock_replies_total',
      'flock_follows_total',
      'flock_unfollows_total',
    ];
    const before = await Promise.all(names.map(read));
    const user = await signUp(t.app);
    const other = await signUp(t.app, { bot: true });
    const message = await post(t.app, user, 'counted');
    await t.app.inject({ method: 'PUT', url: `/api/messages/${message.id}/like`, headers: user.auth });
    await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: other.auth,
      payload: { content: 'a counted reply', inReplyTo: message.id },
    });
    // Only changes count: the second follow and the second unfollow change nothing.
    for (const method of ['PUT', 'PUT', 'DELETE', 'DELETE'] as const) {
      await t.app.inject({ method, url: `/api/users/${user.username}/follow`, headers: other.auth });
    }
    expect(await Promise.all(names.map(read))).toEqual(before.map((n, i) => n + [2, 1, 1, 1, 1][i]!));
    const counters = (await t.metrics.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of ['flock_replies_total', 'flock_follows_total', 'flock_unfollows_total'])
      expect(counters).toMatch(new RegExp(`^${name}\\{source="bot"\\} \\d+`, 'm'));
    const text = (await t.metrics.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('flock_http_request_duration_seconds_bucket');
    expect(text).toContain('route="/api/messages/:id/like"');
    expect(text).toContain('flock_db_pool_connections{state="total"}');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('serves liveness, readiness and the OpenAPI document', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(docs.statusCode).toBe(200);
    const paths = Object.keys(docs.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/messages',
        '/api/messages/{id}/like',
        '/api/messages/{id}/thread',
        '/api/timelines/home',
        '/api/users/{username}',
        '/api/users/{username}/follow',
        '/api/users/{username}/followers',
        '/api/users/{username}/following',
      ]),
    );
    const documented = docs.json().paths;
    expect(Object.keys(documented['/api/users/{username}'])).toEqual(
      expect.arrayContaining(['get', 'patch']),
    );
    expect(Object.keys(documented['/api/users/{username}/follow'])).toEqual(
      expect.arrayContaining(['put', 'delete']),
    );
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});
