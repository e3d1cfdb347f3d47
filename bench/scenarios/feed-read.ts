// Feed reads: GET /api/messages?limit=20 (authenticated; all, and by tag) on ≥ 100k messages against the
// same SQL through raw pg in a bare Fastify handler (lib/read-comparison.ts).

import { seedMessages, seedUsers, startBareServer, startFlock, TAGS } from '../lib/common.ts';
import { compareRead } from '../lib/read-comparison.ts';
import type { Row, Scenario } from '../lib/stats.ts';

export const feedRead: Scenario = {
  name: 'feed',
  title: 'feed read: GET /api/messages?limit=20 vs raw pg',
  async run({ quick, log }) {
    const flock = await startFlock();
    const messageCount = quick ? 2_000 : 100_000;
    const users = await seedUsers(flock.pool, quick ? 20 : 1_000);
    log(`feed: seeding ${messageCount} messages`);
    await seedMessages(flock.pool, users, messageCount);
    const raw = await startBareServer('raw-pg', { DATABASE_URL: flock.database.url });
    const viewer = users[0]!;
    const rows: Row[] = [];
    const details: Record<string, unknown> = { messages: messageCount };
    try {
      for (const [label, query] of [
        ['all', '?limit=20'],
        ['by tag', `?limit=20&tag=${TAGS[7]}`],
      ] as const) {
        const measured = await compareRead(
          {
            scenario: 'feed',
            label,
            quick,
            p95TargetMs: 10,
            flock: {
              url: flock.url,
              path: `/api/messages${query}`,
              headers: { authorization: `Bearer ${viewer.token}` },
            },
            baseline: {
              url: raw.url,
              path: `/api/messages${query}`,
              headers: { 'x-user-id': String(viewer.id) },
            },
          },
          log,
        );
        rows.push(...measured.rows);
        details[label] = measured.details;
      }
      return { rows, details };
    } finally {
      await raw.stop();
      await flock.stop();
    }
  },
};
