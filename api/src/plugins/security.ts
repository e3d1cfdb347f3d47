// Security headers, CORS, rate limits and load shedding: each a well-kept Fastify plugin.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../domain/api-error.ts';
import { errorBody } from './errors.ts';

export interface SecurityOptions {
  corsOrigins: string[];
  /** Requests are shed with 503 + Retry-After while the event loop lags more than this. */
  maxEventLoopDelayMs: number;
}

export default fp(
  async function security(app: FastifyInstance, options: SecurityOptions) {
    await app.register(helmet, {
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
    await app.register(cors, { origin: options.corsOrigins.length > 0 ? options.corsOrigins : false });
    // Routes opt in with `config.rateLimit`; the limits themselves live next to the routes.
    await app.register(rateLimit, {
      global: false,
      // Thrown, so it must be an Error: the one error handler then answers in the one shape.
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'RATE_LIMITED', `Too many requests, retry in ${Math.ceil(context.ttl / 1000)} s`),
    });
    // Shed on event-loop delay only: a busy loop (high utilisation) that still answers quickly is not
    // overloaded, and shedding it would turn load into errors.
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      retryAfter: 2,
      pressureHandler: (_request, reply, type, value) => {
        reply
          .code(503)
          .header('retry-after', '2')
          .send(errorBody('OVERLOADED', `The server is overloaded (${type}: ${value}), retry shortly`));
      },
    });
  },
  { name: 'security' },
);
