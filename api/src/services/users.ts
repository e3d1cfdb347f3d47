import type { Me, Profile, UpdateProfileBody } from '@flock/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Account,
  findAccount,
  findAccountByLogin,
  findAccountIdByLogin,
  findAccountIdByUsername,
  findTakenUsername,
  insertAccount,
  profileCounts,
  updateProfileRow,
} from '../db/repositories/users.ts';
import { ApiError, badField, notFound } from '../domain/api-error.ts';
import { hashPassword, verifyPassword } from '../domain/passwords.ts';
import { controlCharacters, unreadableName } from '../domain/text.ts';

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

/** The viewer id of a request without a token: no account has it. */
const NOBODY = 0;

export async function findProfile(
  em: EntityManager,
  username: string,
  viewerId: number | null = null,
): Promise<Profile> {
  const row = await profileCounts(em, username.toLowerCase(), viewerId ?? NOBODY);
  if (!row) throw notFound('User');
  return {
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    bot: row.bot,
    createdAt: new Date(row.created_at).toISOString(),
    messageCount: Number(row.messages),
    likesGiven: Number(row.likes_given),
    likesReceived: Number(row.likes_received),
    followerCount: Number(row.followers),
    followingCount: Number(row.following),
    followedByMe: row.followed_by_viewer,
  };
}

/**
 * The owner's display name and bio, as the body gives them: a display name that shows nothing, or a bio
 * with control characters, is a field error (400); another's profile is 403, a missing one 404. A display
 * name is kept without the spaces around it; null clears it, as an empty bio does.
 */
export async function updateProfile(
  em: EntityManager,
  owner: { id: number },
  username: string,
  body: UpdateProfileBody,
): Promise<Profile> {
  const name = username.toLowerCase();
  const changes: { display_name?: string | null; bio?: string } = {};
  if (body.displayName !== undefined) {
    const unreadable = body.displayName === null ? undefined : unreadableName(body.displayName);
    if (unreadable) throw badField('displayName', unreadable);
    changes.display_name = body.displayName?.trim() ?? null;
  }
  if (body.bio !== undefined) {
    // A bio may be blank; it may not hold control characters.
    const refused = controlCharacters(body.bio);
    if (refused) throw badField('bio', refused);
    changes.bio = body.bio;
  }
  if (!(await updateProfileRow(em, { id: owner.id, username: name }, changes))) {
    if ((await findAccountIdByUsername(em, name)) === undefined) throw notFound('User');
    throw new ApiError(403, 'FORBIDDEN', 'Only its owner may edit a profile');
  }
  return findProfile(em, name, owner.id);
}
