// Prunes events older than the retention window and records how far it pruned, so a client resuming
// from an older position is told to resync instead of silently missing events; the follows history rows
// that ended by then go with them (follow-history.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { sqlOf } from '../db/kysely.ts';
import { pruneFollowHistory } from './follow-history.ts';

export async function pruneEvents(em: EntityManager, retentionSeconds: number): Promise<bigint | undefined> {
  const db = sqlOf(em);
  const row = await db
    .with('pruned', (db) =>
      db
        .deleteFrom('events')
        .where('created_at', '<', sql<string>`now() - make_interval(secs => ${retentionSeconds})`)
        .returning('id'),
    )
    .selectFrom('pruned')
    .select(sql<string | null>`max(id)::text`.as('through'))
    .executeTakeFirst();
  if (!row?.through) return undefined;
  await db
    .insertInto('event_retention')
    .values({ id: 1, pruned_through: row.through })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        pruned_through: sql<string>`greatest(event_retention.pruned_through, excluded.pruned_through)`,
      }),
    )
    .execute();
  // Follows that ended by then go with their events: no resume starts before them any more.
  await pruneFollowHistory(em, BigInt(row.through));
  return BigInt(row.through);
}

/** Prunes every quarter of the window (at least once a minute) until stopped. */
export function startPruning(
  em: () => EntityManager,
  retentionSeconds: number,
  onError: (error: unknown) => void,
): { stop(): void } {
  const timer = setInterval(
    () => void pruneEvents(em(), retentionSeconds).catch(onError),
    Math.min(60_000, (retentionSeconds * 1000) / 4),
  ).unref();
  return { stop: () => clearInterval(timer) };
}

/** Events up to this id may have been pruned. */
export async function prunedThrough(em: EntityManager): Promise<bigint> {
  const row = await sqlOf(em)
    .selectFrom('event_retention')
    .select(sql<string>`pruned_through::text`.as('pruned_through'))
    .where('id', '=', 1)
    .executeTakeFirst();
  return row ? BigInt(row.pruned_through) : 0n;
}
