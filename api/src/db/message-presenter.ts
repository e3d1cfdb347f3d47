// The one place a message row becomes the API's `Message`, and the `MessageRef` that every live event about
// a message carries. It is SQL, json built by the statement that reads or writes the row: a post writes its
// message and its `message.created` event in one statement, whose payload is also the response, and every
// other read answers in that same form. Statements name the message `m` and its author `u`.
import type { Message, MessageLikedData, MessageRef } from '@flock/shared';
import { type Expression, type ExpressionBuilder, type RawBuilder, sql } from 'kysely';
import { jsonBuildObject } from 'kysely/helpers/postgres';
import type { Static } from 'typebox';
import type { Database } from './kysely.ts';

type MessageScope = ExpressionBuilder<
  Pick<Database, 'message_tags' | 'tags' | 'likes'> & {
    m: Pick<
      Database['messages'],
      'id' | 'content' | 'in_reply_to_id' | 'reply_count' | 'like_count' | 'created_at'
    >;
    u: Pick<Database['users'], 'username' | 'display_name' | 'bot'>;
  },
  'm' | 'u'
>;

/** The message's tag names, in name order. */
export const tagNames = (eb: MessageScope) =>
  sql<string[]>`array(${eb
    .selectFrom('message_tags as mt')
    .innerJoin('tags as t', 't.id', 'mt.tag_id')
    .select('t.name')
    .whereRef('mt.message_id', '=', 'm.id')
    .orderBy('t.name')})`;

/** Whether the viewer (0: nobody) likes the message. */
export const likedBy = (eb: MessageScope, viewerId: number) =>
  eb
    .exists(
      eb
        .selectFrom('likes as l')
        .select(sql.lit(1).as('one'))
        .whereRef('l.message_id', '=', 'm.id')
        .where('l.user_id', '=', viewerId),
    )
    .$castTo<boolean>();

// Ids are bigints, which JSON would carry as numbers: the API's ids are decimal strings.
const idText = (eb: MessageScope) => sql<string>`${eb.ref('m.id')}::text`;
const inReplyToText = (eb: MessageScope) => sql<string | null>`${eb.ref('m.in_reply_to_id')}::text`;
// What Date.prototype.toISOString writes, in UTC with milliseconds.
const isoTime = (at: Expression<string>) =>
  sql<string>`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
// The live events' references name the author by username alone; the API's `Message` shows its display name.
const authorRef = (eb: MessageScope) =>
  jsonBuildObject({ username: eb.ref('u.username'), bot: eb.ref('u.bot') });
const author = (eb: MessageScope) =>
  jsonBuildObject({
    username: eb.ref('u.username'),
    displayName: eb.ref('u.display_name'),
    bot: eb.ref('u.bot'),
  });

/** The API's `Message`; a new message passes its tags (already in order) and `false` for likedByMe. */
export const messageJson = (
  eb: MessageScope,
  viewer: { likedByMe: Expression<boolean> },
  tags: Expression<string[]> = tagNames(eb),
): RawBuilder<Message> =>
  jsonBuildObject({
    id: idText(eb),
    author: author(eb),
    content: eb.ref('m.content'),
    tags,
    inReplyTo: inReplyToText(eb),
    replyCount: eb.ref('m.reply_count'),
    likeCount: eb.ref('m.like_count'),
    likedByMe: viewer.likedByMe,
    createdAt: isoTime(eb.ref('m.created_at')),
  });

/** What a `message.deleted` event carries. */
export const messageRefJson = (eb: MessageScope): RawBuilder<Static<typeof MessageRef>> =>
  jsonBuildObject({
    id: idText(eb),
    author: authorRef(eb),
    tags: tagNames(eb),
    inReplyTo: inReplyToText(eb),
  });

/** What a `message.liked` event carries: the reference and the new count. */
export const messageLikedJson = (eb: MessageScope): RawBuilder<Static<typeof MessageLikedData>> =>
  jsonBuildObject({
    id: idText(eb),
    author: authorRef(eb),
    tags: tagNames(eb),
    inReplyTo: inReplyToText(eb),
    likeCount: eb.ref('m.like_count'),
  });
