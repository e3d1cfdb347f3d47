// The API process stopped mid-run and started again on the same port and database: the agent neither
// crashes nor gives up, and every bot is posting or liking again soon after the API is back.

import { startAgentProcess } from '@flock/testkit/agent-process';
import { scrape } from '@flock/testkit/metrics';
import { sleep, waitFor } from '@flock/testkit/waiting';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiWithPool, startApiWithPool } from './helpers/test-api.ts';

const BOTS = 10;
let api: ApiWithPool;

beforeAll(async () => {
  api = await startApiWithPool();
});
afterAll(async () => {
  await api?.close();
});

it('survives the API being stopped and restarted, and resumes', async () => {
  const agent = await startAgentProcess({
    SWARM_NAME: 'outage',
    POD_NAME: 'outage-0',
    BOTS_PER_POD: String(BOTS),
    POSTS_PER_HOUR: '900',
    LIKES_PER_HOUR: '1800',
    TAG_POOL: 'storm',
    SEED: 'outage',
    TARGET_URL: api.url,
    FEED_REFRESH_SECONDS: '2',
    // The default cap (30 s) is for minutes-long outages (tested on the fake clock); a short cap keeps
    // this run short.
    BACKOFF_MAX_MS: '3000',
  });
  await waitFor(
    'bots signed in',
    async () => (await scrape(agent.metricsUrl)).get('flock_bots_active') === BOTS,
  );
  await sleep(2_000);

  await api.stop();
  await sleep(4_000);
  // Down, not dead: the agent is alive, healthy, and has noticed.
  expect(agent.child.exitCode).toBeNull();
  expect((await fetch(`${agent.metricsUrl}/healthz`)).status).toBe(200);
  const during = await scrape(agent.metricsUrl);
  const networkErrors = [...during].filter(
    ([name]) => name.startsWith('flock_bot_actions_total') && name.includes('network_error'),
  );
  expect(networkErrors.reduce((sum, [, value]) => sum + value, 0)).toBeGreaterThan(0);
  expect(during.get('flock_bot_errors_total{reason="network_error"}')).toBeGreaterThan(0);
  expect(during.get('flock_bots_active')).toBe(BOTS);

  const { rows } = await api.db.query<{ now: Date }>('select now()');
  const restartedAt = rows[0]!.now;
  await api.restart();
  // Every bot acts again: a post or a like of its own, written after the restart.
  await waitFor(
    'every bot to act after the restart',
    async () => {
      const { rows: active } = await api.db.query<{ n: number }>(
        `select count(distinct user_id)::int as n from (
           select user_id from messages where created_at > $1
           union all select user_id from likes where created_at > $1) recent`,
        [restartedAt],
      );
      return active[0]!.n === BOTS || undefined;
    },
    { timeoutMs: 20_000 },
  );

  const exit = await agent.terminate();
  expect(exit).toMatchObject({ code: 0, signal: null });
  const totals = agent.totals();
  const refused = Object.entries(totals).filter(([key]) => key.endsWith('.network_error'));
  expect(refused.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(0);
  // No bot needed a new account, and the agent never stopped counting.
  expect(totals['register.ok']).toBe(BOTS);
  const { rows: users } = await api.db.query<{ n: number }>('select count(*)::int as n from users');
  expect(users[0]!.n).toBe(BOTS);
});
