// Feed reads: GET /api/messages?limit=20 (authenticated; all, and by tag) on ≥ 100k messages against the
// same SQL through raw pg in a bare Fastify handler. Maximum throughput (closed loop), then latency at
// 70% of each side's own maximum (fixed rate).

import { seedMessages, seedUsers, startBareServer, startFlock, TAGS } from '../lib/common.ts';
import { alternate, runLoad } from '../lib/load.ts';
import type { Row, Scenario } from '../lib/stats.ts';
import { pairedRatio, summarise } from '../lib/stats.ts';

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
    const timing = quick
      ? { seconds: 1, warmupSeconds: 0, rounds: 1, connections: 8 }
      : { seconds: 4, warmupSeconds: 3, rounds: 5, connections: 16 };
    try {
      for (const [label, query] of [
        ['all', '?limit=20'],
        ['by tag', `?limit=20&tag=${TAGS[7]}`],
      ] as const) {
        log(`feed (${label}): throughput`);
        const flockTarget = {
          url: flock.url,
          path: `/api/messages${query}`,
          headers: { authorization: `Bearer ${viewer.token}` },
        };
        const rawTarget = {
          url: raw.url,
          path: `/api/messages${query}`,
          headers: { 'x-user-id': String(viewer.id) },
        };
        const runs = await alternate({ flock: flockTarget, baseline: rawTarget }, timing);
        const f = summarise(runs.flock.map((r) => r.rps));
        const b = summarise(runs.baseline.map((r) => r.rps));
        log(`feed (${label}): latency at 70% of each maximum`);
        const fixedSeconds = quick ? 1 : 8;
        const flockFixed = await runLoad(flockTarget, {
          seconds: fixedSeconds,
          rate: f.median * 0.7,
          connections: timing.connections,
        });
        const rawFixed = await runLoad(rawTarget, {
          seconds: fixedSeconds,
          rate: b.median * 0.7,
          connections: timing.connections,
        });
        const paired = pairedRatio(
          runs.flock.map((r) => r.rps),
          runs.baseline.map((r) => r.rps),
        );
        const ratio = paired.ratio;
        rows.push(
          {
            scenario: 'feed',
            figure: `${label}: requests/s`,
            flock: f.median,
            baseline: b.median,
            ratio,
            target: '≥ 0.70×',
            met: ratio >= 0.7,
            spreadPct: paired.spreadPct,
          },
          {
            scenario: 'feed',
            figure: `${label}: p95 / p99 at 70% load`,
            flock: `${flockFixed.p95} / ${flockFixed.p99}`,
            baseline: `${rawFixed.p95} / ${rawFixed.p99}`,
            unit: 'ms',
            target: 'p95 ≤ 10 ms',
            met: flockFixed.p95 <= 10,
          },
        );
        details[label] = { flock: f, baseline: b, paired, runs, flockFixed, rawFixed };
      }
      return { rows, details };
    } finally {
      await raw.stop();
      await flock.stop();
    }
  },
};
