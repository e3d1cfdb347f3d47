// The follows history as the live feed reads it: whom an account followed as of an event id, and the
// history rows retention may drop. A follow row lives from its `follow.created` event id
// (followed_event_id) until its `follow.removed` event id (unfollowed_event_id, null while it lasts), each
// written in the statement of its event (see docs/live-feed.md).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { sqlOf } from '../db/kysely.ts';
import { FollowSet, type FollowSetOwner } from './follow-set.ts';

/**
 * The accounts `owner` followed just after event `position`: followed at or before it, and not unfollowed
 * by then. Read once every event up to `position` has committed (the log's cursor is at or past it), it
 * sees every follow and unfollow up to there; later ones may show too, and are told apart by their ids.
 * Two parts, so each walks an index of its own: the follows still in place, and those ended since.
 */
export async function followSetAt(
  em: EntityManager,
  owner: FollowSetOwner,
  position: bigint,
): Promise<FollowSet> {
  const at = position.toString();
  const { rows } = await sql<{ id: number; username: string }>`
    select u.id, u.username
      from follows f join users u on u.id = f.followee_id
     where f.follower_id = ${owner.id} and f.unfollowed_event_id is null and f.followed_event_id <= ${at}
    union all
    select u.id, u.username
      from follows f join users u on u.id = f.followee_id
     where f.follower_id = ${owner.id} and f.unfollowed_event_id > ${at} and f.followed_event_id <= ${at}`.execute(
    sqlOf(em),
  );
  return new FollowSet(owner, rows);
}

/**
 * Drops the follow rows that ended at or before `through` (the events pruned so far): no resume can start
 * before it (it is told to resync), so no follow set is read as of a position they cover.
 */
export async function pruneFollowHistory(em: EntityManager, through: bigint): Promise<void> {
  await sql`delete from follows where unfollowed_event_id <= ${through.toString()}`.execute(sqlOf(em));
}
