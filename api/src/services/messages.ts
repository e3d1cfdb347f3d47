// Messages, the feed and likes: the rules around the messages and likes repositories. Writes take the
// request's unit of work and return the events they wrote; it announces them once committed.
import type { DeletedMessage, LikeState, Message, MessagePage, Thread } from '@flock/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { likeCount, writeLike } from '../db/repositories/likes.ts';
import {
  deleteMessageRow,
  type FeedFilter,
  isAscending,
  lockMessage,
  messageExists,
  readChain,
  readFeedPage,
  readHomePage,
  readMessage as readOne,
  readReplies,
  writePost,
} from '../db/repositories/messages.ts';
import { insertTags } from '../db/repositories/tags.ts';
import { accountExists, holdAccount } from '../db/repositories/users.ts';
import type { UnitOfWork, Written } from '../db/unit-of-work.ts';
import { ApiError, accountGone, notFound } from '../domain/api-error.ts';
import { isForeignKeyViolation } from '../domain/database-errors.ts';
import { messageTags, normaliseTag } from '../domain/tags.ts';
import { appendEvents } from '../live/outbox.ts';
import { claimKey, type IdempotencyClaim, storeResponse } from './idempotency.ts';

export type { FeedFilter };

/** The viewer id of a request without a token: no account has it. */
const NOBODY = 0;

const noSuchMessage = () =>
  new ApiError(422, 'NO_SUCH_MESSAGE', 'The message replied to does not exist', [
    { field: 'inReplyTo', message: 'no such message' },
  ]);

/** The account was deleted after its token was issued: a foreign key finds no user. */
async function orAccountGone<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw accountGone();
    throw error;
  }
}

/**
 * A post is one statement when its tags exist, and not a transaction (see the repository); only a post with
 * an `Idempotency-Key` runs in a transaction, with its key. `replayed`: the stored response of an earlier
 * request with the key, which wrote (and announced) the message.
 */
export function postMessage(
  unit: UnitOfWork,
  author: { id: number },
  input: { content: string; tags?: string[] | undefined; inReplyTo?: string | undefined },
  idempotency?: IdempotencyClaim,
): Promise<{ message: Message; replayed: boolean }> {
  const tags = messageTags(input.content, input.tags);
  const insert = async (em: EntityManager): Promise<Written<{ message: Message; replayed: boolean }>> => {
    const post = { authorId: author.id, content: input.content, tags, inReplyTo: input.inReplyTo };
    let row = await writePost(em, post);
    if (!row && tags.length > 0) {
      // A tag did not exist yet. Tags are shared rows that concurrent posts may create at once, which
      // `on conflict` absorbs; in a statement of its own, so the write that follows sees a tag another post
      // created after this one started. (A tag left without a message by a failed post is harmless: a tag
      // is only ever seen through its messages.)
      await insertTags(em, tags);
      row = await writePost(em, post);
    }
    // With every tag there, nothing written means the author is gone (said first: a deleted account's
    // token is refused before anything is said about messages), or the message answered is.
    if (!row) {
      const replyToNothing =
        input.inReplyTo !== undefined &&
        (await accountExists(em, author.id)) &&
        !(await messageExists(em, input.inReplyTo));
      throw replyToNothing ? noSuchMessage() : accountGone();
    }
    return { result: { message: row.message, replayed: false }, events: [row.event_id] };
  };
  if (!idempotency) return orAccountGone(unit.autocommit(insert));
  return orAccountGone(
    unit.transaction(async (tx) => {
      const claim = await claimKey(tx, author.id, idempotency);
      if (!claim.claimed)
        return { result: { message: claim.response as Message, replayed: true }, events: [] };
      const created = await insert(tx);
      await storeResponse(tx, author.id, idempotency.key, created.result.message);
      return created;
    }),
  );
}

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
  const rows = await readFeedPage(em, {
    viewerId: viewerId ?? NOBODY,
    tag: filter.tag === undefined ? undefined : normaliseTag(filter.tag),
    author: filter.author?.toLowerCase(),
    before: filter.before,
    after: filter.after,
    rows: filter.limit + 1,
  });
  return toPage(rows, filter);
}

