import { HomeQuery, MessagePage } from '@flock/shared';
import { readHome } from '../../services/messages.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const timelineRoutes: RoutePlugin = async (app) => {
  app.get(
    '/home',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['messages'],
        summary:
          'Your home timeline: the messages of the accounts you follow and your own, newest first, keyset-paginated like the feed',
        security: [{ bearer: [] }],
        querystring: HomeQuery,
        response: { 200: MessagePage, ...errorResponses(400, 401) },
      },
    },
    async (request) =>
      readHome(request.em, request.user!.id, { ...request.query, limit: request.query.limit ?? 20 }),
  );
};

export default timelineRoutes;
