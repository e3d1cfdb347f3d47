// The Flock API, assembled from plugins. It receives its dependencies (configuration, ORM, token
// service) so tests build it exactly as production does, against their own database.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createLogger } from '@flock/shared/service';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { type FastifyServerOptions, LogController } from 'fastify';
import { clientErrorOptions, hostRequired } from './client-errors.ts';
import type { Config } from './config.ts';
import type { TokenService } from './domain/tokens.ts';
import type { Metrics } from './metrics/registry.ts';
import auth from './plugins/auth.ts';
import database from './plugins/database.ts';
import docs from './plugins/docs.ts';
import errors from './plugins/errors.ts';
import housekeeping from './plugins/housekeeping.ts';
import liveFeed, { type WakeMode } from './plugins/live-feed.ts';
import loadShedding from './plugins/load-shedding.ts';
import methodNotAllowed from './plugins/method-not-allowed.ts';
import metricsPlugin from './plugins/metrics.ts';
import plainIntegers from './plugins/plain-integers.ts';
import security from './plugins/security.ts';
import textGuard from './plugins/text-guard.ts';
import unitOfWork from './plugins/unit-of-work.ts';
import webApp from './plugins/web-app.ts';
import activityRoutes from './routes/activity/index.ts';
import authRoutes from './routes/auth/index.ts';
import healthRoutes from './routes/health/index.ts';
import liveRoutes from './routes/live/index.ts';
import messageRoutes from './routes/messages/index.ts';
import tagRoutes from './routes/tags/index.ts';
import timelineRoutes from './routes/timelines/index.ts';
import userRoutes from './routes/users/index.ts';
import { schemaController } from './validation.ts';

export interface Lifecycle {
  migrated: boolean;
  shuttingDown: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: Lifecycle;
    config: Config;
  }
}

export interface AppDependencies {
  config: Config;
  orm: MikroORM;
  tokens: TokenService;
  metrics: Metrics;
  /** How replicas learn of new events: PostgreSQL LISTEN/NOTIFY, or in-process for the embedded database. */
  wakeMode: WakeMode;
  databaseUrl: string;
  /** Logger options instead of the service's own logger (tests capture lines with them). */
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(deps: AppDependencies) {
  const { config } = deps;
  const app = Fastify({
    ...(deps.logger !== undefined
      ? { logger: deps.logger }
      : {
          loggerInstance: createLogger({
            name: 'flock-api',
            level: config.LOG_LEVEL,
            format: config.LOG_FORMAT,
          }),
        }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Forwarded headers count only from the proxies named in TRUSTED_PROXIES: from anyone else they would
    // let a client pick its own address, and so its own rate limits.
    trustProxy: config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false,
    schemaController,
    // Tokens travel in headers only; never log them.
    requestIdHeader: false,
    // Two log lines per request were a fifth of the CPU of a small request (docs/performance.md); by
    // default only failures and slow requests are logged (below).
    logController: new LogController({ disableRequestLogging: !config.LOG_REQUESTS }),
    // What Node and the router refuse before a request reaches the app, answered in the one error shape.
    ...clientErrorOptions,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('lifecycle', { migrated: true, shuttingDown: false } satisfies Lifecycle);
  // Once shutting down, every response closes its connection: a keep-alive socket left idle after an
  // in-flight request finishes would hold the server's close (and the process) until the grace period
  // ends, and the client is better off reconnecting to another replica anyway.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.lifecycle.shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
  if (!config.LOG_REQUESTS) {
    app.addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode >= 500 || reply.elapsedTime > 1_000) {
        request.log.warn(
          { req: request, res: reply, responseTime: reply.elapsedTime },
          reply.statusCode >= 500 ? 'request failed' : 'slow request',
        );
      }
      done();
    });
  }

  await app.register(errors);
  await app.register(hostRequired);
  await app.register(methodNotAllowed);
  await app.register(textGuard);
  await app.register(plainIntegers);
  // Bodies are JSON: any other media type is 415, not a string the schema then calls the wrong type.
  app.removeContentTypeParser('text/plain');
  await app.register(database, { orm: deps.orm });
  await app.register(metricsPlugin, { metrics: deps.metrics });
  await app.register(security, { corsOrigins: config.CORS_ORIGINS });
  await app.register(loadShedding, {
    maxEventLoopDelayMs: config.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
    maxDbWaiting: config.OVERLOAD_MAX_DB_WAITING,
  });
  await app.register(docs);
  await app.register(auth, { tokens: deps.tokens });
  await app.register(housekeeping);
  await app.register(liveFeed, {
    wakeMode: deps.wakeMode,
    databaseUrl: deps.databaseUrl,
    pollMs: config.LIVE_POLL_MS,
    retentionSeconds: config.EVENT_RETENTION_SECONDS,
  });
  await app.register(unitOfWork);

  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth', rateLimitMax: config.AUTH_RATE_LIMIT_MAX });
      await api.register(userRoutes, { prefix: '/users', rateLimitMax: config.AUTH_RATE_LIMIT_MAX });
      await api.register(messageRoutes, {
        prefix: '/messages',
        postRateLimitMax: config.POST_RATE_LIMIT_MAX,
      });
      await api.register(tagRoutes, { prefix: '/tags' });
      await api.register(timelineRoutes, { prefix: '/timelines' });
      await api.register(activityRoutes);
      await api.register(liveRoutes, {
        allowedOrigins: config.LIVE_ALLOWED_ORIGINS,
        maxSubscriptions: config.LIVE_MAX_SUBSCRIPTIONS,
        maxConnectionsPerUser: config.LIVE_MAX_CONNECTIONS_PER_USER,
        maxFrameBytes: config.LIVE_MAX_FRAME_BYTES,
        sendBufferBytes: config.LIVE_SEND_BUFFER_BYTES,
        heartbeatMs: config.LIVE_HEARTBEAT_MS,
      });
    },
    { prefix: '/api' },
  );
  if (config.WEB_DIST) await app.register(webApp, { root: config.WEB_DIST });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
