import { Activity, ActivityQuery } from '@flock/shared';
import { activeAccounts, activityOver } from '../../services/activity.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const activityRoutes: RoutePlugin = async (app) => {
  // The gauge reads the same figures as the page, at each scrape: the activity feature owns both.
  app.metrics.observeActiveUsers(() => activeAccounts(app.orm.em.fork()));

  // This replica's open live connections, as the live feed keeps its own gauge (routes other than the
  // live feed's do not reach into it).
  const liveConnections = async () => (await app.metrics.liveConnections.get()).values[0]?.value ?? 0;

  app.get(
    '/activity',
    {
      schema: {
        tags: ['activity'],
        summary:
          'Posts, likes and sign-ups over the last hour or day, active users, live connections, top tags',
        querystring: ActivityQuery,
        response: { 200: Activity, ...errorResponses(400) },
      },
    },
    async (request) => activityOver(request.em, request.query.window ?? 'hour', await liveConnections()),
  );
};

export default activityRoutes;
