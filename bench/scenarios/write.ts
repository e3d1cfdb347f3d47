// Posting and liking: the API against the same transactions through raw pg in a bare Fastify handler.
// Likes go to distinct (user, message) pairs, spread over messages so no row is contended, and Flock and
// the baseline like disjoint halves of the messages, so every like is a real change on both sides.
import type { Request } from 'autocannon';
import { messageIds, seedMessages, seedUsers, startBareServer, startFlock } from '../lib/common.ts';
import { alternate, type Target } from '../lib/load.ts';
import { pairedRatio, type Row, type Scenario, summarise } from '../lib/stats.ts';

export const write: Scenario = {
  name: 'write',
  title: 'post and like: the API vs the same transaction through raw pg',
  async run({ quick, log }) {
    const flock = await startFlock();
    const users = await seedUsers(flock.pool, quick ? 20 : 500);
    await seedMessages(flock.pool, users, quick ? 1_000 : 20_000);
    const ids = await messageIds(flock.pool, quick ? 1_000 : 20_000);
    const raw = await startBareServer('raw-pg', { DATABASE_URL: flock.database.url });
    const timing = quick
      ? { seconds: 1, warmupSeconds: 0, rounds: 1, connections: 8 }
      : { seconds: 4, warmupSeconds: 2, rounds: 5, connections: 16 };
    const rows: Row[] = [];
    const details: Record<string, unknown> = {};
    try {
      const poster = users[1]!;
      const body = JSON.stringify({
        content: 'a benchmark post about #birds and #kubernetes',
        tags: ['flock'],
      });
      log('write: posts');
      const posts = await alternate(
        {
          flock: {
            url: flock.url,
            method: 'POST',
            path: '/api/messages',
            body,
            headers: { authorization: `Bearer ${poster.token}` },
          },
          baseline: {
            url: raw.url,
            method: 'POST',
            path: '/api/messages',
            body,
            headers: { 'x-user-id': String(poster.id) },
          },
        },
        timing,
      );

      const half = Math.floor(ids.length / 2);
      const likeTarget = (
        url: string,
        messages: string[],
        headersOf: (i: number) => Record<string, string>,
      ): Target => {
        let i = 0;
        return {
          url,
          method: 'PUT',
          path: `/api/messages/${messages[0]}/like`,
          setupRequest: (request: Request) => {
            const n = i++;
            const message = messages[n % messages.length]!;
            const user = Math.floor(n / messages.length) % users.length;
            return {
              ...request,
              path: `/api/messages/${message}/like`,
              headers: { ...request.headers, ...headersOf(user) },
            };
          },
        };
      };
      log('write: likes');
      const likes = await alternate(
        {
          flock: likeTarget(flock.url, ids.slice(0, half), (u) => ({
            authorization: `Bearer ${users[u]!.token}`,
          })),
          baseline: likeTarget(raw.url, ids.slice(half), (u) => ({ 'x-user-id': String(users[u]!.id) })),
        },
        timing,
      );
      const { rows: counted } = await flock.pool.query<{ likes: string }>(
        'select count(*) as likes from likes',
      );
      for (const [figure, runs, target] of [
        ['post: requests/s', posts, 0.7],
        ['like: requests/s', likes, 0.75],
      ] as const) {
        const f = summarise(runs.flock.map((r) => r.rps));
        const b = summarise(runs.baseline.map((r) => r.rps));
        const paired = pairedRatio(
          runs.flock.map((r) => r.rps),
          runs.baseline.map((r) => r.rps),
        );
        const ratio = paired.ratio;
        rows.push({
          scenario: 'write',
          figure,
          flock: f.median,
          baseline: b.median,
          ratio,
          target: `≥ ${target.toFixed(2)}×`,
          met: ratio >= target,
          spreadPct: paired.spreadPct,
        });
        details[figure] = { flock: f, baseline: b, paired, runs };
      }
      details.likesStored = Number(counted[0]!.likes);
      return { rows, details };
    } finally {
      await raw.stop();
      await flock.stop();
    }
  },
};
