import { Type } from 'typebox';
import type { RoutePlugin } from '../types.ts';

const Status = Type.Object({ status: Type.String() });

// Probes are never shed by under-pressure: a liveness probe that answered 503 under load would have the
// kubelet restart pods exactly when they are busiest. (A pressure handler that returns nothing lets it pass.)
const neverShed = { pressureHandler: () => undefined };

const healthRoutes: RoutePlugin = async (app) => {
  // Liveness: the process answers. It never touches the database, so a database outage never restarts pods.
  app.get('/healthz', { config: neverShed, schema: { hide: true, response: { 200: Status } } }, async () => ({
    status: 'ok',
  }));

  // Readiness: migrations applied, the database answers, and we are not shutting down.
  app.get(
    '/readyz',
    { config: neverShed, schema: { hide: true, response: { 200: Status, 503: Status } } },
    async (_request, reply) => {
      if (app.lifecycle.shuttingDown) return reply.code(503).send({ status: 'shutting down' });
      if (!app.lifecycle.migrated) return reply.code(503).send({ status: 'migrations pending' });
      if (!(await app.pingDatabase())) return reply.code(503).send({ status: 'database unavailable' });
      return { status: 'ready' };
    },
  );
};

export default healthRoutes;
