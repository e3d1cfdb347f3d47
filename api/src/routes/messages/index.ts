import {
  FeedQuery,
  LikeState,
  Message,
  MessageId,
  MessagePage,
  PostMessageBody,
  Thread,
  ThreadQuery,
} from '@flock/shared';
import { Type } from 'typebox';
import { badField } from '../../domain/api-error.ts';
import { unreadableText } from '../../domain/text.ts';
import { requestHash } from '../../services/idempotency.ts';
import {
  deleteMessage,
  postMessage,
  readFeed,
  readMessage,
  readThread,
  setLike,
} from '../../services/messages.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const IdParams = Type.Object({ id: MessageId });
// A token is optional here (it fills in likedByMe), but one that is sent is checked: OpenAPI's way to say
// so is an empty requirement beside the bearer one.
const optionalBearer: Record<string, string[]>[] = [{}, { bearer: [] }];
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'Retries with the same key (and body) store the message once and answer the same response',
    }),
  ),
});

const messageRoutes: RoutePlugin<{ postRateLimitMax: number }> = async (app, options) => {
  const source = (bot: boolean) => (bot ? 'bot' : 'human');

  app.post(
    '',
    {
      onRequest: app.authenticate,
      config: {
        accountCheckedByRoute: true,
        rateLimit: {
          max: options.postRateLimitMax,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request) => `post:${request.user?.id ?? request.ip}`,
        },
      },
      schema: {
        tags: ['messages'],
        summary:
          'Post a message, or a reply (`inReplyTo`: an existing message, else 422); #hashtags in the text and explicit tags are merged',
        security: [{ bearer: [] }],
        headers: IdempotencyHeaders,
        body: PostMessageBody,
        response: { 201: Message, ...errorResponses(400, 401, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      const unreadable = unreadableText(request.body.content);
      if (unreadable) throw badField('content', unreadable);
      const key = request.headers['idempotency-key'];
      const { message, replayed } = await postMessage(
        request.unitOfWork,
        request.user!,
        request.body,
        key === undefined ? undefined : { key, requestHash: requestHash(request.body) },
      );
      // A replayed response was counted by the request that wrote it.
      if (!replayed) {
        app.metrics.messagesPosted.inc({ source: source(message.author.bot) });
        if (message.inReplyTo !== null) app.metrics.replies.inc({ source: source(message.author.bot) });
      }
      return reply.code(201).send(message);
    },
  );

  app.get(
    '',
    {
      onRequest: app.identify,
      schema: {
        tags: ['messages'],
        summary: 'The feed, newest first, keyset-paginated (pass `next` as `before`)',
        security: optionalBearer,
        querystring: FeedQuery,
        response: { 200: MessagePage, ...errorResponses(400, 401) },
      },
    },
    async (request) =>
      readFeed(request.em, request.user?.id ?? null, { ...request.query, limit: request.query.limit ?? 20 }),
  );

  app.get(
    '/:id',
    {
      onRequest: app.identify,
      schema: {
        tags: ['messages'],
        summary: 'One message',
        security: optionalBearer,
        params: IdParams,
        response: { 200: Message, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => readMessage(request.em, request.user?.id ?? null, request.params.id),
  );

  app.get(
    '/:id/thread',
    {
      onRequest: app.identify,
      schema: {
        tags: ['messages'],
        summary:
          "A message's thread: the messages it answers (first of the thread first), the message, and its direct replies, oldest first, keyset-paginated (pass `next` as `after`)",
        security: optionalBearer,
        params: IdParams,
        querystring: ThreadQuery,
        response: { 200: Thread, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) =>
      readThread(request.em, request.user?.id ?? null, request.params.id, {
        after: request.query.after,
        limit: request.query.limit ?? 20,
      }),
  );

  app.delete(
    '/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['messages'],
        summary: 'Delete your own message (its replies stay)',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteMessage(request.unitOfWork, request.user!.id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  for (const [method, liked] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.route({
      method,
      url: '/:id/like',
      onRequest: app.authenticate,
      // A like's insert finds a deleted account through its foreign key; an unlike deletes nothing then.
      config: { accountCheckedByRoute: liked },
      schema: {
        tags: ['messages'],
        summary: liked ? 'Like a message (idempotent)' : 'Remove your like (idempotent)',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: LikeState, ...errorResponses(400, 401, 404) },
      },
      handler: async (request) => {
        const user = request.user!;
        const { changed, ...state } = await setLike(request.unitOfWork, user.id, request.params.id, liked);
        if (changed) app.metrics.likes.inc({ action: liked ? 'like' : 'unlike', source: source(user.bot) });
        return state;
      },
    });
  }
};

export default messageRoutes;
