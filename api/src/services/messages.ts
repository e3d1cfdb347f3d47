// Messages, the feed and likes. The SQL is written out: these are the hot paths, each one a single
// indexed query (see the migration), and counts change in the same transaction as the rows they count.
import type { LikeState, Message, MessagePage } from '@flock/shared';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiError, notFound } from '../domain/api-error.ts';
import { messageTags, normaliseTag } from '../domain/tags.ts';
import { appendEvent } from '../live/outbox.ts';
import { claimKey, type IdempotencyClaim, storeResponse } from './idempotency.ts';

interface MessageRow {
  id: string;
  content: string;
  like_count: number;
  created_at: Date | string;
  username: string;
  bot: boolean;
  tags: string[];
  liked_by_me: boolean;
}

const MESSAGE_COLUMNS = `m.id::text as id, m.content, m.like_count, m.created_at, u.username, u.bot,
  array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
        where mt.message_id = m.id order by t.name) as tags,
  exists(select 1 from likes l where l.message_id = m.id and l.user_id = ?) as liked_by_me`;

const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  author: { username: row.username, bot: row.bot },
  content: row.content,
  tags: row.tags,
  likeCount: row.like_count,
  likedByMe: row.liked_by_me,
  createdAt: new Date(row.created_at).toISOString(),
});

/** What every live event about a message carries, so streams can be routed without another query. */
export interface MessageRef {
  id: string;
  author: { username: string; bot: boolean };
  tags: string[];
}

/**
 * Writes the message, its tag links and its `message.created` event in one statement: one round trip
 * holding a pool connection, where a transaction of five statements held it idle between them for as long
 * as the event loop took to send the next one (under load, most of the pool's time — docs/reliability.md,
 * finding 8). The event's payload is built by the same statement and is also the response, so the two agree.
 * The event row is formed from the message's RETURNING row, so the transaction has its id before the event
 * takes its sequence number, which the event log's horizon relies on (see live/outbox.ts).
 *
 * It writes nothing unless every tag already exists (`tags` then holds all of them): a post with a new tag
 * creates it and runs again (see postMessage). Most posts use known tags, and skip that round trip.
 */
export const INSERT_MESSAGE_SQL = `with input as (select $1::int as user_id, $2::text as content, $3::jsonb as tags),
  author as (select u.id, u.username, u.bot from users u join input on u.id = input.user_id),
  known as (select t.id from tags t where t.name in (select jsonb_array_elements_text(input.tags) from input)),
  inserted as (insert into messages (user_id, content) select author.id, input.content from author, input
               where (select count(*) from known) = jsonb_array_length(input.tags)
               returning id, content, created_at),
  linked as (insert into message_tags (message_id, tag_id) select inserted.id, known.id from inserted, known),
  created as (select jsonb_build_object(
      'id', inserted.id::text,
      'author', jsonb_build_object('username', author.username, 'bot', author.bot),
      'content', inserted.content,
      'tags', input.tags,
      'likeCount', 0,
      'likedByMe', false,
      'createdAt', to_char(inserted.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    ) as message from inserted, author, input),
  event as (insert into events (type, payload) select 'message.created', message from created returning id)
select created.message, event.id::text as event_id from created, event`;
/** The same, with the ORM's placeholders. */
const INSERT_MESSAGE = INSERT_MESSAGE_SQL.replace(/\$\d/g, '?');

/** Creates those of a post's tags that do not exist yet (see postMessage); shared with the bench baseline. */
export const INSERT_TAGS_SQL =
  'insert into tags (name) select jsonb_array_elements_text($1::jsonb) on conflict (name) do nothing';
const INSERT_TAGS = INSERT_TAGS_SQL.replace('$1', '?');

