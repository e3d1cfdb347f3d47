// Who held the feed back: a transaction open past the event log's wait limit is a bug (ours have
// timeouts) or a foreign session, and the operator needs its pid and query to find it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { sqlOf } from '../db/kysely.ts';

export async function describeHolders(em: EntityManager, xids: string[], log: FastifyBaseLogger) {
  try {
    const { rows: holders } = await sql`
      select pid, backend_xid::text as xid, application_name, backend_type, state, xact_start,
             left(query, 200) as query
        from pg_stat_activity where backend_xid::text = any(${xids})`.execute(sqlOf(em));
    log.warn({ holders }, 'live feed: transactions held events back past the wait limit; delivering on');
  } catch (error) {
    log.warn({ err: error, xids }, 'live feed: transactions held events back past the wait limit');
  }
}
