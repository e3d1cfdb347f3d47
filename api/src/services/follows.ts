// Follows and the followers / following lists: the rules around the follows repository. A follow or an
// unfollow is one autocommit statement that writes its event with it; it returns that event for the unit of
// work to announce.
import type { AccountPage, FollowState } from '@flock/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type FollowList,
  type FollowRow,
  followerCount,
  readFollowPage,
  writeFollow,
  writeUnfollow,
} from '../db/repositories/follows.ts';
import { accountExists, findAccountIdByUsername } from '../db/repositories/users.ts';
import type { UnitOfWork } from '../db/unit-of-work.ts';
import { ApiError, accountGone, notFound } from '../domain/api-error.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../domain/database-errors.ts';

const cannotFollowSelf = () => new ApiError(422, 'CANNOT_FOLLOW_SELF', 'You cannot follow yourself');

/**
 * Follow (or unfollow) the account named, idempotently: `changed` says whether it wrote anything (and so
 * an event). A follow that lost a race to the same follow (a unique violation, its event rolled back with
 * it) is answered as the follow that won it. The follower count is read afresh once the write committed.
 */
export function setFollow(
  unit: UnitOfWork,
  followerId: number,
  username: string,
  following: boolean,
): Promise<FollowState & { changed: boolean }> {
  const values = { followerId, followee: username.toLowerCase() };
  return unit.autocommit(async (em) => {
    const row = await raceAnswered(em, values, () =>
      following ? writeFollow(em, values) : writeUnfollow(em, values),
    );
    if (!row) throw notFound('User');
    // Not following yourself is already so: only the follow is refused.
    if (following && row.followee_id === followerId) throw cannotFollowSelf();
    const events = row.event_id === null ? [] : [row.event_id];
    // A follow that wrote nothing found the pair in place, or no follower: its account was deleted meanwhile.
    if (following && events.length === 0 && !(await accountExists(em, followerId))) throw accountGone();
    return {
      result: {
        following,
        followerCount: await followerCount(em, row.followee_id),
        changed: events.length > 0,
      },
      events,
    };
  });
}

/**
 * The write's answer; for one that lost a race, the answer of one that wrote nothing: a follow that a
 * concurrent follow of the same pair beat (a unique violation), or one whose followee (or follower) was
 * deleted meanwhile (a foreign key finds no row).
 */
async function raceAnswered(
  em: EntityManager,
  values: { followerId: number; followee: string },
  write: () => Promise<FollowRow | undefined>,
): Promise<FollowRow | undefined> {
  try {
    return await write();
  } catch (error) {
    if (isForeignKeyViolation(error) && !(await accountExists(em, values.followerId))) throw accountGone();
    if (!isUniqueViolation(error) && !isForeignKeyViolation(error)) throw error;
    const followeeId = await findAccountIdByUsername(em, values.followee);
    return followeeId === undefined ? undefined : { followee_id: followeeId, event_id: null };
  }
}

/** A page of an account's followers, or of the accounts it follows, the most recent follow first. */
export async function readFollows(
  em: EntityManager,
  username: string,
  list: FollowList,
  query: { before?: string | undefined; limit: number },
): Promise<AccountPage> {
  const userId = await findAccountIdByUsername(em, username.toLowerCase());
  if (userId === undefined) throw notFound('User');
  const rows = await readFollowPage(em, { list, userId, before: query.before, rows: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => ({
      username: row.username,
      displayName: row.display_name,
      bio: row.bio,
      bot: row.bot,
    })),
    next: rows.length > query.limit ? (page.at(-1)?.cursor ?? null) : null,
  };
}
