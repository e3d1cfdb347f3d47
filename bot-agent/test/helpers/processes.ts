// Real processes for the acceptance tests: the API (api/test/helpers, on a fresh PostgreSQL database)
// and the bot agent exactly as a pod runs it (`node src/main.ts` with environment variables).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../api/test/helpers/database.ts';
import { type ApiProcess, spawnNodeProcess, startApiProcess } from '../../../api/test/helpers/process.ts';

export const JWT_SECRET = 'bot-agent-test-secret-that-is-long-enough!';

export interface TestApi {
  database: TestDatabase;
  db: pg.Pool;
  process: ApiProcess;
  url: string;
  /** Stops the API process (SIGTERM) and waits for it. */
  stop(): Promise<void>;
  /** Starts it again, on the same port and database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A free TCP port (the API must come back on the same one after a restart). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

export async function startTestApi(): Promise<TestApi> {
  const database = await createTestDatabase();
  const port = await freePort();
  const env = {
    DATABASE_URL: database.url,
    JWT_SECRET,
    PORT: String(port),
    AUTH_RATE_LIMIT_MAX: '1000',
    POST_RATE_LIMIT_MAX: '10000',
  };
  const api: TestApi = {
    database,
    db: new pg.Pool({ connectionString: database.url, max: 2 }),
    process: await startApiProcess(env),
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (api.process.child.exitCode === null) api.process.child.kill('SIGTERM');
      await api.process.exited;
    },
    async restart() {
      api.process = await startApiProcess(env);
    },
    async close() {
      await api.stop();
      await api.db.end();
      await database.drop();
    },
  };
  return api;
}

const agentEntry = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  metricsUrl: string;
  output(): string;
  /** The JSON log lines so far. */
  lines(): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Sends SIGTERM; resolves with the exit and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Counters from the agent's last log line (`stopped`), `{ "post.ok": 12, ... }`. */
  totals(): Record<string, number>;
}

export async function startAgentProcess(env: Record<string, string>): Promise<AgentProcess> {
  const parse = (output: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const { child, output, exited, ready } = await spawnNodeProcess(
    'the agent',
    agentEntry,
    { METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    (text) => parse(text).find((line) => line.msg === 'bot agent started'),
    15_000,
  );
  const lines = () => parse(output());
  return {
    child,
    metricsUrl: String(ready.metrics).replace('/metrics', ''),
    output,
    lines,
    exited,
    async terminate() {
      const sent = performance.now();
      child.kill('SIGTERM');
      const exit = await exited;
      return { code: exit.code, signal: exit.signal, ms: exit.at - sent };
    },
    totals() {
      const stopped = lines().find((line) => line.msg === 'stopped');
      if (!stopped) throw new Error(`the agent did not log its totals:\n${output()}`);
      return stopped.totals as Record<string, number>;
    },
  };
}

/** One sample of a Prometheus text exposition: `name{a="b"} value`. */
export async function scrape(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
