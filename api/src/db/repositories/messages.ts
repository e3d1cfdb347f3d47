// Messages: the feed, one message, the post statement and deletion. The hot paths are single indexed
// statements (see the migration); each answers with the message presenter's json.

import type { Message } from '@flock/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Kysely, sql } from 'kysely';
import { eventType, insertEvents } from '../../live/outbox.ts';
import { compiler, type Database, sqlOf } from '../kysely.ts';
import { likedBy, messageJson, messageRefJson } from '../message-presenter.ts';
import { prepared } from '../prepared.ts';

export interface FeedFilter {
  tag?: string | undefined;
  author?: string | undefined;
  before?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** `after` alone pages forwards (oldest first); anything else newest first. */
export const isAscending = (filter: Omit<FeedFilter, 'limit'>) =>
  filter.after !== undefined && filter.before === undefined;

/** A feed page's values: the tag and author already normalised, `rows` one more than the page's size. */
export type FeedValues = Omit<FeedFilter, 'limit'> & { viewerId: number; rows: number };

const messages = (db: Kysely<Database>, viewerId: number) =>
  db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select((eb) => messageJson(eb, { likedByMe: likedBy(eb, viewerId) }).as('message'));

/**
 * The feed's statement: `rows` messages in keyset order. A tag's feed is driven by the (tag_id, message_id)
 * index: the keyset and the order are on mt.message_id, so a page reads its rows and no more. (As
 * `m.id in (…)`, PostgreSQL merge-joined the whole of message_tags from the top: 29 ms for a page 50k
 * messages deep, against 0.05 ms.) The plan relies on statistics: without them the planner sorts the whole
 * tag instead (db/statistics.ts).
 */
export function feedPageQuery(db: Kysely<Database>, values: FeedValues) {
  const { tag, author, before, after } = values;
  // The one column named by string: which one depends on the filter (the tag's join exists only then).
  const key = sql.ref<string>(tag === undefined ? 'm.id' : 'mt.message_id');
  return messages(db, values.viewerId)
    .$if(tag !== undefined, (q) =>
      q
        .innerJoin('message_tags as mt', 'mt.message_id', 'm.id')
        .where('mt.tag_id', '=', (eb) =>
          eb.selectFrom('tags').select('tags.id').where('tags.name', '=', tag!),
        ),
    )
    .$if(author !== undefined, (q) =>
      q.where('m.user_id', '=', (eb) =>
        eb.selectFrom('users').select('users.id').where('users.username', '=', author!),
      ),
    )
    .$if(before !== undefined, (q) => q.where(key, '<', before!))
    .$if(after !== undefined, (q) => q.where(key, '>', after!))
    .orderBy(key, isAscending(values) ? 'asc' : 'desc')
    .limit(values.rows);
}

export const feedPageStatement = prepared((values: FeedValues) => feedPageQuery(compiler, values));

/** A home page's values: the viewer's id (whose follows it reads), the keyset, `rows` one more than the page. */
export type HomeValues = Pick<FeedValues, 'before' | 'after' | 'rows'> & { viewerId: number };

/**
 * From how many followed accounts the home timeline walks the whole timeline rather than gathering the
 * followed accounts' messages (see homePageQuery).
 */
export const HOME_WALK_FROM_FOLLOWS = 100;

/**
 * The home timeline's statement, fan-out on read: `rows` messages of the accounts the viewer follows now,
 * and its own, in keyset order. One statement, two ways, of which the follow count picks one when it runs
 * (the other's one-time filter is false, and it reads nothing):
 * - following many (HOME_WALK_FROM_FOLLOWS or more): walk the messages' primary key from the cursor and keep
 *   the rows of the followed (a hashed set), so a page reads its size divided by the share of messages those
 *   accounts wrote: 0.4 ms for 500 of 10,000 accounts and 100k messages, where gathering their 5,000
 *   messages and sorting them took 8.8 ms;
 * - following few: gather their messages by (user_id, id) and sort them (0.1 ms for 2 accounts, where the
 *   walk read 13.8 ms of others' messages), which is what the planner picks by itself for so few.
 */
export function homePageQuery(db: Kysely<Database>, values: HomeValues) {
  const { viewerId, before, after } = values;
  const direction = isAscending(values) ? 'asc' : 'desc';
  const followed = () =>
    db
      .selectFrom('follows as f')
      .select('f.followee_id')
      .where('f.follower_id', '=', viewerId)
      .where('f.unfollowed_event_id', 'is', null);
  const walk = sql<boolean>`(${db
    .selectFrom('follows as f')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('f.follower_id', '=', viewerId)
    .where('f.unfollowed_event_id', 'is', null)}) >= ${sql.lit(HOME_WALK_FROM_FOLLOWS)}`;
  const page = (way: 'walk' | 'gather') =>
    messages(db, viewerId)
      .select('m.id')
      .where(way === 'walk' ? walk : sql<boolean>`not ${walk}`)
      .where((eb) =>
        way === 'walk'
          ? eb.or([eb('m.user_id', '=', viewerId), eb('m.user_id', 'in', followed())])
          : eb(
              'm.user_id',
              'in',
              followed().unionAll(db.selectNoFrom(sql<number>`${viewerId}::int`.as('followee_id'))),
            ),
      )
      .$if(before !== undefined, (q) => q.where('m.id', '<', before!))
      .$if(after !== undefined, (q) => q.where('m.id', '>', after!))
      .orderBy('m.id', direction)
      .limit(values.rows);
  return db
    .selectFrom(
      sql<{ id: string; message: Message }>`((${page('walk')}) union all (${page('gather')}))`.as('p'),
    )
    .select('p.message')
    .orderBy('p.id', direction)
    .limit(values.rows);
}

export const homePageStatement = prepared((values: HomeValues) => homePageQuery(compiler, values));

export const readHomePage = async (em: EntityManager, values: HomeValues) =>
  (await sqlOf(em).executeQuery(homePageStatement(values))).rows.map((row) => row.message);

export const readFeedPage = async (em: EntityManager, values: FeedValues) =>
  (await sqlOf(em).executeQuery(feedPageStatement(values))).rows.map((row) => row.message);

export const readMessage = async (em: EntityManager, viewerId: number, id: string) =>
  (await messages(sqlOf(em), viewerId).where('m.id', '=', id).executeTakeFirst())?.message;

/**
 * A message and the messages it answers, up the thread (each reply's parent is older than it, so the walk
 * ends): each with its depth (0: the message itself) and the id it answers. Where the walk stops at an id it
 * answers that is not there, that message was deleted.
 */
export const readChain = (em: EntityManager, viewerId: number, id: string) =>
  sqlOf(em)
    .withRecursive('chain(id, depth)', (db) =>
      db
        .selectFrom('messages')
        .select(['messages.id', sql<number>`0`.as('depth')])
        .where('messages.id', '=', id)
        .unionAll(
          db
            .selectFrom('chain')
            .innerJoin('messages as child', 'child.id', 'chain.id')
            .innerJoin('messages as parent', 'parent.id', 'child.in_reply_to_id')
            .select(['parent.id', sql<number>`chain.depth + 1`.as('depth')]),
        ),
    )
    .selectFrom('chain')
    .innerJoin('messages as m', 'm.id', 'chain.id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select((eb) => [
      'chain.depth',
      sql<string | null>`m.in_reply_to_id::text`.as('in_reply_to'),
      messageJson(eb, { likedByMe: likedBy(eb, viewerId) }).as('message'),
    ])
    .orderBy('chain.depth', 'desc')
    .execute();

