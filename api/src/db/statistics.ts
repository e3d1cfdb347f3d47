// Keeps the planner's statistics and the tables' dead rows in hand when PostgreSQL's autovacuum does not.
//
// Why the API cares: without statistics the planner guesses that any tag matches 0.5% of message_tags,
// and for a popular tag it then reads and sorts every row of the tag instead of walking the
// (tag_id, message_id) index for one page. The soak found it (docs/reliability.md, finding 5): with
// autovacuum off, a tag's feed went from 0.5 ms to 40 ms as the tag grew to 7,000 messages, the pool
// queued and the API shed load at 70% of its capacity. Autovacuum is on by default and should stay on;
// when a server has it off (or on PGlite, which has none), the API applies autovacuum's default thresholds
// to its own tables itself.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { sqlOf } from './kysely.ts';

export interface MaintenanceNeed {
  table: string;
  vacuum: boolean;
}

/** Whether the server maintains its tables itself: autovacuum needs the row counters too. */
export async function serverMaintainsTables(em: EntityManager): Promise<boolean> {
  const { rows } = await sql<{ on: boolean }>`
    select current_setting('autovacuum') = 'on' and current_setting('track_counts') = 'on' as on`.execute(
    sqlOf(em),
  );
  return rows[0]?.on ?? false;
}

/**
 * The tables of the current schema past autovacuum's default thresholds: ANALYZE once more than
 * 50 + 10% of the rows changed since the last one, VACUUM once more than 50 + 20% are dead.
 */
export async function tablesNeedingMaintenance(em: EntityManager): Promise<MaintenanceNeed[]> {
  const { rows } = await sql<MaintenanceNeed>`
    select s.relname as table,
            s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) as vacuum
       from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.schemaname = current_schema()
        and (s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
             or s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0))
      order by s.relname`.execute(sqlOf(em));
  return rows;
}

/**
 * Brings each table's statistics (and, where due, its dead rows) up to date. SKIP_LOCKED: another replica
 * doing the same table at the same moment is enough, and nothing waits on its lock.
 */
export async function maintainTables(em: EntityManager, needs: MaintenanceNeed[]): Promise<void> {
  for (const { table, vacuum } of needs) {
    // The name comes from the catalog, quoted as an identifier; VACUUM cannot run inside a transaction,
    // and a statement outside one is its own.
    const name = sql.id(table);
    await (vacuum ? sql`vacuum (analyze, skip_locked) ${name}` : sql`analyze (skip_locked) ${name}`).execute(
      sqlOf(em),
    );
  }
}
