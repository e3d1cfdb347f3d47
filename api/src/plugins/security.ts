// Security headers, CORS and rate limits: each a well-kept Fastify plugin. (Load shedding: load-shedding.ts.)
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../domain/api-error.ts';

export interface SecurityOptions {
  corsOrigins: string[];
}

export default fp(
  async function security(app: FastifyInstance, options: SecurityOptions) {
    // The headers are @fastify/helmet's, computed once: registered on the app, the plugin builds a helmet
    // middleware (and re-parses the CSP) on every request, a tenth of the cost of a bare request. Our
    // headers vary only with the request's scheme (no nonces, no per-route options), so one probe request
    // per scheme yields all of them. Over plain http, HSTS means nothing and `upgrade-insecure-requests`
    // would send every asset to an https that is not there: a blank page on any host but localhost.
    const directives = {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    };
    const overHttps = await helmetHeaders({ contentSecurityPolicy: { directives } });
    const overHttp = await helmetHeaders({
      contentSecurityPolicy: { directives: { ...directives, upgradeInsecureRequests: null } },
      strictTransportSecurity: false,
    });
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(request.protocol === 'https' ? overHttps : overHttp);
      done();
    });
    await app.register(cors, { origin: options.corsOrigins.length > 0 ? options.corsOrigins : false });
    // Routes opt in with `config.rateLimit`; the limits themselves live next to the routes.
    await app.register(rateLimit, {
      global: false,
      // Thrown, so it must be an Error: the one error handler then answers in the one shape.
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'RATE_LIMITED', `Too many requests, retry in ${Math.ceil(context.ttl / 1000)} s`),
    });
  },
  { name: 'security' },
);

/** The headers @fastify/helmet sets with `options`, read from one request to a throwaway instance. */
async function helmetHeaders(options: Parameters<typeof helmet>[1]): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get('/', async () => '');
  const response = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const ordinary = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);
  return Object.fromEntries(
    Object.entries(response.headers)
      .filter(([name]) => !ordinary.has(name))
      .map(([name, value]) => [name, String(value)]),
  );
}
