// The live-feed outbox, and the only code that inserts into `events`. Each event row is written in the
// transaction (or the statement) of the change it announces, so an event exists exactly when its change
// committed; the ids of the rows written are what the unit of work announces after the commit.
import type { LiveEventType } from '@flock/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type AliasableExpression, type QueryCreator, sql } from 'kysely';
import { compiler, type Database, sqlOf } from '../db/kysely.ts';

/**
 * The wire's event types go to clients; the internal ones never do: `account.deleted` closes that account's
 * live connections, and `follow.created` / `follow.removed` move the `home` stream's routing (hub.ts).
 */
export type EventType = LiveEventType | InternalEventType;
export type FollowEventType = 'follow.created' | 'follow.removed';
type InternalEventType = 'account.deleted' | FollowEventType;

/** The event types no client is ever sent. */
export const INTERNAL_EVENT_TYPES: ReadonlySet<EventType> = new Set<InternalEventType>([
  'account.deleted',
  'follow.created',
  'follow.removed',
]);

export interface NewEvent {
  type: EventType;
  payload: object;
}

/** An event type as a literal of the statement (it is always one of these, never input). */
export const eventType = (type: EventType) => sql<EventType>`${sql.lit(type)}`;

/** Rows of (type, payload), in the order the events are to take their ids. */
export type EventSource = AliasableExpression<{ type: EventType; payload: unknown }>;
type EventRow = EventSource extends AliasableExpression<infer Row> ? Row : never;

/**
 * The insert of the events `source` selects, returning their ids. A statement that writes a change and its
 * event in one go composes it (as a CTE) over the change's RETURNING rows.
 *
 * The ordering rule the event log's horizon relies on (live/horizon.ts): the transaction takes its id
 * (pg_current_xact_id, from the materialized CTE, read before any row is formed) before an event takes its
 * sequence number (the id column's default, computed as each row is formed). A reader that sees a number
 * allocated then sees that transaction as in progress until it ends.
 */
export const insertEvents = (db: QueryCreator<Database>, source: EventSource) =>
  db
    .with(
      (cte) => cte('tx').materialized(),
      (db) => db.selectNoFrom(sql`pg_current_xact_id()`.as('xid')),
    )
    .insertInto('events')
    .columns(['type', 'payload'])
    .expression((eb) => eb.selectFrom([source.as('e'), 'tx']).select(['e.type', 'e.payload']))
    .returning(sql<string>`id::text`.as('id'));

/** Events given as values, in order: (type, payload) from unnest, with ordinality. */
const valuesOf = (events: readonly NewEvent[]): EventSource => {
  const types = events.map((event) => event.type);
  const payloads = events.map((event) => JSON.stringify(event.payload));
  return sql<EventRow>`(select type, payload from unnest(${types}::text[], ${payloads}::jsonb[])
    with ordinality as v(type, payload, n) order by n)`;
};

/** Appends events, in order, in the EntityManager's transaction; their ids, in the same order. */
export async function appendEvents(em: EntityManager, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = await insertEvents(sqlOf(em), valuesOf(events)).execute();
  return rows.map((row) => row.id);
}

/** The same insert compiled to `$n` SQL and its parameters, for callers on a pg client of their own. */
export const appendEventsStatement = (events: readonly NewEvent[]) =>
  insertEvents(compiler, valuesOf(events)).compile();
