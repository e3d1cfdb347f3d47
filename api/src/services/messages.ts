// Messages, the feed and likes. The SQL is written out: these are the hot paths, each one a single
// indexed query (see the migration), and counts change in the same transaction as the rows they count.
import type { LikeState, Message, MessagePage } from '@flock/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiError, notFound } from '../domain/api-error.ts';
import { messageTags, normaliseTag } from '../domain/tags.ts';
import { appendEvent } from './events.ts';
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

export async function postMessage(
  em: EntityManager,
  author: { id: number },
  input: { content: string; tags?: string[] | undefined },
  idempotency?: IdempotencyClaim,
): Promise<{ message: Message; eventId: string | null }> {
  const tags = messageTags(input.content, input.tags);
  return em.transactional(async (tx) => {
    if (idempotency) {
      const claim = await claimKey(tx, author.id, idempotency);
      // A retry: the stored response, and no new event (the first request announced the message).
      if (!claim.claimed) return { message: claim.response as Message, eventId: null };
    }
    const [row] = await tx.execute<{ id: string; created_at: Date; username: string; bot: boolean }[]>(
      `with inserted as (insert into messages (user_id, content) values (?, ?) returning id, created_at, user_id)
       select i.id::text as id, i.created_at, u.username, u.bot from inserted i join users u on u.id = i.user_id`,
      [author.id, input.content],
    );
    if (!row) throw new ApiError(401, 'UNAUTHORIZED', 'The account no longer exists');
    if (tags.length > 0) {
      // Tags are shared rows: concurrent posts may create the same one, which `on conflict` absorbs.
      // (The list travels as one JSON parameter: the driver would spread a JS array into several.)
      const tagList = JSON.stringify(tags);
      await tx.execute(
        'insert into tags (name) select jsonb_array_elements_text(?::jsonb) on conflict (name) do nothing',
        [tagList],
      );
      await tx.execute(
        `insert into message_tags (message_id, tag_id)
         select ?, id from tags where name in (select jsonb_array_elements_text(?::jsonb))`,
        [row.id, tagList],
      );
    }
    const message: Message = {
      id: row.id,
      author: { username: row.username, bot: row.bot },
      content: input.content,
      tags,
      likeCount: 0,
      likedByMe: false,
      createdAt: new Date(row.created_at).toISOString(),
    };
    // The same frame goes to every viewer, so likedByMe is false in it (a new message has no likes).
    const eventId = await appendEvent(tx, 'message.created', message);
    if (idempotency) await storeResponse(tx, author.id, idempotency.key, message);
    return { message, eventId };
  });
}

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
 * Newest first, keyset-paginated on id: `before` pages back through older messages and is stable
 * while new ones arrive; `after` returns the `limit` messages that follow it (for catching up).
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
      if (!row) throw notFound('Message');
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
  const unit = { m: 'minutes', h: 'hours', d: 'days' }[windowSpec.slice(-1) as 'm' | 'h' | 'd'];
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
