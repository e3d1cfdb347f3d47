// Real API processes (`node api/src/server.ts`, as a container runs it) on a PostgreSQL database of their
// own, each on a fixed port so a killed replica comes back where it was, optionally through a TCP proxy the
// caller owns (cutting it is "the database went away" for these processes only).
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Account, register as registerAccount } from '@flock/testkit/accounts';
import { type ApiProcess, NO_RATE_LIMITS, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { scrape } from '@flock/testkit/metrics';
import { freePort } from '@flock/testkit/ports';
import type { Exit } from '@flock/testkit/processes';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { startTcpProxy, type TcpProxy } from '@flock/testkit/tcp-proxy';
import pg from 'pg';

export interface Replica {
  index: number;
  port: number;
  metricsPort: number;
  url: string;
  child: ChildProcess | undefined;
  exited: Promise<Exit> | undefined;
  /** The last 64 KiB of its output (warnings and errors only: the request log would fill memory). */
  output(): string;
  /** Every exit of this replica that was not asked for (a crash). */
  crashes: Exit[];
}

export interface Cluster {
  database: TestDatabase;
  /** A pool on the database itself, never through the proxy. */
  db: pg.Pool;
  proxy: TcpProxy | undefined;
  replicas: Replica[];
  urls(): string[];
  /** The replicas currently running. */
  live(): Replica[];
  start(index: number): Promise<void>;
  signal(index: number, signal: NodeJS.Signals): Promise<Exit>;
  rssBytes(index: number): number;
  metrics(index: number): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  replicas: number;
  env?: Record<string, string>;
  /** Route every replica's DATABASE_URL through a TCP proxy the cluster owns (`cluster.proxy`). */
  throughProxy?: boolean;
}

/** For scripts: SIGINT or SIGTERM exits the process, so the clusters' exit hooks stop their API processes. */
export function exitOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const database = await createTestDatabase();
  const proxy = options.throughProxy ? await startTcpProxy({ host: '127.0.0.1', port: 5432 }) : undefined;
  const databaseUrl = new URL(database.url);
  if (proxy) databaseUrl.port = String(proxy.port);
  const expectedExit = new Set<number>();
  const replicas: Replica[] = [];
  const processes: (ApiProcess | undefined)[] = [];
  // What earlier runs of a replica wrote (a crash's last words), kept across its restarts.
  const earlier: string[] = [];
  const outputOf = (index: number) =>
    ((earlier[index] ?? '') + (processes[index]?.output() ?? '')).slice(-65_536);
  for (let index = 0; index < options.replicas; index++) {
    const port = await freePort();
    replicas.push({
      index,
      port,
      metricsPort: await freePort(),
      url: `http://127.0.0.1:${port}`,
      child: undefined,
      exited: undefined,
      crashes: [],
      output: () => outputOf(index),
    });
  }

  const start = async (index: number) => {
    const replica = replicas[index]!;
    earlier[index] = outputOf(index);
    processes[index] = undefined;
    const api = await startApiProcess(
      {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(replica.port),
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(replica.metricsPort),
        DATABASE_URL: databaseUrl.toString(),
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'warn',
        ...NO_RATE_LIMITS,
        ...options.env,
      },
      // A run stopped early (Ctrl-C on a soak) must not leave API processes behind on a dropped database.
      { keepOutput: 65_536, killWithParent: true },
    );
    processes[index] = api;
    replica.child = api.child;
    replica.exited = api.exited.then((exit) => {
      if (!expectedExit.has(api.child.pid!)) replica.crashes.push(exit);
      return exit;
    });
  };

  // The first applies the migrations; the others find them applied.
  await start(0);
  await Promise.all(replicas.slice(1).map((replica) => start(replica.index)));

  const db = new pg.Pool({ connectionString: database.url, max: 3 });
  // An idle client cut by the database's forced drop at close must not be an unhandled error.
  db.on('error', () => {});
  const running = (replica: Replica) =>
    replica.child !== undefined && replica.child.exitCode === null && replica.child.signalCode === null;
  return {
    database,
    db,
    proxy,
    replicas,
    urls: () => replicas.map((replica) => replica.url),
    live: () => replicas.filter(running),
    start,
    async signal(index, signal) {
      const replica = replicas[index]!;
      if (!replica.child || !running(replica)) throw new Error(`replica ${index} is not running`);
      expectedExit.add(replica.child.pid!);
      replica.child.kill(signal);
      return replica.exited!;
    },
    rssBytes(index) {
      const pid = replicas[index]!.child!.pid!;
      const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(kib) * 1024;
    },
    metrics: (index) => scrape(`http://127.0.0.1:${replicas[index]!.metricsPort}`),
    async close() {
      for (const replica of replicas)
        if (replica.child && running(replica)) {
          expectedExit.add(replica.child.pid!);
          replica.child.kill('SIGKILL');
        }
      await Promise.all(replicas.map((replica) => replica.exited));
      await proxy?.start();
      await proxy?.close();
      await db.end();
      await database.drop();
    },
  };
}

/** A fresh `<prefix>_…` user on the cluster (a 503 while shedding load is retried). */
export const register = (baseUrl: string, prefix = 'r'): Promise<Account> =>
  registerAccount(baseUrl, { prefix });

export async function registerMany(baseUrl: string, count: number, prefix = 'r'): Promise<Account[]> {
  const accounts: Account[] = [];
  // Argon2id is slow on purpose: a few at a time.
  for (let i = 0; i < count; i += 4)
    accounts.push(
      ...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, () => register(baseUrl, prefix)))),
    );
  return accounts;
}

/** Messages whose content starts with `prefix`: content → ids (more than one is a duplicate). */
export async function storedMessages(db: pg.Pool, prefix: string): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ content: string; ids: string[] }>(
    `select content, array_agg(id::text order by id) as ids from messages where content like $1 group by content`,
    [`${prefix}%`],
  );
  return new Map(rows.map((row) => [row.content, row.ids]));
}

export async function maxMessageId(db: pg.Pool): Promise<bigint> {
  const { rows } = await db.query<{ id: string | null }>('select max(id)::text as id from messages');
  return BigInt(rows[0]?.id ?? '0');
}

export async function messageIdsAfter(db: pg.Pool, after: bigint): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'select id::text as id from messages where id > $1 order by id',
    [after.toString()],
  );
  return rows.map((row) => row.id);
}
