// Follows: history rows (db/entities/follow.ts). A follow inserts its row and its `follow.created` event in
// one statement, the row storing the event's id; an unfollow closes the active row with its `follow.removed`
// event's id, also in one. Neither writes anything when there is nothing to change, so both are idempotent.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { jsonBuildObject } from 'kysely/helpers/postgres';
import { eventType, insertEvents } from '../../live/outbox.ts';
import { type Database, sqlOf } from '../kysely.ts';

export interface FollowPair {
  followerId: number;
  /** The account followed, by its (lower-cased) username. */
  followee: string;
}

/** The two accounts, as CTEs: the follower (by id) with its name and bot flag, the followee (by name). */
const pair = (db: Kysely<Database>, { followerId, followee }: FollowPair) =>
  db
    .with('follower', (db) =>
      db.selectFrom('users').select(['id', 'username', 'bot']).where('id', '=', followerId),
    )
    .with('followee', (db) =>
      db.selectFrom('users').select(['id', 'username']).where('username', '=', followee),
    );

type PairScope = ExpressionBuilder<
  {
    follower: { id: number; username: string; bot: boolean };
    followee: { id: number; username: string };
  },
  'follower' | 'followee'
>;

/** What both follow events carry: the two accounts, and the author and tags every event is routed by. */
const followPayload = (eb: PairScope) =>
  jsonBuildObject({
    followerId: eb.ref('follower.id'),
    followeeId: eb.ref('followee.id'),
    followee: eb.ref('followee.username'),
    author: jsonBuildObject({ username: eb.ref('follower.username'), bot: eb.ref('follower.bot') }),
    tags: sql<string[]>`'{}'::text[]`,
  });

/**
 * Follows, when not following yet: the event first (the outbox's insert, so its ordering rule holds), then
 * the row that stores its id. Two follows of the same pair at once both find no active row; the second's
 * insert then waits on the first's unique index entry and fails with a unique violation once it commits,
 * taking its event with it (services/follows.ts answers it as the first). The answer: the followee's id (none when it does not exist)
 * and the event's id (none when nothing was written).
 */
export const followStatement = (db: Kysely<Database>, values: FollowPair) =>
  pair(db, values)
    .with('candidate', (db) =>
      db
        .selectFrom(['follower', 'followee'])
        .select((eb) => [
          'follower.id as follower_id',
          'followee.id as followee_id',
          followPayload(eb).as('payload'),
        ])
        .whereRef('follower.id', '<>', 'followee.id')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('follows as f')
                .select(sql.lit(1).as('one'))
                .whereRef('f.follower_id', '=', 'follower.id')
                .whereRef('f.followee_id', '=', 'followee.id')
                .where('f.unfollowed_event_id', 'is', null),
            ),
          ),
        ),
    )
    .with('event', (db) =>
      insertEvents(
        db,
        db.selectFrom('candidate').select([eventType('follow.created').as('type'), 'candidate.payload']),
      ),
    )
    .with('followed', (db) =>
      db
        .insertInto('follows')
        .columns(['follower_id', 'followee_id', 'followed_event_id'])
        .expression((eb) =>
          eb
            .selectFrom(['candidate', 'event'])
            .select([
              'candidate.follower_id',
              'candidate.followee_id',
              sql<string>`event.id::bigint`.as('event_id'),
            ]),
        )
        .returning('id'),
    )
    .selectFrom('followee')
    .leftJoin('event', (join) => join.onTrue())
    .select(['followee.id as followee_id', 'event.id as event_id']);

/**
 * Unfollows, when following: the active row is locked first, so of two unfollows at once the second waits,
 * then finds the row closed and writes nothing (no second event); then the event, and the row closed with
 * its id. The answer as for a follow.
 */
export const unfollowStatement = (db: Kysely<Database>, values: FollowPair) =>
  pair(db, values)
    .with('active', (db) =>
      db
        .selectFrom(['follows as f', 'follower', 'followee'])
        .select((eb) => ['f.id', followPayload(eb).as('payload')])
        .whereRef('f.follower_id', '=', 'follower.id')
        .whereRef('f.followee_id', '=', 'followee.id')
        .where('f.unfollowed_event_id', 'is', null)
        .forUpdate('f'),
    )
    .with('event', (db) =>
      insertEvents(
        db,
        db.selectFrom('active').select([eventType('follow.removed').as('type'), 'active.payload']),
      ),
    )
    .with('unfollowed', (db) =>
      db
        .updateTable('follows')
        .from(['active', 'event'])
        .set({ unfollowed_event_id: sql<string>`event.id::bigint` })
        .whereRef('follows.id', '=', 'active.id')
        .returning('follows.id'),
    )
    .selectFrom('followee')
    .leftJoin('event', (join) => join.onTrue())
    .select(['followee.id as followee_id', 'event.id as event_id']);

/** The followee's id (none: no such account) and the id of the event written (none: nothing changed). */
export interface FollowRow {
  followee_id: number;
  event_id: string | null;
}

export const writeFollow = (em: EntityManager, values: FollowPair): Promise<FollowRow | undefined> =>
  followStatement(sqlOf(em), values).executeTakeFirst();

export const writeUnfollow = (em: EntityManager, values: FollowPair): Promise<FollowRow | undefined> =>
  unfollowStatement(sqlOf(em), values).executeTakeFirst();

/** How many follow the account now. */
export const followerCount = async (em: EntityManager, followeeId: number) =>
  Number(
    (
      await sqlOf(em)
        .selectFrom('follows')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('followee_id', '=', followeeId)
        .where('unfollowed_event_id', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

export type FollowList = 'followers' | 'following';

/**
 * A page of an account's followers (or of the accounts it follows), the most recent follow first, keyset on
 * the follow row's id: `rows` of them, before `before` when given. Each with its follow id (the cursor).
 */
export const readFollowPage = (
  em: EntityManager,
  {
    list,
    userId,
    before,
    rows,
  }: { list: FollowList; userId: number; before?: string | undefined; rows: number },
) => {
  // Followers are the rows that name the account as followee, and are shown by their follower.
  const [own, shown] =
    list === 'followers'
      ? (['followee_id', 'follower_id'] as const)
      : (['follower_id', 'followee_id'] as const);
  return sqlOf(em)
    .selectFrom('follows as f')
    .innerJoin('users as u', 'u.id', `f.${shown}`)
    .select([sql<string>`f.id::text`.as('cursor'), 'u.username', 'u.display_name', 'u.bio', 'u.bot'])
    .where(`f.${own}`, '=', userId)
    .where('f.unfollowed_event_id', 'is', null)
    .$if(before !== undefined, (q) => q.where('f.id', '<', before!))
    .orderBy('f.id', 'desc')
    .limit(rows)
    .execute();
};
