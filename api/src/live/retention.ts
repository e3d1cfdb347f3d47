// Prunes events older than the retention window and records how far it pruned, so a client resuming
// from an older position is told to resync instead of silently missing events.
import type { EntityManager } from '@mikro-orm/postgresql';

export async function pruneEvents(em: EntityManager, retentionSeconds: number): Promise<bigint | undefined> {
  const [row] = await em.execute<{ through: string | null }[]>(
    `with pruned as (delete from events where created_at < now() - make_interval(secs => ?) returning id)
     select max(id)::text as through from pruned`,
    [retentionSeconds],
  );
  if (!row?.through) return undefined;
  await em.execute(
    `insert into event_retention (id, pruned_through) values (1, ?)
     on conflict (id) do update set pruned_through = greatest(event_retention.pruned_through, excluded.pruned_through)`,
    [row.through],
  );
  return BigInt(row.through);
}

/** Events up to this id may have been pruned. */
export async function prunedThrough(em: EntityManager): Promise<bigint> {
  const [row] = await em.execute<{ pruned_through: string }[]>(
    'select pruned_through::text as pruned_through from event_retention where id = 1',
  );
  return row ? BigInt(row.pruned_through) : 0n;
}
