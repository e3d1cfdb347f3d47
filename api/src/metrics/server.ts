// /metrics on a port of its own: it is never routed through the public port or a public proxy.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export function buildMetricsServer(registry: Registry): FastifyInstance {
  const server = Fastify({ logger: false });
  server.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
  server.get('/healthz', async () => ({ status: 'ok' }));
  return server;
}
