// The kit's real servers: the API as a test's own (restartable on its port) with an account made on it,
// and the bot agent pointed at it.
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../src/accounts.ts';
import { startAgentProcess } from '../src/agent-process.ts';
import { scrape } from '../src/metrics.ts';
import { startTestApi, type TestApi } from '../src/test-api.ts';
import { waitFor } from '../src/waiting.ts';

let api: TestApi;
// Two bots that only sign up: enough to see them start, report and stop.
const QUIET_SWARM = {
  SWARM_NAME: 'kit',
  POD_NAME: 'kit-0',
  BOTS_PER_POD: '2',
  POSTS_PER_HOUR: '0',
  LIKES_PER_HOUR: '0',
};

beforeAll(async () => {
  api = await startTestApi();
  return () => api.close();
});

describe('the test API', () => {
  it('serves on its URL, registers an account, and comes back on the same URL after a restart', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const account = await register(api.url, { prefix: 'person' });
    expect(account.username).toMatch(/^person_[a-z0-9]+$/);
    expect(account.token.split('.')).toHaveLength(3);

    await api.stop();
    expect(api.process).toBeUndefined();
    await expect(fetch(`${api.url}/readyz`)).rejects.toThrow();
    await api.restart();
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    // The same database and secret: the token from before the restart still posts.
    const posted = await fetch(`${api.url}/api/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'after the restart' }),
    });
    expect(posted.status).toBe(201);
  });

  it('refuses a registration it cannot accept, with the status and the answer', async () => {
    await expect(register(api.url, { username: 'x' })).rejects.toThrow(/^register: 400 /);
  });
});

describe('the agent process', () => {
  it('starts its bots against the API, serves metrics, and logs its totals when terminated', async () => {
    const agent = await startAgentProcess({ ...QUIET_SWARM, TARGET_URL: api.url });
    await waitFor(
      'both bots active',
      async () => (await scrape(agent.metricsUrl)).get('flock_bots_active') === 2,
    );
    const exit = await agent.terminate();
    expect(exit.code).toBe(0);
    expect(agent.lines().some((line) => line.msg === 'bot agent started')).toBe(true);
    expect(agent.totals()).toEqual({ 'register.ok': 2 });
    const db = new pg.Client({ connectionString: api.database.url });
    await db.connect();
    const { rows } = await db.query<{ count: string }>(
      "select count(*) from users where username like 'kit%'",
    );
    await db.end();
    expect(Number(rows[0]!.count)).toBeGreaterThanOrEqual(2);
  });
});
