// The one way migrations run: at the API's start-up (runtime.ts), and as a program of its own
// (`node api/src/db/migrate.ts`, DATABASE_URL from the environment) for Compose's `migrate` service and the
// Kubernetes init container. Runs hold a PostgreSQL advisory lock, so concurrent replicas and init steps
// take turns: the first applies what is pending, the others then find nothing to do.
import { createLogger } from '@flock/shared/service';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { ConfigError, loadMigrationConfig } from '../config.ts';
import { openOrm } from './orm.ts';

/** The advisory lock's key (no other code takes advisory locks on this database). */
const MIGRATION_LOCK = 72627410;

/**
 * Applies the pending migrations, in one transaction; their names. `lock: false` is for the embedded
 * database, which has a single session (the ORM's) and a single process.
 */
export async function migrate(orm: MikroORM, options: { lock: boolean }): Promise<string[]> {
  const up = async () => (await orm.migrator.up()).map((migration) => migration.name);
  if (!options.lock) return up();
  // On a session of its own, outside the pool the migrator uses, and taken before the migrator's first
  // statement: creating its bookkeeping table races too.
  const session = new pg.Client({
    connectionString: orm.config.get('clientUrl'),
    application_name: 'flock-migrate',
  });
  await session.connect();
  try {
    await session.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await up();
  } finally {
    // Ending the session releases the lock.
    await session.end();
  }
}

if (import.meta.main) {
  let config: ReturnType<typeof loadMigrationConfig>;
  try {
    config = loadMigrationConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`flock-migrate: invalid configuration:\n${error.message}`);
    process.exit(2);
  }
  const log = createLogger({ name: 'flock-migrate', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const orm = await openOrm({ databaseUrl: config.DATABASE_URL, poolMax: 1 });
  try {
    const applied = await migrate(orm, { lock: true });
    log.info({ applied }, 'migrations applied');
  } finally {
    await orm.close();
  }
}
