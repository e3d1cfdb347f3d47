// Accounts: created and found through the entity API (the ORM's unit of work and identity map), counted
// and removed in SQL.
import type { InferEntity } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { User } from '../entities/index.ts';
import { sqlOf } from '../kysely.ts';

export type Account = InferEntity<typeof User>;

/** The account a login names (a lower-cased username, or an email when it has an `@`). */
const byLogin = (login: string) => (login.includes('@') ? { email: login } : { username: login });

export const findAccount = (em: EntityManager, id: number) => em.findOne(User, { id });

export const findAccountWithPassword = (em: EntityManager, id: number) =>
  em.findOne(User, { id }, { populate: ['passwordHash'] });

export const findAccountByLogin = (em: EntityManager, login: string) =>
  em.findOne(User, byLogin(login), { populate: ['passwordHash'] });

export const findAccountIdByLogin = async (em: EntityManager, login: string) =>
  (await em.findOne(User, byLogin(login), { fields: ['id'] }))?.id;

/** The username of an account holding either name, if any. */
export const findTakenUsername = async (em: EntityManager, username: string, email: string) =>
  (await em.findOne(User, { $or: [{ username }, { email }] }, { fields: ['username'] }))?.username;

/** Inserts the account (its unique constraints decide races: UniqueConstraintViolationException). */
export async function insertAccount(
  em: EntityManager,
  data: { username: string; email: string; passwordHash: string; bot: boolean },
): Promise<Account> {
  const account = em.create(User, { ...data, createdAt: new Date() });
  await em.flush();
  return account;
}

export const findAccountIdByUsername = async (em: EntityManager, username: string) =>
  (await sqlOf(em).selectFrom('users').select('id').where('username', '=', username).executeTakeFirst())?.id;

export const accountExists = async (em: EntityManager, id: number) =>
  (await sqlOf(em).selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

/** A public profile's figures, as the viewer (0: nobody) sees it; counts are bigints, read as strings. */
export const profileCounts = (em: EntityManager, username: string, viewerId: number) =>
  sqlOf(em)
    .selectFrom('users as u')
    .select((eb) => [
      'u.username',
      'u.display_name',
      'u.bio',
      'u.bot',
      'u.created_at',
      eb
        .selectFrom('messages as m')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('m.user_id', '=', 'u.id')
        .as('messages'),
      eb
        .selectFrom('likes as l')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('l.user_id', '=', 'u.id')
        .as('likes_given'),
      eb
        .selectFrom('messages as m')
        .select(sql<string>`coalesce(sum(m.like_count), 0)`.as('n'))
        .whereRef('m.user_id', '=', 'u.id')
        .as('likes_received'),
      eb
        .selectFrom('follows as f')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('f.followee_id', '=', 'u.id')
        .where('f.unfollowed_event_id', 'is', null)
        .as('followers'),
      eb
        .selectFrom('follows as f')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('f.follower_id', '=', 'u.id')
        .where('f.unfollowed_event_id', 'is', null)
        .as('following'),
      eb
        .exists(
          eb
            .selectFrom('follows as f')
            .select(sql.lit(1).as('one'))
            .where('f.follower_id', '=', viewerId)
            .whereRef('f.followee_id', '=', 'u.id')
            .where('f.unfollowed_event_id', 'is', null),
        )
        .$castTo<boolean>()
        .as('followed_by_viewer'),
    ])
    .where('u.username', '=', username)
    .executeTakeFirst();

/**
 * Sets what the body gives of the account's display name and bio, when `username` names the account `id`
 * (its owner); whether it did.
 */
export const updateProfileRow = async (
  em: EntityManager,
  owner: { id: number; username: string },
  changes: { display_name?: string | null; bio?: string },
) =>
  (
    await sqlOf(em)
      .updateTable('users')
      .set(changes)
      .where('id', '=', owner.id)
      .where('username', '=', owner.username)
      .executeTakeFirst()
  ).numUpdatedRows > 0n;

/** The account's row, locked for the rest of the transaction: its likes and posts wait on it. */
export const lockAccount = (em: EntityManager, id: number) =>
  sqlOf(em)
    .selectFrom('users')
    .select(['id', 'username', 'bot'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();

/**
 * Holds the account (a key-share lock) for the rest of the transaction: an account deletion, which locks it
 * for update first, then either waits for this transaction or ran before it (and nothing is found).
 */
export const holdAccount = async (em: EntityManager, id: number) =>
  (await sqlOf(em).selectFrom('users').select('id').where('id', '=', id).forKeyShare().executeTakeFirst()) !==
  undefined;

/** Messages, likes, follows (both ways) and idempotency keys go with it (on delete cascade). */
export const deleteAccountRow = (em: EntityManager, id: number) =>
  sqlOf(em).deleteFrom('users').where('id', '=', id).execute();
