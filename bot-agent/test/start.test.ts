// `npm start`'s swarm: scripts/start.ts runs the API and, once it is ready, FLOCK_BOTS bots against it;
// SIGTERM stops both.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { freePort } from '@flock/testkit/ports';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { waitFor } from '@flock/testkit/waiting';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

const startScript = fileURLToPath(new URL('../../scripts/start.ts', import.meta.url));
let database: TestDatabase;
let db: pg.Pool;
let child: ChildProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new pg.Pool({ connectionString: database.url, max: 1 });
});
afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await db?.end();
  await database?.drop();
});

it('runs FLOCK_BOTS bots next to the API, and stops them with it', async () => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  child = spawn(process.execPath, [startScript], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      WEB_DIST: '',
      LOG_LEVEL: 'warn',
      FLOCK_BOTS: '3',
      SWARM_NAME: 'starttest',
      POSTS_PER_HOUR: '3600',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');

  await waitFor(
    'three bots to post',
    async () => {
      const { rows } = await db.query<{ users: number; bots: number; posters: number }>(
        `select (select count(*) from users)::int as users, (select count(*) from users where bot)::int as bots,
                (select count(distinct user_id) from messages)::int as posters`,
      );
      return rows[0]?.posters === 3 ? rows[0] : undefined;
    },
    { timeoutMs: 60_000 },
  ).then((counts) => expect(counts).toEqual({ users: 3, bots: 3, posters: 3 }));
  expect(output).toContain('flock: 3 bots are posting');

  child.kill('SIGTERM');
  const [code] = await exited;
  expect(code).toBe(0);
  // The agent logged its own clean stop before start.ts exited.
  expect(output).toMatch(/"totals":\{"register\.ok":3.*"msg":"stopped"/);
});
