// /metrics (and /healthz) on a port of their own: what Prometheus scrapes and what the kubelet probes,
// never routed through a service's public port or a public proxy.
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import { type InjectOptions, inject, type Response } from 'light-my-request';

/** What a prom-client Registry offers; any registry of the service's own. */
export interface MetricsRegistry {
  contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsServerOptions {
  /** Extra fields of the /healthz answer, besides `status: "ok"`. */
  health?: () => Record<string, unknown>;
}

export interface MetricsServer {
  /** Starts listening; resolves to the server's base URL (with the port chosen when `port` is 0). */
  listen(address: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
  /** Answers one request without a socket, for tests. */
  inject(request: InjectOptions | string): Promise<Response>;
}

export function createMetricsServer(
  registry: MetricsRegistry,
  options: MetricsServerOptions = {},
): MetricsServer {
  const listener = metricsListener(registry, options);
  const server = createServer(listener);
  // Probes and scrapes are short: no keep-alive socket should hold up a shutdown.
  server.keepAliveTimeout = 1000;
  return {
    async listen({ host, port }) {
      server.listen(port, host);
      await once(server, 'listening');
      const address = server.address();
      const bound = address && typeof address === 'object' ? address.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    inject: (request) => inject(listener, request),
  };
}

function metricsListener(registry: MetricsRegistry, options: MetricsServerOptions): RequestListener {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    } else if (path === '/healthz') {
      // Alive means the event loop answers: a service waiting out an outage of what it depends on is
      // healthy, and restarting it would not bring that back.
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'ok', ...options.health?.() }));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };
}
