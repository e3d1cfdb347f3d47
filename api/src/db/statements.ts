// The API's hot-path statements compiled to `$n` SQL and parameters, for code that runs them through a
// driver of its own: the bench's raw-pg baseline measures the same SQL without the framework around it.
// Exported as `@flock/api/statements`.
import { compiler } from './kysely.ts';
import { likeCountQuery, likeQuery } from './repositories/likes.ts';
import { type FeedFilter, feedPageQuery, postQuery } from './repositories/messages.ts';
import { insertTagsQuery } from './repositories/tags.ts';

export type { FeedFilter };

export const feedStatement = (viewerId: number | null, filter: FeedFilter) =>
  feedPageQuery(compiler, viewerId, filter).compile();

export const postStatement = (authorId: number, content: string, tags: readonly string[]) =>
  postQuery(compiler, authorId, content, tags).compile();

export const insertTagsStatement = (names: readonly string[]) => insertTagsQuery(compiler, names).compile();

export const likeStatement = (userId: number, messageId: string, liked: boolean) =>
  likeQuery(compiler, userId, messageId, liked).compile();

export const likeCountStatement = (messageId: string) => likeCountQuery(compiler, messageId).compile();
