// Likes: idempotent by the (user_id, message_id) primary key; like_count moves only when a row really was
// inserted or deleted, in the same statement, under the message's row lock.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Kysely, sql } from 'kysely';
import { eventType, insertEvents } from '../../live/outbox.ts';
import { compiler, type Database, sqlOf } from '../kysely.ts';
import { messageLikedJson } from '../message-presenter.ts';
import { prepared } from '../prepared.ts';

/**
 * Like (or unlike) and, when that changed anything, the new count and its `message.liked` event, in one
 * statement. `update` takes a no-key-update lock, which does not conflict with the key-share locks that
 * concurrent like inserts hold on the message: concurrent likes queue on it instead of deadlocking. No row
 * when nothing changed (see likeCount).
 */
export function likeQuery(
  db: Kysely<Database>,
  { userId, messageId, liked }: { userId: number; messageId: string; liked: boolean },
) {
  return db
    .with('changed', (db) =>
      liked
        ? db
            .insertInto('likes')
            .columns(['user_id', 'message_id'])
            .expression((eb) =>
              eb
                .selectFrom('messages')
                .select([sql<number>`${userId}::int`.as('user_id'), 'messages.id'])
                .where('messages.id', '=', messageId),
            )
            .onConflict((oc) => oc.doNothing())
            .returning('message_id')
        : db
            .deleteFrom('likes')
            .where('user_id', '=', userId)
            .where('message_id', '=', messageId)
            .returning('message_id'),
    )
    .with('counted', (db) =>
      db
        .updateTable('messages as m')
        .from(['users as u', 'changed'])
        .set((eb) => ({ like_count: eb('m.like_count', '+', liked ? 1 : -1) }))
        .whereRef('m.id', '=', 'changed.message_id')
        .whereRef('u.id', '=', 'm.user_id')
        .returning((eb) => ['m.like_count', messageLikedJson(eb).as('payload')]),
    )
    .with('event', (db) =>
      insertEvents(
        db,
        db.selectFrom('counted').select([eventType('message.liked').as('type'), 'counted.payload']),
      ),
    )
    .selectFrom(['counted', 'event'])
    .select(['counted.like_count', 'event.id as event_id']);
}

export const likeStatement = prepared(likeQuery.bind(null, compiler));

export const writeLike = async (em: EntityManager, values: Parameters<typeof likeStatement>[0]) =>
  (await sqlOf(em).executeQuery(likeStatement(values))).rows[0];

/**
 * A message's count, read afresh after a like that changed nothing (a concurrent like by the same account
 * may just have committed it); undefined when there is no such message.
 */
export const likeCountStatement = prepared(({ messageId }: { messageId: string }) =>
  compiler.selectFrom('messages').select('like_count').where('id', '=', messageId),
);

export const likeCount = async (em: EntityManager, messageId: string) =>
  (await sqlOf(em).executeQuery(likeCountStatement({ messageId }))).rows[0]?.like_count;

/**
 * Withdraws every like an account gave to others' messages (its own go with them); the `message.liked`
 * payloads of the messages it changed, oldest first.
 */
export async function withdrawLikesOf(em: EntityManager, userId: number) {
  const rows = await sqlOf(em)
    .updateTable('messages as m')
    .from(['likes as l', 'users as u'])
    .set((eb) => ({ like_count: eb('m.like_count', '-', 1) }))
    .where('l.user_id', '=', userId)
    .whereRef('l.message_id', '=', 'm.id')
    .where('m.user_id', '<>', userId)
    .whereRef('u.id', '=', 'm.user_id')
    .returning((eb) => messageLikedJson(eb).as('payload'))
    .execute();
  return rows.map((row) => row.payload).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}
