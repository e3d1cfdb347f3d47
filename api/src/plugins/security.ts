// Security headers, CORS, rate limits and load shedding: each a well-kept Fastify plugin.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import { ApiError } from '../domain/api-error.ts';
import { errorBody } from './errors.ts';

export interface SecurityOptions {
  corsOrigins: string[];
  /** Requests are shed with 503 + Retry-After while the event loop lags more than this… */
  maxEventLoopDelayMs: number;
  /** …or while more requests than this wait for a database connection. */
  maxDbWaiting: number;
}

export default fp(
  async function security(app: FastifyInstance, options: SecurityOptions) {
    // The headers are @fastify/helmet's, computed once: registered on the app, the plugin builds a helmet
    // middleware (and re-parses the CSP) on every request, a tenth of the cost of a bare request. Our
    // headers never vary (no nonces, no per-route options), so one probe request yields all of them.
    const headers = await helmetHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
    });
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
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
    // Shed on two signals, sampled every 100 ms. Event-loop delay: the process itself is behind (a busy
    // loop that still answers quickly is not overloaded, so utilisation is not a signal). The database
    // pool's wait queue: requests are queueing for connections — under a write-heavy overload this is
    // where the backlog builds, long before the event loop notices, and shedding there keeps the
    // answers that are given fast.
    const pool = (await app.orm.em.getConnection().getNativeClient()) as Pool;
    // A burst that the pool clears in a moment is not overload: only a queue that stays long for half a
    // second (five samples in a row) is.
    let longQueueSamples = 0;
    const databaseKeepsUp = async () => {
      longQueueSamples = pool.waitingCount > options.maxDbWaiting ? longQueueSamples + 1 : 0;
      return longQueueSamples < 5;
    };
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      sampleInterval: 100,
      healthCheck: databaseKeepsUp,
      healthCheckInterval: 100,
      retryAfter: 2,
      pressureHandler: (_request, reply, type, value) => {
        reply
          .code(503)
          .header('retry-after', '2')
          .send(errorBody('OVERLOADED', `The server is overloaded (${type}: ${value}), retry shortly`));
      },
    });
  },
  { name: 'security', dependencies: ['database'] },
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
