import { Me, Profile } from '@flock/shared';
import { Type } from 'typebox';
import { findMe, findProfile, toMe } from '../../services/users.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const userRoutes: RoutePlugin = async (app) => {
  app.get(
    '/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['users'],
        summary: 'The signed-in account',
        security: [{ bearer: [] }],
        response: { 200: Me, ...errorResponses(401) },
      },
    },
    async (request) => toMe(await findMe(request.em, request.user!.id)),
  );

  app.get(
    '/:username',
    {
      schema: {
        tags: ['users'],
        summary: 'A public profile with message and like counts',
        params: Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9_]{3,30}$' }) }),
        response: { 200: Profile, ...errorResponses(400, 404) },
      },
    },
    async (request) => findProfile(request.em, request.params.username),
  );
};

export default userRoutes;
