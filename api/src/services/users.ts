import type { Me, Profile } from '@flock/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Account,
  findAccount,
  findAccountByLogin,
  findAccountIdByLogin,
  findTakenUsername,
  insertAccount,
  profileCounts,
} from '../db/repositories/users.ts';
import { ApiError, notFound } from '../domain/api-error.ts';
import { hashPassword, verifyPassword } from '../domain/passwords.ts';

export type { Account };

export const toMe = (user: Account): Me => ({
  username: user.username,
  email: user.email,
  bot: user.bot,
  createdAt: user.createdAt.toISOString(),
});

const conflict = (field: 'username' | 'email') =>
  new ApiError(409, 'CONFLICT', `That ${field} is already taken`, [{ field, message: 'is already taken' }]);

export async function registerUser(
  em: EntityManager,
  input: { username: string; email: string; password: string; bot?: boolean | undefined },
): Promise<Account> {
  const username = input.username.toLowerCase();
  const email = input.email.toLowerCase();
  // Registration says whether a name is taken anyway (409), so check before paying for a hash: a bot
  // that restarts and re-registers costs a query, not an Argon2id hash. The unique constraints below
  // still decide races.
  const taken = await findTakenUsername(em, username, email);
  if (taken !== undefined) throw conflict(taken === username ? 'username' : 'email');
  try {
    return await insertAccount(em, {
      username,
      email,
      passwordHash: await hashPassword(input.password),
      bot: input.bot ?? false,
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw conflict(error.message.includes('users_email_unique') ? 'email' : 'username');
    }
    throw error;
  }
}

const INVALID_LOGIN = () => new ApiError(401, 'INVALID_CREDENTIALS', 'Invalid login or password');

/** The id of the account a login names, if there is one (for limits that count an account once). */
export const accountIdFor = (em: EntityManager, login: string) =>
  findAccountIdByLogin(em, login.toLowerCase());

/** One answer for an unknown account and a wrong password alike, in the same time. */
export async function authenticateUser(em: EntityManager, login: string, password: string): Promise<Account> {
  const user = await findAccountByLogin(em, login.toLowerCase());
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid) throw INVALID_LOGIN();
  return user;
}

export async function findMe(em: EntityManager, id: number): Promise<Account> {
  const user = await findAccount(em, id);
  if (!user) throw new ApiError(401, 'UNAUTHORIZED', 'The account no longer exists');
  return user;
}

export async function findProfile(em: EntityManager, username: string): Promise<Profile> {
  const row = await profileCounts(em, username.toLowerCase());
  if (!row) throw notFound('User');
  return {
    username: row.username,
    bot: row.bot,
    createdAt: new Date(row.created_at).toISOString(),
    messageCount: Number(row.messages),
    likesGiven: Number(row.likes_given),
    likesReceived: Number(row.likes_received),
  };
}