export async function postMessage(
  em: EntityManager,
  author: { id: number },
  input: { content: string; tags?: string[] | undefined },
  idempotency?: IdempotencyClaim,
): Promise<{ message: Message; eventId: string | null }> {
  const tags = messageTags(input.content, input.tags);
  // (The list travels as one JSON parameter: the driver would spread a JS array into several.)
  const tagList = JSON.stringify(tags);
  const insert = async (db: EntityManager) => {
    const write = () =>
      db.execute<{ message: Message; event_id: string }[]>(INSERT_MESSAGE, [
        author.id,
        input.content,
        tagList,
      ]);
    let [row] = await write();
    if (!row && tags.length > 0) {
      // A tag did not exist yet. Tags are shared rows that concurrent posts may create at once, which
      // `on conflict` absorbs; in a statement of its own, so the write that follows sees a tag another post
      // created after this one started. (A tag left without a message by a failed post is harmless: a tag
      // is only ever seen through its messages.)
      await db.execute(INSERT_TAGS, [tagList]);
      [row] = await write();
    }
    // With every tag there, nothing written means the author is gone.
    if (!row) throw accountGone();
    return { message: row.message, eventId: row.event_id };
  };
  try {
    if (!idempotency) return await insert(em);
    return await em.transactional(async (tx) => {
      const claim = await claimKey(tx, author.id, idempotency);
      // A retry: the stored response, and no new event (the first request announced the message).
      if (!claim.claimed) return { message: claim.response as Message, eventId: null };
      const created = await insert(tx);
      await storeResponse(tx, author.id, idempotency.key, created.message);
      return created;
    });
  } catch (error) {
    // The account was deleted after its token was issued, between the statements or before the key's row.
    if (error instanceof ForeignKeyConstraintViolationException) throw accountGone();
    throw error;
  }
}

const accountGone = () => new ApiError(401, 'UNAUTHORIZED', 'The account no longer exists');

