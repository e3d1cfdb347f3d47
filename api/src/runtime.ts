// Everything a running API process owns, started and stopped in order: database (embedded or not),
// migrations, the public app and the metrics server.
import type { FastifyInstance } from 'fastify';
import { type App, buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './db/embedded.ts';
import { openOrm } from './db/orm.ts';
import { createTokenService } from './domain/tokens.ts';
import { createMetrics } from './metrics/registry.ts';
import { buildMetricsServer } from './metrics/server.ts';

export interface Runtime {
  app: App;
  metricsServer: FastifyInstance;
  /** Fails readiness at once, lets in-flight requests finish, then closes everything. */
  stop(): Promise<void>;
}

export async function startRuntime(config: Config, options: { listen?: boolean } = {}): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (databaseUrl === undefined) {
    embedded = await startEmbeddedDatabase(config.EMBEDDED_DATA_DIR);
    databaseUrl = embedded.url;
  }
  // PGlite is a single session: a pool of exactly one connection.
  const orm = await openOrm({
    databaseUrl,
    poolMax: embedded ? 1 : config.DB_POOL_MAX,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
  });
  await orm.migrator.up();

  const metrics = createMetrics();
  const tokens = createTokenService({
    secret: config.jwtSecret,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  const app = await buildApp({
    config,
    orm,
    tokens,
    metrics,
    wakeMode: embedded ? 'in-process' : 'listen',
    databaseUrl,
  });
  const metricsServer = buildMetricsServer(metrics.registry);
  app.addHook('onClose', async () => {
    await metricsServer.close();
    await orm.close();
    await embedded?.stop();
  });

  if (options.listen !== false) {
    await app.listen({ host: config.HOST, port: config.PORT });
    await metricsServer.listen({ host: config.METRICS_HOST, port: config.METRICS_PORT });
  } else {
    await app.ready();
  }

  return {
    app,
    metricsServer,
    async stop() {
      app.lifecycle.shuttingDown = true;
      if (config.SHUTDOWN_DELAY_MS > 0)
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
      await app.close();
    },
  };
}
