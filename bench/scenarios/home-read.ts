// The home timeline, fan-out on read: GET /api/timelines/home?limit=20 for an account following 500 of
// 10,000 accounts, on 100k messages, against the same SQL through raw pg (lib/read-comparison.ts), with the
// public feed read on the same data beside it. Then what the choice costs: the rows a home page reads, and
// the rows a post writes for an author with 1,000 followers (fan-out on write would add one per follower).

import { homePageStatement } from '@flock/api/statements';
import type pg from 'pg';
import { seedMessages, seedUsers, startBareServer, startFlock } from '../lib/common.ts';
import { compareRead } from '../lib/read-comparison.ts';
import type { Row, Scenario } from '../lib/stats.ts';

/** Follow rows inserted directly, as if each follow's event had been pruned (event id 0). */
async function seedFollows(pool: pg.Pool, followerIds: number[], followeeIds: number[]): Promise<void> {
  await pool.query(
    `insert into follows (follower_id, followee_id, followed_event_id)
       select f, e, 0 from unnest($1::int[]) f cross join unnest($2::int[]) e where f <> e`,
    [followerIds, followeeIds],
  );
  await pool.query('analyze follows');
}

interface PlanNode {
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Rows the scans of a plan returned (rows × loops of each node that reads a table or an index). */
const rowsScanned = (node: PlanNode): number =>
  (node['Relation Name'] || node['Index Name']
    ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1)
    : 0) + (node.Plans ?? []).reduce((sum, child) => sum + rowsScanned(child), 0);

const TABLES = ['messages', 'message_tags', 'events', 'follows', 'likes', 'tags'];
const rowCounts = async (pool: pg.Pool) =>
  (
    await pool.query<{ n: string }>(
      `select (${TABLES.map((table) => `(select count(*) from ${table})`).join(' + ')})::text as n`,
    )
  ).rows[0]!.n;

export const homeRead: Scenario = {
  name: 'home',
  title: 'home timeline: GET /api/timelines/home?limit=20 (500 of 10,000 followed) vs raw pg',
  async run({ quick, log }) {
    const flock = await startFlock();
    const userCount = quick ? 200 : 10_000;
    const followCount = quick ? 10 : 500;
    const messageCount = quick ? 2_000 : 100_000;
    log(`home: seeding ${userCount} accounts, ${messageCount} messages, ${followCount} follows`);
    const users = await seedUsers(flock.pool, userCount);
    await seedMessages(flock.pool, users, messageCount);
    const viewer = users[0]!;
    // Spread over the id range, so the followed accounts' messages are spread over the timeline.
    const step = Math.floor(userCount / followCount);
    const followed = Array.from({ length: followCount }, (_, i) => users[1 + i * step]!.id);
    await seedFollows(flock.pool, [viewer.id], followed);
    const author = users[2]!;
    const followerCount = quick ? 50 : 1_000;
    await seedFollows(
      flock.pool,
      users.slice(3, 3 + followerCount).map((user) => user.id),
      [author.id],
    );
    const raw = await startBareServer('raw-pg', { DATABASE_URL: flock.database.url });
    const rows: Row[] = [];
    const details: Record<string, unknown> = {
      accounts: userCount,
      messages: messageCount,
      followed: followCount,
    };
    try {
      for (const [label, path] of [
        [`home, ${followCount} followed`, '/api/timelines/home?limit=20'],
        ['public feed, same data', '/api/messages?limit=20'],
      ] as const) {
        const measured = await compareRead(
          {
            scenario: 'home',
            label,
            quick,
            p95TargetMs: 10,
            flock: { url: flock.url, path, headers: { authorization: `Bearer ${viewer.token}` } },
            baseline: { url: raw.url, path, headers: { 'x-user-id': String(viewer.id) } },
          },
          log,
        );
        rows.push(...measured.rows);
        details[label] = measured.details;
      }

      log('home: what a page reads and a post writes');
      const page = homePageStatement({ viewerId: viewer.id, rows: 21 });
      const { rows: plans } = await flock.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `explain (analyze, format json) ${page.sql}`,
        [...page.parameters],
      );
      const homeRowsRead = rowsScanned(plans[0]!['QUERY PLAN'][0].Plan);
      const posts = quick ? 5 : 50;
      const before = BigInt(await rowCounts(flock.pool));
      for (let i = 0; i < posts; i++) {
        const response = await fetch(`${flock.url}/api/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${author.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content: `a post to ${followerCount} followers #tag${i % 50}` }),
        });
        if (response.status !== 201) throw new Error(`home: a post answered ${response.status}`);
      }
      const rowsPerPost = Number(BigInt(await rowCounts(flock.pool)) - before) / posts;
      rows.push(
        {
          scenario: 'home',
          figure: 'home page (21 rows): rows its scans read',
          flock: homeRowsRead,
          target: '—',
        },
        {
          scenario: 'home',
          figure: `post by an author with ${followerCount} followers: rows written`,
          flock: rowsPerPost,
          baseline: `${rowsPerPost + followerCount} on write`,
          target: '—',
        },
      );
      details.cost = {
        homeRowsRead,
        rowsPerPost,
        followerCount,
        fanOutOnWriteRowsPerPost: rowsPerPost + followerCount,
      };
      return { rows, details };
    } finally {
      await raw.stop();
      await flock.stop();
    }
  },
};
