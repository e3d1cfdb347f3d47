// What every scenario shares: the API under test (a real process on a fresh PostgreSQL database, pinned
// to the server core), seeding, tokens minted with the API's own token service, and bare baseline servers.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@flock/api/tokens';
import { type ApiProcess, NO_RATE_LIMITS, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { startNodeProcess } from '@flock/testkit/processes';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from '@flock/testkit/secrets';
import pg from 'pg';

export const TAGS = Array.from({ length: 50 }, (_, i) => `tag${i}`);

/** Cores: servers on the last core, load generators on the first (when the machine has two or more). */
export const SERVER_CORES = '1';
export const LOAD_CORES = '0';

/** Pins a process (every thread) to cores; a no-op where taskset is missing. */
export function pin(pid: number | undefined, cores: string): void {
  if (pid === undefined) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
  } catch {
    // taskset missing or refused: figures are then taken unpinned (documented in the output).
  }
}

export const tokens = createTokenService({
  secret: TEST_JWT_SECRET,
  issuer: TEST_JWT_ISSUER,
  audience: TEST_JWT_AUDIENCE,
  ttlSeconds: 86_400,
});

export interface BenchUser {
  id: number;
  username: string;
  token: string;
}

export interface Flock {
  database: TestDatabase;
  apis: ApiProcess[];
  url: string;
  pool: pg.Pool;
  stop(): Promise<void>;
}

export const apiEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  JWT_SECRET: TEST_JWT_SECRET,
  ...NO_RATE_LIMITS,
  LIVE_MAX_CONNECTIONS_PER_USER: '20000',
  LIVE_SEND_BUFFER_BYTES: String(4 << 20),
  // The default level (the helper waits for the info line "Server listening at").
  LOG_LEVEL: 'info',
  NODE_ENV: 'production',
  // e.g. --cpu-prof --cpu-prof-dir=.artifacts/bench/profiles, to profile the API under any scenario.
  ...(process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {}),
  ...extra,
});

/** A fresh database and `replicas` API processes on it, each pinned to the server core. */
export async function startFlock(
  options: { replicas?: number; env?: Record<string, string>; cores?: string } = {},
): Promise<Flock> {
  const database = await createTestDatabase();
  const apis: ApiProcess[] = [];
  try {
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      const api = await startApiProcess({ DATABASE_URL: database.url, ...apiEnv(options.env) });
      pin(api.child.pid, options.cores ?? SERVER_CORES);
      // Request logs are read and dropped: kept, they would grow this process's memory all run long.
      for (const stream of [api.child.stdout!, api.child.stderr!]) {
        stream.removeAllListeners('data');
        stream.resume();
      }
      apis.push(api);
    }
  } catch (error) {
    await stopApis(apis);
    await database.drop();
    throw error;
  }
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  return {
    database,
    apis,
    url: apis[0]!.url,
    pool,
    async stop() {
      await pool.end();
      await stopApis(apis);
      await database.drop();
    },
  };
}

async function stopApis(apis: ApiProcess[]) {
  await Promise.all(apis.map((api) => api.stop(15_000)));
}

/** `count` users inserted directly (no Argon2 work: they only ever use minted tokens). */
export async function seedUsers(pool: pg.Pool, count: number, prefix = 'u'): Promise<BenchUser[]> {
  const { rows } = await pool.query<{ id: number; username: string }>(
    `insert into users (username, email, password_hash, bot)
       select $1 || g, $1 || g || '@bench.test', 'x', g % 2 = 0 from generate_series(1, $2::int) g
     returning id, username`,
    [prefix, count],
  );
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    token: tokens.sign({ sub: String(row.id), username: row.username, bot: false }),
  }));
}

/** `count` messages by random users, each with 1–3 of TAGS, inserted in bulk. */
export async function seedMessages(pool: pg.Pool, users: BenchUser[], count: number): Promise<void> {
  const ids = users.map((user) => user.id);
  await pool.query('insert into tags (name) select unnest($1::text[]) on conflict (name) do nothing', [TAGS]);
  await pool.query(
    `insert into messages (user_id, content, created_at)
       select ($1::int[])[1 + (g % array_length($1::int[], 1))],
              'seeded message ' || g || ' about #' || 'tag' || (g % 50),
              now() - make_interval(secs => $2::int - g)
         from generate_series(1, $2::int) g`,
    [ids, count],
  );
  await pool.query(
    `insert into message_tags (message_id, tag_id)
       select m.id, t.id from messages m
         cross join lateral (select distinct (m.id * k * 7919) % 50 as n from generate_series(1, 1 + (m.id % 3)::int) k) pick
         join tags t on t.name = 'tag' || pick.n
       on conflict do nothing`,
  );
  await pool.query('analyze');
}

export async function messageIds(pool: pg.Pool, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    'select id::text as id from messages order by id desc limit $1',
    [limit],
  );
  return rows.map((row) => row.id);
}

export interface NodeServer {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts one of bench/servers/*.ts, pinned to the server core; it prints `listening <url>`. */
export async function startBareServer(
  name: string,
  env: Record<string, string> = {},
  cores = SERVER_CORES,
): Promise<NodeServer> {
  const script = fileURLToPath(new URL(`../servers/${name}.ts`, import.meta.url));
  const server = await startNodeProcess(script, {
    what: name,
    env,
    ready: (output) => /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
    timeoutMs: 20_000,
  });
  pin(server.child.pid, cores);
  return {
    child: server.child,
    url: server.ready,
    async stop() {
      await server.stop(5_000);
    },
  };
}

/** Runs `work` with at most `limit` in flight. */
export async function inBatches<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}
