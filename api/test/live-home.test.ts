// The private `home` stream, on two real API processes over one PostgreSQL: it carries its owner's own
// messages and those of the accounts it follows as of each event's id, to its owner alone; a resume with
// `since` on the other replica replays a follow or an unfollow made while away by the same rule.
import type { FollowState, Message } from '@flock/shared';
import { type Account, register } from '@flock/testkit/accounts';
import { type ApiProcess, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { connectLive, type LiveClient } from '@flock/testkit/live-client';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pruneEvents } from '../src/live/retention.ts';
import { createTestApp } from './helpers/app.ts';

let database: TestDatabase;
let replicas: ApiProcess[];
let a: string;
let b: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const env = { DATABASE_URL: database.url, JWT_SECRET: TEST_JWT_SECRET, AUTH_RATE_LIMIT_MAX: '10000' };
  // The first applies the migrations; the second finds them applied.
  replicas = [await startApiProcess(env)];
  replicas.push(await startApiProcess(env));
  [a, b] = replicas.map((replica) => replica.url) as [string, string];
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  for (const replica of replicas ?? []) if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
  await Promise.all((replicas ?? []).map((replica) => replica.exited));
  await database?.drop();
});

const connect = async (base: string, account: Account) => {
  const client = await connectLive(base, account.token);
  clients.push(client);
  return client;
};