/** A message's direct replies, oldest first, after the `after` reply when given: `rows` of them. */
export const readReplies = async (
  em: EntityManager,
  { viewerId, id, after, rows }: { viewerId: number; id: string; after?: string | undefined; rows: number },
) =>
  (
    await messages(sqlOf(em), viewerId)
      .where('m.in_reply_to_id', '=', id)
      .$if(after !== undefined, (q) => q.where('m.id', '>', after!))
      .orderBy('m.id', 'asc')
      .limit(rows)
      .execute()
  ).map((row) => row.message);

/**
 * Writes the message, its tag links and its `message.created` event in one statement: one round trip
 * holding a pool connection, where a transaction of five statements held it idle between them for as long
 * as the event loop took to send the next one (under load, most of the pool's time — docs/reliability.md,
 * finding 8). The event's payload is the presenter's json for the new row, and is also the response. The
 * event is formed from the message's RETURNING row (see live/outbox.ts for why the order matters).
 *
 * A reply (`inReplyTo`) is written only when the message it answers exists (`parent`), whose key-share lock
 * holds off that message's deletion until the reply commits (or, had the deletion come first, finds it
 * gone); that message counts the reply in the same statement.
 *
 * It writes nothing unless every tag already exists: a post with a new tag creates it (insertTagsStatement)
 * and runs again. Most posts use known tags, and skip that round trip. `tags` are in order, distinct.
 */
