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

    // Probes are not traffic: a kubelet's /healthz every few seconds would only dilute the histogram.
    const probes = new Set(['/healthz', '/readyz']);
    app.addHook('onResponse', (request, reply, done) => {
      // The route template, never the raw URL: ids in paths would explode the label set.
      const route = request.routeOptions.url ?? 'unmatched';
      if (!probes.has(route)) {
        metrics.httpDuration.observe(
          { method: request.method, route, status_code: String(reply.statusCode) },
          reply.elapsedTime / 1000,
        );
      }
      done();
    });

    const pool = (await app.orm.em.getConnection().getNativeClient()) as Pool;
    metrics.observePool(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
  },
  { name: 'metrics', dependencies: ['database'] },
);
