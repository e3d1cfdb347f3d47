// The follows history as the live feed reads it: whom an account followed as of an event id, and the
// history rows retention may drop. A follow row lives from its `follow.created` event id
// (followed_event_id) until its `follow.removed` event id (unfollowed_event_id, null while it lasts), each
// written in the statement of its event (see docs/live-feed.md).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../db/kysely.ts';
import { FollowSet, type FollowSetOwner } from './follow-set.ts';

/**
 * The accounts `owner` followed just after event `position`: followed at or before it, and not unfollowed
 * by then. Read after the log's cursor reached `position` (or, for a position ahead of this replica, the
 * cursor), it sees every follow and unfollow up to the cursor, each committed with its event; a later one
 * may show or not, and its event, held by the subscription, applies it either way (twice changes nothing).
 * Two parts, each on a partial index of its own (db/entities/follow.ts): the follows still in place, and
 * those ended since `position`.
 */
export async function followSetAt(
  em: EntityManager,
  owner: FollowSetOwner,
  position: bigint,
): Promise<FollowSet> {
  const at = position.toString();
  const db = sqlOf(em);
  const followed = db
    .selectFrom('follows as f')
    .innerJoin('users as u', 'u.id', 'f.followee_id')
    .select(['u.id', 'u.username'])
    .where('f.follower_id', '=', owner.id)
    .where('f.followed_event_id', '<=', at);
  const rows = await followed
    .where('f.unfollowed_event_id', 'is', null)
    .unionAll(followed.where('f.unfollowed_event_id', '>', at))
    .execute();
  return new FollowSet(owner, rows);
}

/**
 * Drops the follow rows that ended at or before `through` (the events pruned so far): no resume can start
 * before it (it is told to resync), so no follow set is read as of a position they cover.
 */
export async function pruneFollowHistory(em: EntityManager, through: bigint): Promise<void> {
  await sqlOf(em).deleteFrom('follows').where('unfollowed_event_id', '<=', through.toString()).execute();
}