async function call<T>(base: string, account: Account, method: string, path: string, body?: object) {
  const response = await fetch(`${base}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${account.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const postVia = (base: string, account: Account, content: string) =>
  call<Message>(base, account, 'POST', '/messages', { content });
const follow = (base: string, follower: Account, followee: Account) =>
  call<FollowState>(base, follower, 'PUT', `/users/${followee.username}/follow`);
const unfollow = (base: string, follower: Account, followee: Account) =>
  call<FollowState>(base, follower, 'DELETE', `/users/${followee.username}/follow`);

/** The `home` events a client got, as `event content` (or `event id` when the data has no content). */
const home = (client: LiveClient) =>
  client.events('home').map((e) => `${e.event} ${'content' in e.data ? e.data.content : e.data.id}`);

/** Posts a message of the client's own account and waits for it on `home`: everything before it is in. */
async function settle(client: LiveClient, base: string, owner: Account, marker: string) {
  await postVia(base, owner, marker);
  return client.waitFor(
    () => client.events('home').find((e) => e.event === 'message.created' && e.data.content === marker),
    10_000,
    marker,
  );
}

const fresh = () => Promise.all([register(a, { prefix: 'h' }), register(a, { prefix: 'h' })]);

describe('the home stream', () => {
  it("carries its owner's messages and those of the accounts it follows, likes and deletions too, and no one else's", async () => {
    const [reader, followed] = await fresh();
    const stranger = await register(b, { prefix: 'h' });
    await follow(a, reader, followed);
    const client = await connect(a, reader);
    expect(await client.subscribe('home')).toMatchObject({ type: 'subscribed', stream: 'home' });

    const theirs = await postVia(b, followed, 'followed one');
    await postVia(b, stranger, 'stranger one');
    await call(b, stranger, 'PUT', `/messages/${theirs.id}/like`);
    await call(b, followed, 'DELETE', `/messages/${theirs.id}`);
    await settle(client, a, reader, 'own one');

    expect(home(client)).toEqual([
      'message.created followed one',
      `message.liked ${theirs.id}`,
      `message.deleted ${theirs.id}`,
      'message.created own one',
    ]);
    expect(client.events().every((e) => e.streams.join() === 'home')).toBe(true);
  });

  it('starts with a follow and stops with an unfollow, from their event ids on, live', async () => {
    const [reader, followed] = await fresh();
    const client = await connect(b, reader);
    await client.subscribe('home');
    await postVia(a, followed, 'before the follow');
    await follow(a, reader, followed);
    await postVia(b, followed, 'while followed');
    await unfollow(b, reader, followed);
    await postVia(a, followed, 'after the unfollow');
    await settle(client, b, reader, 'own marker');
    expect(home(client)).toEqual(['message.created while followed', 'message.created own marker']);
  });

  it('is shown with public on one frame when both match, and each account sees its own home alone', async () => {
    const [one, two] = await fresh();
    const third = await register(b, { prefix: 'h' });
    await follow(b, one, third);
    const first = await connect(a, one);
    const second = await connect(b, two);
    await first.subscribe('home');
    await first.subscribe('public');
    await second.subscribe('home');
    await postVia(a, third, 'third speaks');
    await postVia(b, two, 'two speaks');
    await settle(first, a, one, 'one speaks');
    await settle(second, b, two, 'two again');

    expect(home(first)).toEqual(['message.created third speaks', 'message.created one speaks']);
    expect(home(second)).toEqual(['message.created two speaks', 'message.created two again']);
    const both = first
      .events()
      .find((e) => e.event === 'message.created' && e.data.content === 'third speaks');
    expect(both?.streams).toEqual(['home', 'public']);
    // A follow of someone else's changes no one else's home.
    await follow(a, two, one);
    await settle(first, a, one, 'one once more');
    await second.waitFor(() => home(second).includes('message.created one once more'), 10_000, 'the follow');
    expect(home(first)).not.toContain('message.created two again');
  });

  it('resumes on the other replica with the messages from a follow made while away, and none before it', async () => {
    const [reader, followed] = await fresh();
    const away = await connect(a, reader);
    await away.subscribe('home');
    const lastSeen = await settle(away, a, reader, 'seen before leaving');
    await away.close();

    await postVia(b, followed, 'posted before the follow');
    await follow(b, reader, followed);
    await postVia(b, followed, 'posted after the follow');
    await postVia(a, followed, 'and another');

    const back = await connect(b, reader);
    expect(await back.subscribe('home', lastSeen.id)).toMatchObject({
      type: 'subscribed',
      position: lastSeen.id,
    });
    await settle(back, b, reader, 'back again');
    expect(home(back)).toEqual([
      'message.created posted after the follow',
      'message.created and another',
      'message.created back again',
    ]);
    const ids = back.events('home').map((e) => BigInt(e.id));
    expect(ids.every((id, i) => id > BigInt(lastSeen.id) && (i === 0 || id > ids[i - 1]!))).toBe(true);
  });

  it('resumes on the other replica without the messages from an unfollow made while away, but with those before it', async () => {
    const [reader, followed] = await fresh();
    await follow(a, reader, followed);
    const away = await connect(b, reader);
    await away.subscribe('home');
    const lastSeen = await settle(away, b, reader, 'seen before leaving');
    await away.close();

    await postVia(a, followed, 'still followed');
    await unfollow(a, reader, followed);
    await postVia(b, followed, 'no longer followed');

    const back = await connect(a, reader);
    await back.subscribe('home', lastSeen.id);
    await settle(back, a, reader, 'back again');
    expect(home(back)).toEqual(['message.created still followed', 'message.created back again']);
  });

  it('replays an unfollow and a follow again, made while away, each from its own event id', async () => {
    const [reader, followed] = await fresh();
    await follow(a, reader, followed);
    const away = await connect(a, reader);
    await away.subscribe('home');
    const lastSeen = await settle(away, a, reader, 'seen before leaving');
    await away.close();

    await postVia(b, followed, 'one');
    await unfollow(b, reader, followed);
    await postVia(a, followed, 'two');
    await follow(a, reader, followed);
    await postVia(b, followed, 'three');
    await unfollow(a, reader, followed);
    await postVia(b, followed, 'four');

    const back = await connect(b, reader);
    await back.subscribe('home', lastSeen.id);
    await settle(back, b, reader, 'back again');
    expect(home(back)).toEqual([
      'message.created one',
      'message.created three',
      'message.created back again',
    ]);
  });

  it('resumes from before a follow that the live subscription then continues', async () => {
    const [reader, followed] = await fresh();
    const away = await connect(a, reader);
    await away.subscribe('home');
    const lastSeen = await settle(away, a, reader, 'seen before leaving');
    await away.close();
    await follow(a, reader, followed);

    const back = await connect(b, reader);
    await back.subscribe('home', lastSeen.id);
    // Live from here: the follow made in the gap routes this replica's live events too.
    await postVia(a, followed, 'live after the resume');
    await unfollow(b, reader, followed);
    await postVia(b, followed, 'live after the unfollow');
    await settle(back, b, reader, 'own marker');
    expect(home(back)).toEqual(['message.created live after the resume', 'message.created own marker']);
  });

  it('answers a home of someone else, or a malformed one, as a bad frame and stays open', async () => {
    const [reader] = await fresh();
    const client = await connect(a, reader);
    for (const stream of [`home:${reader.username}`, 'home:', 'Home']) {
      const before = client.frames.length;
      client.socket.send(JSON.stringify({ type: 'subscribe', stream }));
      await client.waitFor(() => client.frames.slice(before).find((f) => f.type === 'error'), 5_000, stream);
      expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'BAD_FRAME' });
    }
    expect(await client.subscribe('home')).toMatchObject({ type: 'subscribed', stream: 'home' });
    await settle(client, a, reader, 'still open');
  });

  it("drops a deleted account from its followers' homes: a new account of the same name is not followed", async () => {
    const [reader, followed] = await fresh();
    await follow(a, reader, followed);
    const client = await connect(b, reader);
    await client.subscribe('home');
    await postVia(a, followed, 'the first account');
    await call(a, followed, 'DELETE', '/users/me', { password: 'long enough password' });
    const again = await register(a, { username: followed.username });
    await postVia(b, again, 'the new account');
    await settle(client, b, reader, 'own marker');
    expect(home(client)).toEqual([
      'message.created the first account',
      expect.stringMatching(/^message\.deleted /),
      'message.created own marker',
    ]);
  });

  it('holds the rule under churn: follows, unfollows, posts and subscribes interleaved across both replicas', async () => {
    const [reader, author] = await fresh();
    const first = await connect(a, reader);
    const start = await first.subscribe('home');
    const startedAt = start.type === 'subscribed' ? start.position : '';
    const joining: Promise<{ client: LiveClient; from: string }>[] = [];

    // Posts by the author through both replicas, while the reader follows and unfollows it through both,
    // and other homes of the reader start (one fresh, one resuming from the start) in the middle of it.
    const posts = (async () => {
      for (let i = 0; i < 40; i++) {
        await postVia(i % 2 ? a : b, author, `churn ${i}`);
        if (i === 15) {
          joining.push(
            (async () => {
              const client = await connect(b, reader);
              const frame = await client.subscribe('home');
              return { client, from: frame.type === 'subscribed' ? frame.position : '' };
            })(),
            (async () => {
              const client = await connect(b, reader);
              await client.subscribe('home', startedAt);
              return { client, from: startedAt };
            })(),
          );
        }
      }
    })();
    const toggles = (async () => {
      for (let i = 0; i < 12; i++) await (i % 2 ? unfollow : follow)(i % 3 ? a : b, reader, author);
    })();
    await Promise.all([posts, toggles]);
    const watchers = [{ client: first, from: startedAt }, ...(await Promise.all(joining))];
    for (const { client } of watchers) await settle(client, a, reader, `churned ${client.frames.length}`);

    // What the rule says, from the database: the author's messages inside a follow's span of event ids.
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const spans = (
        await db.query<{ from: string; to: string | null }>(
          `select f.followed_event_id::text as from, f.unfollowed_event_id::text as to
             from follows f join users r on r.id = f.follower_id join users x on x.id = f.followee_id
            where r.username = $1 and x.username = $2`,
          [reader.username, author.username],
        )
      ).rows;
      expect(spans).toHaveLength(6);
      const created = (
        await db.query<{ id: string }>(
          `select id::text from events where type = 'message.created' and payload->'author'->>'username' = $1 order by id`,
          [author.username],
        )
      ).rows.map((row) => BigInt(row.id));
      const followedAt = (id: bigint) =>
        spans.some((span) => BigInt(span.from) < id && (span.to === null || id < BigInt(span.to)));
      for (const { client, from } of watchers) {
        const expected = created.filter((id) => id > BigInt(from) && followedAt(id));
        const received = client
          .events('home')
          .filter((e) => e.event === 'message.created' && e.data.author.username === author.username)
          .map((e) => BigInt(e.id));
        expect(received).toEqual(expected);
      }
      // The churn really straddled the follows: some of the author's messages are in, some are out.
      const inside = created.filter(followedAt).length;
      expect(inside).toBeGreaterThan(0);
      expect(inside).toBeLessThan(created.length);
    } finally {
      await db.end();
    }
  });

  // Last: it prunes the log up to its own events, so every earlier position is gone.
  it('prunes the follows that ended with the pruned events, and asks a resume from before them to resync', async () => {
    const [reader, once, still] = [...(await fresh()), await register(b, { prefix: 'h' })];
    await follow(a, reader, once);
    await unfollow(a, reader, once);
    await follow(b, reader, still);
    const away = await connect(a, reader);
    await away.subscribe('home');
    const lastSeen = await settle(away, a, reader, 'seen before the prune');
    await away.close();
    await unfollow(b, reader, still);

    // A third replica, in this process, for its database handle and the pruning it runs.
    const local = await createTestApp({ database });
    try {
      const em = local.orm.em.fork();
      const history = () =>
        em.execute<{ followee: string; ended: boolean }[]>(
          `select u.username as followee, f.unfollowed_event_id is not null as ended
             from follows f join users u on u.id = f.followee_id
            where f.follower_id = (select id from users where username = ?) order by f.id`,
          [reader.username],
        );
      expect(await history()).toEqual([
        { followee: once.username, ended: true },
        { followee: still.username, ended: true },
      ]);
      // Everything up to the last event seen is past the retention window.
      await em.execute(`update events set created_at = now() - interval '2 days' where id <= ?`, [
        lastSeen.id,
      ]);
      expect(await pruneEvents(em, 3600)).toBe(BigInt(lastSeen.id));
      // The unfollow of `once` was before that; the one of `still` after: its row stays for resumes.
      expect(await history()).toEqual([{ followee: still.username, ended: true }]);
    } finally {
      await local.close();
    }

    const before = await connect(b, reader);
    expect(await before.subscribe('home', String(BigInt(lastSeen.id) - 1n))).toMatchObject({
      type: 'resync',
    });
    const back = await connect(b, reader);
    await back.subscribe('home', lastSeen.id);
    await settle(back, b, reader, 'after the prune');
    expect(home(back)).toEqual(['message.created after the prune']);
  });
});
