// The API as a client meets it: real processes on a fresh PostgreSQL database (several replicas
// sharing it), or the embedded default that `npm start` runs when DATABASE_URL is unset.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiProcess, NO_RATE_LIMITS, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase } from '@flock/testkit/databases';

export const JWT_SECRET = randomBytes(32).toString('hex');
export const JWT_ISSUER = 'flock';
export const JWT_AUDIENCE = 'flock-api';

/** Limits high enough that a check about something else never meets them. */
export const RELAXED: Record<string, string> = {
  ...NO_RATE_LIMITS,
  // Two cores shared with other suites: a busy event loop must not shed a contract check with 503.
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '30000',
  SHUTDOWN_GRACE_MS: '2000',
};

export interface Replica {
  /** http://127.0.0.1:port */
  base: string;
  ws: string;
  process: ApiProcess;
  stop(): Promise<number | null>;
}

function replica(api: ApiProcess): Replica {
  return {
    base: api.url,
    ws: `${api.url.replace(/^http/, 'ws')}/api/ws`,
    process: api,
    stop: async () => (await api.stop()).code,
  };
}

export interface Cluster {
  replicas: Replica[];
  stop(): Promise<void>;
}

/** One fresh database, one replica per entry of `envs` (each merged over the shared settings). */
export async function startCluster(envs: Record<string, string>[]): Promise<Cluster> {
  const database = await createTestDatabase();
  const shared = { ...RELAXED, DATABASE_URL: database.url, JWT_SECRET };
  const replicas: Replica[] = [];
  try {
    // The first one applies the migrations alone; the others then start side by side.
    replicas.push(replica(await startApiProcess({ ...shared, ...envs[0] })));
    const rest = await Promise.all(envs.slice(1).map((env) => startApiProcess({ ...shared, ...env })));
    replicas.push(...rest.map(replica));
  } catch (error) {
    await Promise.all(replicas.map((r) => r.stop()));
    await database.drop();
    throw error;
  }
  return {
    replicas,
    stop: async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await database.drop();
    },
  };
}

/** The embedded default: no DATABASE_URL and no JWT_SECRET, its data in a folder of its own. */
export async function startEmbedded(): Promise<{ replica: Replica; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) throw new Error('DATABASE_URL is set: the embedded default cannot be tried');
  const dataDir = mkdtempSync(join(tmpdir(), 'flock-contract-embedded-'));
  const api = replica(await startApiProcess({ ...RELAXED, EMBEDDED_DATA_DIR: dataDir }));
  return {
    replica: api,
    stop: async () => {
      await api.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