export function postQuery(
  db: Kysely<Database>,
  {
    authorId,
    content,
    tags,
    inReplyTo,
  }: { authorId: number; content: string; tags: readonly string[]; inReplyTo?: string | undefined },
) {
  return (
    db
      // Key-share, as the account's deletion takes it for update first: a reply waits for it, or it for the
      // reply, before either touches the message answered (a deadlock otherwise).
      .with('author', (db) =>
        db
          .selectFrom('users')
          .select(['id', 'username', 'display_name', 'bot'])
          .where('id', '=', authorId)
          .forKeyShare(),
      )
      .with('known', (db) =>
        db.selectFrom('tags').select('id').where('name', '=', sql<string>`any(${tags}::text[])`),
      )
      .with('parent', (db) =>
        inReplyTo === undefined
          ? db.selectNoFrom(sql<string | null>`null::bigint`.as('id'))
          : db
              .selectFrom('messages')
              .select(sql<string | null>`messages.id`.as('id'))
              .where('messages.id', '=', inReplyTo)
              .forKeyShare(),
      )
      .with('inserted', (db) =>
        db
          .insertInto('messages')
          .columns(['user_id', 'content', 'in_reply_to_id'])
          .expression((eb) =>
            eb
              .selectFrom(['author', 'parent'])
              .select(['author.id', eb.val(content).as('content'), 'parent.id as in_reply_to_id'])
              .where((eb) =>
                eb(
                  eb.selectFrom('known').select(eb.fn.countAll().as('n')),
                  '=',
                  sql<number>`cardinality(${tags}::text[])`,
                ),
              ),
          )
          .returning(['id', 'content', 'in_reply_to_id', 'reply_count', 'like_count', 'created_at']),
      )
      .with('replied', (db) =>
        db
          .updateTable('messages')
          .from('inserted')
          .set((eb) => ({ reply_count: eb('messages.reply_count', '+', 1) }))
          .whereRef('messages.id', '=', 'inserted.in_reply_to_id')
          .returning('messages.id'),
      )
      .with('linked', (db) =>
        db
          .insertInto('message_tags')
          .columns(['message_id', 'tag_id'])
          .expression((eb) => eb.selectFrom(['inserted', 'known']).select(['inserted.id', 'known.id'])),
      )
      .with('created', (db) =>
        db
          .selectFrom(['inserted as m', 'author as u'])
          .select((eb) =>
            messageJson(eb, { likedByMe: sql.lit(false) }, sql<string[]>`${tags}::text[]`).as('message'),
          ),
      )
      .with('event', (db) =>
        insertEvents(
          db,
          db
            .selectFrom('created')
            .select([eventType('message.created').as('type'), 'created.message as payload']),
        ),
      )
      .selectFrom(['created', 'event'])
      .select(['created.message', 'event.id as event_id'])
  );
}

export const postStatement = prepared(postQuery.bind(null, compiler));

/** The post, or nothing when a tag is new, the author is gone or the message it answers does not exist. */
export const writePost = async (em: EntityManager, values: Parameters<typeof postStatement>[0]) =>
  (await sqlOf(em).executeQuery(postStatement(values))).rows[0];

/** A message's author and reference, its row locked for the rest of the transaction. */
export const lockMessage = (em: EntityManager, id: string) =>
  sqlOf(em)
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select((eb) => ['m.user_id', messageRefJson(eb).as('ref')])
    .where('m.id', '=', id)
    .forUpdate('m')
    .executeTakeFirst();

/**
 * Likes and tag links go with the message (on delete cascade); its replies stay, and the message it
 * answered, if it still exists, counts one reply fewer, in the same statement.
 */
export const deleteMessageRow = (em: EntityManager, id: string) =>
  sqlOf(em)
    .with('gone', (db) => db.deleteFrom('messages').where('id', '=', id).returning('in_reply_to_id'))
    .updateTable('messages')
    .from('gone')
    .set((eb) => ({ reply_count: eb('messages.reply_count', '-', 1) }))
    .whereRef('messages.id', '=', 'gone.in_reply_to_id')
    .execute();

export const messageExists = async (em: EntityManager, id: string) =>
  (await sqlOf(em).selectFrom('messages').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

/**
 * Before an account's messages go: the messages of others they reply to count them no more. (Replies to
 * its own messages go with those.)
 */
export const uncountRepliesOf = (em: EntityManager, userId: number) =>
  sqlOf(em)
    .with('replies', (db) =>
      db
        .selectFrom('messages')
        .select((eb) => ['in_reply_to_id', eb.fn.countAll<string>().as('n')])
        .where('user_id', '=', userId)
        .where('in_reply_to_id', 'is not', null)
        .groupBy('in_reply_to_id'),
    )
    .updateTable('messages')
    .from('replies')
    .set((eb) => ({ reply_count: sql<number>`${eb.ref('messages.reply_count')} - ${eb.ref('replies.n')}` }))
    .whereRef('messages.id', '=', 'replies.in_reply_to_id')
    .where('messages.user_id', '<>', userId)
    .execute();

/** The references of every message of an author, oldest first. */
export const authoredRefs = async (em: EntityManager, userId: number) =>
  (
    await sqlOf(em)
      .selectFrom('messages as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select((eb) => messageRefJson(eb).as('ref'))
      .where('m.user_id', '=', userId)
      .orderBy('m.id')
      .execute()
  ).map((row) => row.ref);
