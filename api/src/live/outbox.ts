// The live-feed outbox. Each event row is written in the transaction of the change it announces, so an
// event exists exactly when its change committed.
import type { LiveEventType } from '@flock/shared';
import type { EntityManager } from '@mikro-orm/postgresql';

/** The wire's event types go to clients; `account.deleted` only closes that account's live connections. */
export type EventType = LiveEventType | 'account.deleted';

/**
 * The transaction takes its id (pg_current_xact_id, read from the CTE first) before the event takes its
 * sequence number (the column default, computed after): a reader that sees the number allocated then
 * sees the transaction as in progress until it ends, which is what the event log's horizon relies on.
 */
export const APPEND_EVENT_SQL = `with tx as materialized (select pg_current_xact_id())
  insert into events (type, payload) select $1, $2::jsonb from tx returning id::text as id`;

export async function appendEvent(em: EntityManager, type: EventType, payload: object): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>(APPEND_EVENT_SQL.replace('$1', '?').replace('$2', '?'), [
    type,
    JSON.stringify(payload),
  ]);
  return String(row!.id);
}
