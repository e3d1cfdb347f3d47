// The acceptance run against the real API process on PostgreSQL: 20 bots at high rates for
// ~20 s (posts, likes, follows and replies), then what the database holds, what the agent's metrics
// say, SIGTERM, and a restart.

import { type AgentProcess, startAgentProcess } from '@flock/testkit/agent-process';
import { scrape } from '@flock/testkit/metrics';
import { sleep, waitFor } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botUsername } from '../src/identity.ts';
import { type ApiWithPool, startApiWithPool } from './helpers/test-api.ts';

const BOTS = 20;
const POOL = ['red', 'green', 'blue', 'amber'];
let api: ApiWithPool;

beforeAll(async () => {
  api = await startApiWithPool();
});
afterAll(async () => {
  await api?.close();
});

const agentEnv = () => ({
  SWARM_NAME: 'accept',
  POD_NAME: 'accept-bots-0',
  BOTS_PER_POD: String(BOTS),
  POSTS_PER_HOUR: '900',
  LIKES_PER_HOUR: '1800',
  FOLLOWS_PER_HOUR: '900',
  REPLIES_PER_HOUR: '900',
  TAG_POOL: POOL.join(','),
  JITTER_PERCENT: '20',
  SEED: 'acceptance',
  TARGET_URL: api.url,
  FEED_REFRESH_SECONDS: '2',
});

const activeBots = async (agent: AgentProcess) =>
  (await scrape(agent.metricsUrl)).get('flock_bots_active') === BOTS || undefined;

async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await api.db.query<T>(sql, params)).rows;
}

