import {
  AccountPage,
  AccountPageQuery,
  DeleteAccountBody,
  FollowState,
  Me,
  Profile,
  UpdateProfileBody,
  USERNAME_INPUT_PATTERN,
} from '@flock/shared';
import { Type } from 'typebox';
import { deleteAccount } from '../../services/account-deletion.ts';
import { readFollows, setFollow } from '../../services/follows.ts';
import { findMe, findProfile, toMe, updateProfile } from '../../services/users.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const UsernameParams = Type.Object({ username: Type.String({ pattern: USERNAME_INPUT_PATTERN }) });
// A token is optional here (it fills in followedByMe), but one that is sent is checked.
const optionalBearer: Record<string, string[]>[] = [{}, { bearer: [] }];

const userRoutes: RoutePlugin<{ rateLimitMax: number }> = async (app, options) => {
  const source = (bot: boolean) => (bot ? 'bot' : 'human');

  app.get(
    '/me',
    {
      onRequest: app.authenticate,
      config: { accountCheckedByRoute: true },
      schema: {
        tags: ['users'],
        summary: 'The signed-in account',
        security: [{ bearer: [] }],
        response: { 200: Me, ...errorResponses(401) },
      },
    },
    async (request) => toMe(await findMe(request.em, request.user!.id)),
  );

  app.delete(
    '/me',
    {
      onRequest: app.authenticate,
      // A stolen token must not become a way to guess the password: attempts count like logins.
      config: {
        accountCheckedByRoute: true,
        rateLimit: {
          max: options.rateLimitMax,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request) => `delete-account:${request.user?.id ?? request.ip}`,
        },
      },
      schema: {
        tags: ['users'],
        summary:
          'Delete your account, its messages and its likes (password confirmed); the username is free again',
        security: [{ bearer: [] }],
        body: DeleteAccountBody,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      await deleteAccount(request.unitOfWork, request.user!.id, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/:username',
    {
      onRequest: app.identify,
      schema: {
        tags: ['users'],
        summary: 'A public profile: display name, bio, message, like and follow counts',
        security: optionalBearer,
        params: UsernameParams,
        response: { 200: Profile, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => findProfile(request.em, request.params.username, request.user?.id ?? null),
  );

  app.patch(
    '/:username',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['users'],
        summary: 'Edit your own display name and bio',
        security: [{ bearer: [] }],
        params: UsernameParams,
        body: UpdateProfileBody,
        response: { 200: Profile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => updateProfile(request.em, request.user!, request.params.username, request.body),
  );

  for (const [method, following] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.route({
      method,
      url: '/:username/follow',
      onRequest: app.authenticate,
      schema: {
        tags: ['users'],
        summary: following ? 'Follow an account (idempotent)' : 'Stop following an account (idempotent)',
        security: [{ bearer: [] }],
        params: UsernameParams,
        response: { 200: FollowState, ...errorResponses(400, 401, 404, ...(following ? [422] : [])) },
      },
      handler: async (request) => {
        const user = request.user!;
        const { changed, ...state } = await setFollow(
          request.unitOfWork,
          user.id,
          request.params.username,
          following,
        );
        if (changed)
          (following ? app.metrics.follows : app.metrics.unfollows).inc({ source: source(user.bot) });
        return state;
      },
    });
  }

  for (const list of ['followers', 'following'] as const) {
    app.get(
      `/:username/${list}`,
      {
        schema: {
          tags: ['users'],
          summary:
            list === 'followers'
              ? "An account's followers, the most recent first (pass `next` as `before`)"
              : 'The accounts an account follows, the most recent first (pass `next` as `before`)',
          params: UsernameParams,
          querystring: AccountPageQuery,
          response: { 200: AccountPage, ...errorResponses(400, 404) },
        },
      },
      async (request) =>
        readFollows(request.em, request.params.username, list, {
          before: request.query.before,
          limit: request.query.limit ?? 20,
        }),
    );
  }
};

export default userRoutes;
