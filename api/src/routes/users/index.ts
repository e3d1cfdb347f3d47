import { DeleteAccountBody, Me, Profile, USERNAME_INPUT_PATTERN } from '@flock/shared';
import { Type } from 'typebox';
import { deleteAccount } from '../../services/account-deletion.ts';
import { findMe, findProfile, toMe } from '../../services/users.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const userRoutes: RoutePlugin<{ rateLimitMax: number }> = async (app, options) => {
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
      schema: {
        tags: ['users'],
        summary: 'A public profile with message and like counts',
        params: Type.Object({ username: Type.String({ pattern: USERNAME_INPUT_PATTERN }) }),
        response: { 200: Profile, ...errorResponses(400, 404) },
      },
    },
    async (request) => findProfile(request.em, request.params.username),
  );
};

export default userRoutes;