/**
 * The viewer's home timeline: the messages of the accounts it follows now, and its own, with the feed's
 * keyset semantics (readFeed). Read at request time (fan-out on read): a post writes nothing for followers.
 */
export async function readHome(
  em: EntityManager,
  viewerId: number,
  filter: Pick<FeedFilter, 'before' | 'after' | 'limit'>,
): Promise<MessagePage> {
  const rows = await readHomePage(em, {
    viewerId,
    before: filter.before,
    after: filter.after,
    rows: filter.limit + 1,
  });
  return toPage(rows, filter);
}

/** A page of `limit` from `limit + 1` rows read in keyset order, and its cursors. */
function toPage(rows: Message[], filter: Omit<FeedFilter, 'tag' | 'author'>): MessagePage {
  const ascending = isAscending(filter);
  const more = rows.length > filter.limit;
  const page = rows.slice(0, filter.limit);
  if (ascending) page.reverse();
  return {
    items: page,
    next: !ascending && more ? (page.at(-1)?.id ?? null) : null,
    newer: ascending && more ? (page[0]?.id ?? null) : null,
  };
}

export async function readMessage(em: EntityManager, viewerId: number | null, id: string): Promise<Message> {
  const message = await readOne(em, viewerId ?? NOBODY, id);
  if (!message) throw notFound('Message');
  return message;
}

/**
 * A message's thread: the messages it answers, the first of the thread first (a deleted one as
 * `{id, deleted}`, above which the thread is not known), the message, and a page of its direct replies,
 * oldest first, after `after` (continue with `next`).
 */
export async function readThread(
  em: EntityManager,
  viewerId: number | null,
  id: string,
  query: { after?: string | undefined; limit: number },
): Promise<Thread> {
  const viewer = viewerId ?? NOBODY;
  const chain = await readChain(em, viewer, id);
  const message = chain.at(-1);
  if (!message) throw notFound('Message');
  const ancestors: (Message | DeletedMessage)[] = chain.slice(0, -1).map((row) => row.message);
  const top = chain[0]!;
  if (top.in_reply_to !== null) ancestors.unshift({ id: top.in_reply_to, deleted: true });
  const replies = await readReplies(em, { viewerId: viewer, id, after: query.after, rows: query.limit + 1 });
  const page = replies.slice(0, query.limit);
  return {
    ancestors,
    message: message.message,
    replies: page,
    next: replies.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/**
 * Only the author may delete; likes and tag links go with the message, its replies stay, and the message
 * it answered counts one reply fewer.
 */
export function deleteMessage(unit: UnitOfWork, userId: number, id: string): Promise<void> {
  return unit.transaction(async (tx) => {
    // The account first, as the account's deletion takes it: the two never hold each other's rows (a
    // deadlock), and the deletion never counts off a reply this deletes (twice).
    if (!(await holdAccount(tx, userId))) throw accountGone();
    const locked = await lockMessage(tx, id);
    if (!locked) throw notFound('Message');
    if (locked.user_id !== userId)
      throw new ApiError(403, 'FORBIDDEN', 'Only the author may delete a message');
    await deleteMessageRow(tx, id);
    return {
      result: undefined,
      events: await appendEvents(tx, [{ type: 'message.deleted', payload: locked.ref }]),
    };
  });
}

/** Like or unlike, idempotently: one statement; `changed` says whether it did anything. */
export function setLike(
  unit: UnitOfWork,
  userId: number,
  id: string,
  liked: boolean,
): Promise<LikeState & { changed: boolean }> {
  return orAccountGone(
    unit.autocommit<LikeState & { changed: boolean }>(async (em) => {
      const row = await writeLike(em, { userId, messageId: id, liked });
      if (row) {
        return {
          result: { likeCount: row.like_count, likedByMe: liked, changed: true },
          events: [row.event_id],
        };
      }
      const count = await likeCount(em, id);
      // A deleted account's token is refused before anything is said about the message.
      if (count === undefined) throw (await accountExists(em, userId)) ? notFound('Message') : accountGone();
      return { result: { likeCount: count, likedByMe: liked, changed: false }, events: [] };
    }),
  );
}
