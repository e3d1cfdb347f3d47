// Deleting an account: its messages, likes and follows (both ways) go in the one transaction that removes
// the user (others' messages it replied to count those replies no more), and the live feed hears of every
// change that made: `message.deleted` for each of its messages, `message.liked` with the new count for each
// message of others it had liked, and an internal `account.deleted` that closes the account's open live
// connections on every replica.
import { withdrawLikesOf } from '../db/repositories/likes.ts';
import { authoredRefs, uncountRepliesOf } from '../db/repositories/messages.ts';
import { deleteAccountRow, findAccountWithPassword, lockAccount } from '../db/repositories/users.ts';
import type { UnitOfWork } from '../db/unit-of-work.ts';
import { ApiError, accountGone } from '../domain/api-error.ts';
import { verifyPassword } from '../domain/passwords.ts';
import { appendEvents, type NewEvent } from '../live/outbox.ts';

const wrongPassword = () =>
  new ApiError(403, 'INVALID_CREDENTIALS', 'The password is not correct', [
    { field: 'password', message: 'is not correct' },
  ]);

/**
 * Deletes the signed-in account once its password is confirmed. The password is checked before the
 * transaction, so no row lock waits on an Argon2id hash. Usernames and emails are free again afterwards:
 * a new account of the same name gets a new id, and the old account's tokens (which name the old id)
 * stay refused.
 */
export async function deleteAccount(unit: UnitOfWork, userId: number, password: string): Promise<void> {
  const user = await findAccountWithPassword(unit.em, userId);
  if (!user) throw accountGone();
  if (!(await verifyPassword(user.passwordHash, password))) throw wrongPassword();
  await unit.transaction(async (tx) => {
    // The lock first: a like or a post racing the deletion either committed before it (and its change is
    // undone and announced here) or waits on it and finds the account gone.
    const account = await lockAccount(tx, userId);
    if (!account) throw accountGone();
    const own = await authoredRefs(tx, userId);
    const unliked = await withdrawLikesOf(tx, userId);
    await uncountRepliesOf(tx, userId);
    await deleteAccountRow(tx, userId);
    const author = { username: account.username, bot: account.bot };
    const events: NewEvent[] = [
      ...own.map((ref) => ({ type: 'message.deleted' as const, payload: ref })),
      ...unliked.map((payload) => ({ type: 'message.liked' as const, payload })),
      { type: 'account.deleted', payload: { userId, author, tags: [] } },
    ];
    return { result: undefined, events: await appendEvents(tx, events) };
  });
}
