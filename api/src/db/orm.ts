import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { entities } from './entities/index.ts';
import { migrationsList } from './migrations/index.ts';

/**
 * How the API's own sessions are named in pg_stat_activity. The live feed's horizon waits for their
 * transactions however long they take (they end by themselves: see the timeouts below), and gives up only
 * on other sessions' (live/outbox.ts, live/horizon.ts).
 */
export const APPLICATION_NAME = 'flock-api';

export interface OrmOptions {
  databaseUrl: string;
  poolMax: number;
  /** How long a request may wait for a pooled connection before it fails (and maps to a 503). */
  acquireTimeoutMs?: number;
  debug?: boolean;
}

export function ormConfig(options: OrmOptions) {
  return defineConfig({
    clientUrl: options.databaseUrl,
    entities,
    extensions: [Migrator],
    // silent: the migrator's own lines are coloured text amid JSON logs; the callers log what it applied.
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: options.poolMax },
    // Passed to pg's Pool: waiting for a connection (a full pool, or a database that is down) fails fast,
    // and no statement may hold a connection for long.
    driverOptions: {
      application_name: APPLICATION_NAME,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 2_000,
      statement_timeout: 10_000,
      query_timeout: 15_000,
      // Our transactions never idle: one that does must not hold back the live feed's horizon.
      idle_in_transaction_session_timeout: 15_000,
    },
    debug: options.debug ?? false,
    // One EntityManager fork per request: the global one must never be used by accident.
    allowGlobalContext: false,
  });
}

/**
 * The pool for a database: PGlite is a single session, so its pool is exactly one connection, and waiting
 * for it is the normal way requests queue there (a long acquire timeout instead of a fast 503).
 */
export function poolFor(embedded: boolean, config: { DB_POOL_MAX: number; DB_ACQUIRE_TIMEOUT_MS: number }) {
  return embedded
    ? { poolMax: 1, acquireTimeoutMs: Math.max(config.DB_ACQUIRE_TIMEOUT_MS, 30_000) }
    : { poolMax: config.DB_POOL_MAX, acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS };
}

export async function openOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}