export interface FeedFilter {
  tag?: string | undefined;
  author?: string | undefined;
  before?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** The feed's statement for a filter: newest first (oldest first for `after` alone), `limit` + 1 rows. */
export function feedQuery(viewerId: number | null, filter: FeedFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [viewerId ?? 0];
  // A tag's feed is driven by the (tag_id, message_id) index: the keyset and the order are on
  // mt.message_id, so a page reads its rows and no more. (As `m.id in (…)`, PostgreSQL merge-joined the
  // whole of message_tags from the top: 29 ms for a page 50k messages deep, against 0.05 ms.) The plan
  // relies on statistics: without them the planner sorts the whole tag instead (db/statistics.ts).
  const key = filter.tag !== undefined ? 'mt.message_id' : 'm.id';
  const from =
    filter.tag !== undefined
      ? 'message_tags mt join messages m on m.id = mt.message_id join users u on u.id = m.user_id'
      : 'messages m join users u on u.id = m.user_id';
  if (filter.tag !== undefined) {
    where.push('mt.tag_id = (select id from tags where name = ?)');
    params.push(normaliseTag(filter.tag));
  }
  if (filter.author !== undefined) {
    where.push('m.user_id = (select id from users where username = ?)');
    params.push(filter.author.toLowerCase());
  }
  if (filter.before !== undefined) {
    where.push(`${key} < ?`);
    params.push(filter.before);
  }
  if (filter.after !== undefined) {
    where.push(`${key} > ?`);
    params.push(filter.after);
  }
  params.push(filter.limit + 1);
  const sql = `select ${MESSAGE_COLUMNS} from ${from}
     ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by ${key} ${isAscending(filter) ? 'asc' : 'desc'} limit ?`;
  return { sql, params };
}

const isAscending = (filter: FeedFilter) => filter.after !== undefined && filter.before === undefined;

/**
 * Newest first, keyset-paginated on id, in both directions: `before` pages back through older messages
 * (continue with `next`) and is stable while new ones arrive; `after` alone returns the `limit` messages
 * that follow it (continue with `newer`, for catching up). With both, the range between them, from its
 * newest end.
 */
export async function readFeed(
  em: EntityManager,
  viewerId: number | null,
  filter: FeedFilter,
): Promise<MessagePage> {
  const { sql, params } = feedQuery(viewerId, filter);
  const rows = await em.execute<MessageRow[]>(sql, params);
  const ascending = isAscending(filter);
  const more = rows.length > filter.limit;
  const page = rows.slice(0, filter.limit);
  if (ascending) page.reverse();
  return {
    items: page.map(toMessage),
    next: !ascending && more ? (page.at(-1)?.id ?? null) : null,
    newer: ascending && more ? (page[0]?.id ?? null) : null,
  };
}

export async function readMessage(em: EntityManager, viewerId: number | null, id: string): Promise<Message> {
  const [row] = await em.execute<MessageRow[]>(
    `select ${MESSAGE_COLUMNS} from messages m join users u on u.id = m.user_id where m.id = ?`,
    [viewerId ?? 0, id],
  );
  if (!row) throw notFound('Message');
  return toMessage(row);
}

async function lockMessageRef(tx: EntityManager, id: string): Promise<MessageRef & { userId: number }> {
  const [row] = await tx.execute<{ user_id: number; username: string; bot: boolean; tags: string[] }[]>(
    `select m.user_id, u.username, u.bot,
            array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
                  where mt.message_id = m.id order by t.name) as tags
       from messages m join users u on u.id = m.user_id where m.id = ? for update of m`,
    [id],
  );
  if (!row) throw notFound('Message');
  return { id, userId: row.user_id, author: { username: row.username, bot: row.bot }, tags: row.tags };
}

/** Only the author may delete; likes and tag links go with the message (on delete cascade). */
export async function deleteMessage(
  em: EntityManager,
  userId: number,
  id: string,
): Promise<{ eventId: string }> {
  return em.transactional(async (tx) => {
    const { userId: authorId, ...ref } = await lockMessageRef(tx, id);
    if (authorId !== userId) throw new ApiError(403, 'FORBIDDEN', 'Only the author may delete a message');
    await tx.execute('delete from messages where id = ?', [id]);
    return { eventId: await appendEvent(tx, 'message.deleted', ref) };
  });
}

/**
 * Like or unlike, idempotently: the (user, message) primary key decides whether anything changed, and
 * only a real change moves like_count, under the message's row lock, in the same transaction.
 */
export async function setLike(
  em: EntityManager,
  userId: number,
  id: string,
  liked: boolean,
): Promise<LikeState & { changed: boolean; eventId: string | null }> {
  try {
    return await likeTransaction(em, userId, id, liked);
  } catch (error) {
    // The account was deleted after its token was issued: the like's foreign key finds no user.
    if (error instanceof ForeignKeyConstraintViolationException) throw accountGone();
    throw error;
  }
}

function likeTransaction(
  em: EntityManager,
  userId: number,
  id: string,
  liked: boolean,
): Promise<LikeState & { changed: boolean; eventId: string | null }> {
  return em.transactional(async (tx) => {
    const changed = liked
      ? await tx.execute<{ message_id: string }[]>(
          `insert into likes (user_id, message_id) select ?, id from messages where id = ?
           on conflict do nothing returning message_id`,
          [userId, id],
        )
      : await tx.execute<{ message_id: string }[]>(
          'delete from likes where user_id = ? and message_id = ? returning message_id',
          [userId, id],
        );
    if (changed.length === 0) {
      const [row] = await tx.execute<{ like_count: number }[]>(
        'select like_count from messages where id = ?',
        [id],
      );
      if (!row) {
        // A deleted account's token is refused before anything is said about the message.
        const [user] = await tx.execute('select 1 from users where id = ?', [userId]);
        throw user ? notFound('Message') : accountGone();
      }
      return { likeCount: row.like_count, likedByMe: liked, changed: false, eventId: null };
    }
    // `update` takes a no-key-update lock, which does not conflict with the key-share locks that
    // concurrent like inserts hold on the message: concurrent likes queue here instead of deadlocking.
    const [row] = await tx.execute<{ like_count: number; username: string; bot: boolean; tags: string[] }[]>(
      `update messages m set like_count = m.like_count + ? from users u
        where m.id = ? and u.id = m.user_id
        returning m.like_count, u.username, u.bot,
          array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
                where mt.message_id = m.id order by t.name) as tags`,
      [liked ? 1 : -1, id],
    );
    const likeCount = row!.like_count;
    const eventId = await appendEvent(tx, 'message.liked', {
      id,
      author: { username: row!.username, bot: row!.bot },
      tags: row!.tags,
      likeCount,
    });
    return { likeCount, likedByMe: liked, changed: true, eventId };
  });
}

export async function trendingTags(
  em: EntityManager,
  windowSpec: string,
  limit: number,
): Promise<{ tag: string; count: number }[]> {
  // make_interval's own argument names (it has `mins`, not `minutes`).
  const unit = { m: 'mins', h: 'hours', d: 'days' }[windowSpec.slice(-1) as 'm' | 'h' | 'd'];
  const amount = Number(windowSpec.slice(0, -1));
  const rows = await em.execute<{ tag: string; count: string }[]>(
    `select t.name as tag, count(*) as count
       from messages m join message_tags mt on mt.message_id = m.id join tags t on t.id = mt.tag_id
      where m.created_at > now() - make_interval(${unit} => ?)
      group by t.name order by count(*) desc, t.name asc limit ?`,
    [amount, limit],
  );
  return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
}
