// Follows: PUT / DELETE /api/users/:username/follow (idempotent, one row and one event per change, even
// when two arrive at once), the followers and following lists (keyset-paged, the most recent first), the
// profile's counts and followedByMe, and every refused request storing nothing.
import type { AccountPage, FollowState, Profile } from '@flock/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { signUp, type TestUser } from './helpers/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const follow = (user: TestUser, username: string, method: 'PUT' | 'DELETE' = 'PUT') =>
  t.app.inject({ method, url: `/api/users/${username}/follow`, headers: user.auth });

const profile = async (username: string, viewer?: TestUser) => {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/users/${username}`,
    headers: viewer?.auth ?? {},
  });
  expect(response.statusCode).toBe(200);
  return response.json<Profile>();
};

const list = async (username: string, which: 'followers' | 'following', query = '') => {
  const response = await t.app.inject({ method: 'GET', url: `/api/users/${username}/${which}${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<AccountPage>();
};

const sql = <T>(text: string, params: unknown[] = []) =>
  t.orm.em.fork().getConnection().execute<T[]>(text, params);

/** The follow rows of a pair, and the follow events that name it, oldest first. */
async function written(follower: TestUser, followee: TestUser) {
  const rows = await sql<{ followed_event_id: string; unfollowed_event_id: string | null }>(
    `select f.followed_event_id::text, f.unfollowed_event_id::text from follows f
       join users a on a.id = f.follower_id join users b on b.id = f.followee_id
      where a.username = ? and b.username = ? order by f.id`,
    [follower.username, followee.username],
  );
  const events = await sql<{ id: string; type: string; payload: Record<string, unknown> }>(
    `select id::text, type, payload from events
      where type like 'follow.%' and payload->'author'->>'username' = ? and payload->>'followee' = ? order by events.id`,
    [follower.username, followee.username],
  );
  return { rows, events };
}

describe('PUT and DELETE /api/users/:username/follow', () => {
  it('follows and unfollows idempotently: one history row, one event per change, counts on both profiles', async () => {
    const ada = await signUp(t.app);
    const bob = await signUp(t.app, { bot: true });

    for (let i = 0; i < 2; i++) {
      const response = await follow(ada, bob.username.toUpperCase());
      expect(response.statusCode).toBe(200);
      expect(response.json<FollowState>()).toEqual({ following: true, followerCount: 1 });
    }
    expect(await profile(bob.username, ada)).toMatchObject({
      followerCount: 1,
      followingCount: 0,
      followedByMe: true,
    });
    expect(await profile(bob.username)).toMatchObject({ followedByMe: false });
    expect(await profile(bob.username, bob)).toMatchObject({ followedByMe: false });
    expect(await profile(ada.username, bob)).toMatchObject({ followerCount: 0, followingCount: 1 });

    let { rows, events } = await written(ada, bob);
    expect(events.map((event) => event.type)).toEqual(['follow.created']);
    expect(rows).toEqual([{ followed_event_id: events[0]!.id, unfollowed_event_id: null }]);
    const [ids] = await sql<{ ada: number; bob: number }>(
      'select (select id from users where username = ?) as ada, (select id from users where username = ?) as bob',
      [ada.username, bob.username],
    );
    expect(events[0]!.payload).toEqual({
      followerId: ids!.ada,
      followeeId: ids!.bob,
      followee: bob.username,
      author: { username: ada.username, bot: false },
      tags: [],
    });

    for (let i = 0; i < 2; i++) {
      const response = await follow(ada, bob.username, 'DELETE');
      expect(response.statusCode).toBe(200);
      expect(response.json<FollowState>()).toEqual({ following: false, followerCount: 0 });
    }
    ({ rows, events } = await written(ada, bob));
    expect(events.map((event) => event.type)).toEqual(['follow.created', 'follow.removed']);
    expect(rows).toEqual([{ followed_event_id: events[0]!.id, unfollowed_event_id: events[1]!.id }]);
    expect(await profile(bob.username, ada)).toMatchObject({ followerCount: 0, followedByMe: false });

    // Following again starts a new row: the history keeps the first.
    expect((await follow(ada, bob.username)).json<FollowState>()).toEqual({
      following: true,
      followerCount: 1,
    });
    ({ rows, events } = await written(ada, bob));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({ followed_event_id: events[2]!.id, unfollowed_event_id: null });
  });

  it('writes one row and one event when the same follow (or unfollow) arrives twice at once', async () => {
    const ada = await signUp(t.app);
    const bob = await signUp(t.app);
    for (let round = 0; round < 5; round++) {
      const follows = await Promise.all([follow(ada, bob.username), follow(ada, bob.username)]);
      expect(follows.map((response) => response.statusCode)).toEqual([200, 200]);
      expect(follows.map((response) => response.json<FollowState>().following)).toEqual([true, true]);
      const unfollows = await Promise.all([
        follow(ada, bob.username, 'DELETE'),
        follow(ada, bob.username, 'DELETE'),
      ]);
      expect(unfollows.map((response) => response.statusCode)).toEqual([200, 200]);
    }
    const { rows, events } = await written(ada, bob);
    expect(rows).toHaveLength(5);
    expect(events.map((event) => event.type)).toEqual(
      Array.from({ length: 5 }, () => ['follow.created', 'follow.removed']).flat(),
    );
  });

  it('answers 422 to following yourself and 404 to a missing account, storing nothing', async () => {
    const ada = await signUp(t.app);
    for (const method of ['PUT', 'DELETE'] as const) {
      const self = await follow(ada, ada.username, method);
      if (method === 'PUT') {
        expect(self.statusCode).toBe(422);
        expect(self.json()).toEqual({
          error: { code: 'CANNOT_FOLLOW_SELF', message: 'You cannot follow yourself' },
        });
      } else {
        // Not following yourself is true already.
        expect(self.statusCode).toBe(200);
      }
      const missing = await follow(ada, 'nobody_here_at_all', method);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('NOT_FOUND');
    }
    const [row] = await sql<{ rows: string; events: string }>(
      `select (select count(*) from follows f join users u on u.id = f.follower_id where u.username = ?)::text as rows,
              (select count(*) from events where type like 'follow.%' and payload->'author'->>'username' = ?)::text as events`,
      [ada.username, ada.username],
    );
    expect(row).toEqual({ rows: '0', events: '0' });
    expect(await profile(ada.username)).toMatchObject({ followerCount: 0, followingCount: 0 });
  });

  it('requires a token, and refuses a bad username with a 400', async () => {
    const ada = await signUp(t.app);
    const anonymous = await t.app.inject({ method: 'PUT', url: `/api/users/${ada.username}/follow` });
    expect(anonymous.statusCode).toBe(401);
    const bad = await follow(ada, 'no-dashes!');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('username');
  });
});

describe('GET /api/users/:username/followers and /following', () => {
  it('pages through 25 followers, the most recent first, without duplicates or gaps while others follow', async () => {
    const star = await signUp(t.app);
    const fans: TestUser[] = [];
    for (let i = 0; i < 25; i++) {
      const fan = await signUp(t.app);
      expect((await follow(fan, star.username)).statusCode).toBe(200);
      fans.push(fan);
    }
    // One unfollow: no longer listed.
    await follow(fans[3]!, star.username, 'DELETE');
    const expected = fans
      .filter((_, i) => i !== 3)
      .map((fan) => fan.username)
      .reverse();

    const seen: string[] = [];
    let page = await list(star.username, 'followers', '?limit=10');
    seen.push(...page.items.map((item) => item.username));
    // A follow after the first page was read is newer than the cursor: not in the pages that follow.
    await follow(await signUp(t.app), star.username);
    while (page.next) {
      page = await list(star.username, 'followers', `?limit=10&before=${page.next}`);
      seen.push(...page.items.map((item) => item.username));
    }
    expect(seen).toEqual(expected);

    const first = await list(star.username, 'followers', '?limit=1');
    expect(Object.keys(first.items[0]!).sort()).toEqual(['bio', 'bot', 'displayName', 'username']);
    const following = await list(fans[0]!.username, 'following');
    expect(following).toEqual({
      items: [{ username: star.username, displayName: null, bio: '', bot: false }],
      next: null,
    });
    expect(await list(star.username, 'following')).toEqual({ items: [], next: null });
    for (const body of [JSON.stringify(first), JSON.stringify(following)]) {
      expect(body).not.toContain('@example.test');
    }
  });

  it('answers 404 for a missing account and 400 for a bad cursor or limit', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/api/users/nobody_here_at_all/followers' });
    expect(missing.statusCode).toBe(404);
    const ada = await signUp(t.app);
    for (const query of ['?before=abc', '?limit=0', '?limit=101', '?after=1']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/users/${ada.username}/following${query}`,
      });
      expect(response.statusCode, query).toBe(400);
    }
  });
});
