import type { Me, Profile } from '@flock/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../db/entities/index.ts';
import { ApiError, notFound } from '../domain/api-error.ts';
import { hashPassword, verifyPassword } from '../domain/passwords.ts';

type UserRow = { id: number; username: string; email: string; bot: boolean; createdAt: Date };

export const toMe = (user: UserRow): Me => ({
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
): Promise<UserRow> {
  const username = input.username.toLowerCase();
  const email = input.email.toLowerCase();
  // Registration says whether a name is taken anyway (409), so check before paying for a hash: a bot
  // that restarts and re-registers costs a query, not an Argon2id hash. The unique constraints below
  // still decide races.
  const taken = await em.findOne(User, { $or: [{ username }, { email }] }, { fields: ['username'] });
  if (taken) throw conflict(taken.username === username ? 'username' : 'email');
  const user = em.create(User, {
    username,
    email,
    passwordHash: await hashPassword(input.password),
    bot: input.bot ?? false,
    createdAt: new Date(),
  });
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw conflict(error.message.includes('users_email_unique') ? 'email' : 'username');
    }
    throw error;
  }
  return user;
}

const INVALID_LOGIN = () => new ApiError(401, 'INVALID_CREDENTIALS', 'Invalid login or password');

/** One answer for an unknown account and a wrong password alike, in the same time. */
/** The account a login names: a username or an email, in any case. */
function byLogin(login: string) {
  const key = login.toLowerCase();
  return key.includes('@') ? { email: key } : { username: key };
}

/** The id of the account a login names, if there is one (for limits that count an account once). */
export async function accountIdFor(em: EntityManager, login: string): Promise<number | undefined> {
  const user = await em.findOne(User, byLogin(login), { fields: ['id'] });
  return user?.id;
}

export async function authenticateUser(em: EntityManager, login: string, password: string): Promise<UserRow> {
  const user = await em.findOne(User, byLogin(login), {
    populate: ['passwordHash'],
  });
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid) throw INVALID_LOGIN();
  return user;
}

export async function findMe(em: EntityManager, id: number): Promise<UserRow> {
  const user = await em.findOne(User, { id });
  if (!user) throw new ApiError(401, 'UNAUTHORIZED', 'The account no longer exists');
  return user;
}

export async function findProfile(em: EntityManager, username: string): Promise<Profile> {
  const [row] = await em.execute<
    {
      username: string;
      bot: boolean;
      created_at: Date;
      messages: string;
      likes_given: string;
      likes_received: string;
    }[]
  >(
    `select u.username, u.bot, u.created_at,
            (select count(*) from messages m where m.user_id = u.id) as messages,
            (select count(*) from likes l where l.user_id = u.id) as likes_given,
            (select coalesce(sum(m.like_count), 0) from messages m where m.user_id = u.id) as likes_received
       from users u where u.username = ?`,
    [username.toLowerCase()],
  );
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