describe('20 bots at high rates against the real API', () => {
  let first: Record<string, number>;

  it('run ~20 s, serve metrics and health, and stop within 5 s of SIGTERM with code 0', async () => {
    const agent = await startAgentProcess(agentEnv());
    await waitFor('all bots signed in', () => activeBots(agent));
    await sleep(18_000);

    const health = await fetch(`${agent.metricsUrl}/healthz`);
    expect(health.status).toBe(200);
    const samples = await scrape(agent.metricsUrl);
    expect(samples.get('flock_bots_configured')).toBe(BOTS);
    expect(samples.get('flock_bot_actions_total{kind="register",outcome="ok"}')).toBe(BOTS);
    expect(samples.get('flock_bot_actions_total{kind="post",outcome="ok"}')).toBeGreaterThan(0);
    expect(samples.get('flock_bot_action_duration_seconds_count{kind="post"}')).toBeGreaterThan(0);
    expect(samples.get('flock_bot_agent_info{swarm="accept",pod="accept-bots-0",version="0.1.0"}')).toBe(1);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);

    const exit = await agent.terminate();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(5_000);
    first = agent.totals();
  });

  it('made 20 accounts, all marked bot, with the stable names', async () => {
    const users = await query<{ username: string; email: string; bot: boolean }>(
      'select username, email, bot from users order by id',
    );
    const expected = Array.from({ length: BOTS }, (_, i) => botUsername('accept', 'accept-bots-0', i));
    expect(users.map((u) => u.username).sort()).toEqual(expected.sort());
    expect(users.every((u) => u.bot)).toBe(true);
    expect(users.every((u) => u.email === `${u.username}@bots.flock.invalid`)).toBe(true);
  });

  it('posted at about the configured rate, with 1–3 tags from the pool on every message', async () => {
    // 20 bots × 900/h × ~18 s ≈ 90 posts: far more than 30 even on a slow machine.
    expect(first['post.ok']).toBeGreaterThan(30);
    const tags = await query<{ name: string }>(
      'select distinct t.name from tags t join message_tags mt on mt.tag_id = t.id',
    );
    expect(tags.length).toBeGreaterThan(0);
    for (const { name } of tags) expect(POOL).toContain(name);
    const perMessage = await query<{ n: number }>(
      'select count(mt.tag_id)::int as n from messages m left join message_tags mt on mt.message_id = m.id group by m.id',
    );
    expect(perMessage.length).toBe(first['post.ok']! + first['reply.ok']!);
    for (const { n } of perMessage) expect(n).toBeGreaterThanOrEqual(1);
    for (const { n } of perMessage) expect(n).toBeLessThanOrEqual(3);
  });

  it('liked existing messages of others, never the same one twice', async () => {
    expect(first['like.ok']).toBeGreaterThan(30);
    const [likes] = await query<{ total: number; distinct_pairs: number; on_messages: number; own: number }>(
      `select count(*)::int as total,
              count(distinct (l.user_id, l.message_id))::int as distinct_pairs,
              count(m.id)::int as on_messages,
              count(*) filter (where m.user_id = l.user_id)::int as own
         from likes l left join messages m on m.id = l.message_id`,
    );
    expect(likes).toEqual({
      total: first['like.ok'],
      distinct_pairs: first['like.ok'],
      on_messages: first['like.ok'],
      own: 0,
    });
    // like_count agrees with the likes table.
    const [counts] = await query<{ sum: number }>(
      'select coalesce(sum(like_count), 0)::int as sum from messages',
    );
    expect(counts?.sum).toBe(first['like.ok']);
  });

  it('followed others whose messages it saw, each once, never itself', async () => {
    // 20 bots × 900/h × ~18 s ≈ 90 follows, of at most 20 × 19 pairs.
    expect(first['follow.ok']).toBeGreaterThan(30);
    const [follows] = await query<{ total: number; distinct_pairs: number; active: number; authors: number }>(
      `select count(*)::int as total, count(distinct (f.follower_id, f.followee_id))::int as distinct_pairs,
              count(*) filter (where f.unfollowed_event_id is null)::int as active,
              count(*) filter (where exists (select 1 from messages m where m.user_id = f.followee_id))::int as authors
         from follows f`,
    );
    expect(follows).toEqual({
      total: first['follow.ok'],
      distinct_pairs: first['follow.ok'],
      active: first['follow.ok'],
      authors: first['follow.ok'],
    });
  });

  it('replied to existing messages of others, with reply counts that agree', async () => {
    expect(first['reply.ok']).toBeGreaterThan(30);
    const [replies] = await query<{ total: number; on_messages: number; own: number; counted: number }>(
      `select count(*)::int as total, count(p.id)::int as on_messages,
              count(*) filter (where p.user_id = r.user_id)::int as own,
              (select coalesce(sum(reply_count), 0)::int from messages) as counted
         from messages r left join messages p on p.id = r.in_reply_to_id
        where r.in_reply_to_id is not null`,
    );
    expect(replies).toEqual({
      total: first['reply.ok'],
      on_messages: first['reply.ok'],
      own: 0,
      counted: first['reply.ok'],
    });
  });

  it('has metrics that agree with the database', async () => {
    const [db] = await query<{
      users: number;
      posts: number;
      replies: number;
      likes: number;
      follows: number;
    }>(
      `select (select count(*) from users)::int as users,
              (select count(*) from messages where in_reply_to_id is null)::int as posts,
              (select count(*) from messages where in_reply_to_id is not null)::int as replies,
              (select count(*) from likes)::int as likes, (select count(*) from follows)::int as follows`,
    );
    // Every request the agent counted as ok is in the database, and nothing else is: PUT like and PUT
    // follow are idempotent, so one sent twice would show as one more ok than rows.
    expect(db).toEqual({
      users: first['register.ok'],
      posts: first['post.ok'],
      replies: first['reply.ok'],
      likes: first['like.ok'],
      follows: first['follow.ok'],
    });
    expect(first['register.ok']).toBe(BOTS);
  });

  it('creates no new accounts when restarted: it logs in with the same names', async () => {
    const agent = await startAgentProcess(agentEnv());
    await waitFor('all bots signed in again', () => activeBots(agent));
    await sleep(3_000);
    const exit = await agent.terminate();
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(5_000);
    const totals = agent.totals();
    expect(totals['register.conflict']).toBe(BOTS);
    expect(totals['login.ok']).toBe(BOTS);
    expect(totals['register.ok']).toBeUndefined();
    const [users] = await query<{ n: number }>('select count(*)::int as n from users');
    expect(users?.n).toBe(BOTS);
    // Still posting after the restart.
    expect(totals['post.ok']).toBeGreaterThan(0);
    const [messages] = await query<{ n: number }>('select count(*)::int as n from messages');
    expect(messages?.n).toBe(
      first['post.ok']! + first['reply.ok']! + totals['post.ok']! + (totals['reply.ok'] ?? 0),
    );
  });
});
