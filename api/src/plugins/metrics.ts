// Request timing for every route, and the database pool's state at each scrape.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import type { Metrics } from '../metrics/registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export default fp(
  async function metrics(app: FastifyInstance, options: { metrics: Metrics }) {
    const { metrics } = options;
    app.decorate('metrics', metrics);

    app.addHook('onResponse', async (request, reply) => {
      metrics.httpDuration.observe(
        {
          method: request.method,
          // The route template, never the raw URL: ids in paths would explode the label set.
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    const pool = (await app.orm.em.getConnection().getNativeClient()) as Pool;
    metrics.observePool(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
  },
  { name: 'metrics', dependencies: ['database'] },
);
