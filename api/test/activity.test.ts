// GET /api/activity and the flock_active_users gauge: known posts, likes and sign-ups by people and bots,
// some moved back in time, counted exactly per window.
import type { Activity, ActivityBucket } from '@flock/shared';
import { connectLive, type LiveClient } from '@flock/testkit/live-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser } from './helpers/users.ts';

let t: TestApp;
let base: string;
let live: LiveClient;

const backdate = (table: 'messages' | 'users', id: string, interval: string) =>
  t.orm.em
    .fork()
    .getConnection()
    .execute(`update ${table} set created_at = now() - ?::interval where id = ?`, [interval, id]);

const like = async (user: TestUser, id: string) => {
  const response = await t.app.inject({ method: 'PUT', url: `/api/messages/${id}/like`, headers: user.auth });
  expect(response.statusCode).toBe(200);
};

const activity = async (query = '') => {
  const response = await t.app.inject({ method: 'GET', url: `/api/activity${query}` });
  expect(response.statusCode).toBe(200);
  return response.json<Activity>();
};

const total = (series: ActivityBucket[], field: 'posts' | 'likes' | 'signups') =>
  series.reduce(
    (sum, bucket) => ({ people: sum.people + bucket[field].people, bots: sum.bots + bucket[field].bots }),
    { people: 0, bots: 0 },
  );

const userId = async (username: string) =>
  String(
    (
      await t.orm.em
        .fork()
        .getConnection()
        .execute<{ id: number }[]>('select id from users where username = ?', [username])
    )[0]!.id,
  );

beforeAll(async () => {
  t = await createTestApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  // Two people and three bots sign up now; one more person signed up two hours ago and posted then.
  const ada = await signUp(t.app);
  const grace = await signUp(t.app);
  const b1 = await signUp(t.app, { bot: true });
  const b2 = await signUp(t.app, { bot: true });
  const b3 = await signUp(t.app, { bot: true });
  const old = await signUp(t.app);
  const ancient = await post(t.app, old, 'from before #ancient');
  await backdate('messages', ancient.id, '2 hours');
  await backdate('users', await userId(old.username), '2 hours');

  const a1 = await post(t.app, ada, 'one #alpha');
  await post(t.app, ada, 'two #alpha');
  // Grace posted half an hour ago: active in the last hour, not in the last 5 minutes.
  const g1 = await post(t.app, grace, 'three #beta');
  await backdate('messages', g1.id, '30 minutes');
  const m1 = await post(t.app, b1, 'beep #beta #gamma');
  await post(t.app, b1, 'boop #gamma #alpha');

  await like(ada, m1.id);
  await like(b2, a1.id);
  await like(b2, g1.id);
  await like(b3, a1.id);

  live = await connectLive(base, ada.token);
});

afterAll(async () => {
  await live?.close();
  await t?.close();
});

describe('GET /api/activity', () => {
  it('counts the last hour by the minute, people and bots apart', async () => {
    const body = await activity();
    expect(body.window).toBe('hour');
    expect(body.bucketSeconds).toBe(60);
    expect(body.series).toHaveLength(60);
    const starts = body.series.map((bucket) => Date.parse(bucket.start));
    expect(starts.every((start) => start % 60_000 === 0)).toBe(true);
    expect(starts.slice(1).map((start, i) => start - starts[i]!)).toEqual(Array(59).fill(60_000));
    // The last bucket is the minute under way.
    expect(Date.now() - starts.at(-1)!).toBeLessThan(60_000 + 5_000);
    expect(Date.now() - starts.at(-1)!).toBeGreaterThanOrEqual(0);

    expect(total(body.series, 'posts')).toEqual({ people: 3, bots: 2 });
    expect(total(body.series, 'likes')).toEqual({ people: 1, bots: 3 });
    expect(total(body.series, 'signups')).toEqual({ people: 2, bots: 3 });
    // Grace's post lands in the bucket of half an hour ago.
    const first = body.series.find((bucket) => bucket.posts.people > 0)!;
    expect(first.posts).toEqual({ people: 1, bots: 0 });
    expect(Math.round((Date.now() - Date.parse(first.start)) / 60_000)).toBeGreaterThanOrEqual(29);
    expect(Math.round((Date.now() - Date.parse(first.start)) / 60_000)).toBeLessThanOrEqual(31);

    expect(body.activeUsers).toEqual({ last5m: { people: 1, bots: 3 }, last1h: { people: 2, bots: 3 } });
    expect(body.liveConnections).toBe(1);
    expect(body.topTags).toEqual([
      { tag: 'alpha', count: 3 },
      { tag: 'beta', count: 2 },
      { tag: 'gamma', count: 2 },
    ]);
  });

  it('counts the last day by ten minutes, the older post and sign-up included', async () => {
    const body = await activity('?window=day');
    expect(body.window).toBe('day');
    expect(body.bucketSeconds).toBe(600);
    expect(body.series).toHaveLength(144);
    expect(body.series.every((bucket) => Date.parse(bucket.start) % 600_000 === 0)).toBe(true);
    expect(total(body.series, 'posts')).toEqual({ people: 4, bots: 2 });
    expect(total(body.series, 'likes')).toEqual({ people: 1, bots: 3 });
    expect(total(body.series, 'signups')).toEqual({ people: 3, bots: 3 });
    // Active users are always the last 5 minutes and hour, whatever the window.
    expect(body.activeUsers).toEqual({ last5m: { people: 1, bots: 3 }, last1h: { people: 2, bots: 3 } });
    expect(body.topTags).toEqual([
      { tag: 'alpha', count: 3 },
      { tag: 'beta', count: 2 },
      { tag: 'gamma', count: 2 },
      { tag: 'ancient', count: 1 },
    ]);
  });

  it('refuses an unknown window', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/activity?window=week' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('flock_active_users', () => {
  it('reports the distinct active accounts of each window from the database', async () => {
    const text = (await t.metrics.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('# TYPE flock_active_users gauge');
    expect(text).toMatch(/^flock_active_users\{window="5m"\} 4$/m);
    expect(text).toMatch(/^flock_active_users\{window="1h"\} 5$/m);
  });
});
