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

export const accountExists = async (em: EntityManager, id: number) =>
  (await sqlOf(em).selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

/** A public profile's figures; counts are bigints, read as strings. */
export const profileCounts = (em: EntityManager, username: string) =>
  sqlOf(em)
    .selectFrom('users as u')
    .select((eb) => [
      'u.username',
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
    ])
    .where('u.username', '=', username)
    .executeTakeFirst();

/** The account's row, locked for the rest of the transaction: its likes and posts wait on it. */
export const lockAccount = (em: EntityManager, id: number) =>
  sqlOf(em)
    .selectFrom('users')
    .select(['id', 'username', 'bot'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();

/** Messages, likes and idempotency keys go with it (on delete cascade). */
export const deleteAccountRow = (em: EntityManager, id: number) =>
  sqlOf(em).deleteFrom('users').where('id', '=', id).execute();
