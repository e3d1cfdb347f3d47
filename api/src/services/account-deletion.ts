// Deleting an account: its messages and likes go in the one transaction that removes the user, and the
// live feed hears of every change that made: `message.deleted` for each of its messages, `message.liked`
// with the new count for each message of others it had liked, and an internal `account.deleted` that
// closes the account's open live connections on every replica.
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../db/entities/index.ts';
import { ApiError } from '../domain/api-error.ts';
import { verifyPassword } from '../domain/passwords.ts';

const wrongPassword = () =>
  new ApiError(403, 'INVALID_CREDENTIALS', 'The password is not correct', [
    { field: 'password', message: 'is not correct' },
  ]);
const accountGone = () => new ApiError(401, 'UNAUTHORIZED', 'The account no longer exists');

/**
 * Every statement after the first runs inside a transaction that already holds an id (the user's row
 * lock took one), so the events inserted last take their sequence numbers after it, as the event log's
 * horizon requires (see live/outbox.ts).
 */
const DELETE_ACCOUNT_SQL = `with
  account as (select id, username, bot from users where id = ?),
  own as (
    select m.id, jsonb_build_object(
        'id', m.id::text,
        'author', jsonb_build_object('username', account.username, 'bot', account.bot),
        'tags', array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
                       where mt.message_id = m.id order by t.name)) as ref
      from messages m join account on m.user_id = account.id),
  unliked as (
    update messages m set like_count = m.like_count - 1
      from likes l, account
     where l.user_id = account.id and l.message_id = m.id and m.user_id <> account.id
    returning m.id, m.like_count, m.user_id),
  liked_refs as (
    select u.id, jsonb_build_object(
        'id', u.id::text,
        'author', jsonb_build_object('username', a.username, 'bot', a.bot),
        'tags', array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
                       where mt.message_id = u.id order by t.name),
        'likeCount', u.like_count) as ref
      from unliked u join users a on a.id = u.user_id),
  removed as (delete from users where id in (select id from account) returning id),
  announced as (
    insert into events (type, payload)
    select type, ref from (
      select 1 as kind, id, 'message.deleted' as type, ref from own
      union all select 2, id, 'message.liked', ref from liked_refs
      union all select 3, 0, 'account.deleted',
        jsonb_build_object('userId', account.id, 'author',
          jsonb_build_object('username', account.username, 'bot', account.bot), 'tags', '[]'::jsonb)
        from account) as changes
    order by kind, id
    returning id)
select (select count(*) from removed) as removed, array(select id::text from announced) as event_ids`;

/**
 * Deletes the signed-in account once its password is confirmed. The password is checked before the
 * transaction, so no row lock waits on an Argon2id hash. Usernames and emails are free again afterwards:
 * a new account of the same name gets a new id, and the old account's tokens (which name the old id)
 * stay refused.
 */
export async function deleteAccount(
  em: EntityManager,
  userId: number,
  password: string,
): Promise<{ eventIds: string[] }> {
  const user = await em.findOne(User, { id: userId }, { populate: ['passwordHash'] });
  if (!user) throw accountGone();
  if (!(await verifyPassword(user.passwordHash, password))) throw wrongPassword();
  return em.transactional(async (tx) => {
    // The lock first: a like or a post racing the deletion either commits before it (and its change is
    // undone and announced here) or finds the account gone.
    const locked = await tx.execute('select id from users where id = ? for update', [userId]);
    if (locked.length === 0) throw accountGone();
    const [row] = await tx.execute<{ removed: string; event_ids: string[] }[]>(DELETE_ACCOUNT_SQL, [userId]);
    if (Number(row!.removed) === 0) throw accountGone();
    return { eventIds: row!.event_ids };
  });
}
