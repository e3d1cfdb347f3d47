// Everything a running API process owns, started and stopped in order: database (embedded or not),
// migrations, the public app and the metrics server.
import { createMetricsServer, listenOn, type MetricsServer } from '@flock/shared/service';
import { type App, type AppDependencies, buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { openOrm, poolFor } from './db/orm.ts';
import { createTokenService } from './domain/tokens.ts';
import { createMetrics } from './metrics/registry.ts';

export interface Runtime {
  app: App;
  metricsServer: MetricsServer;
  /** Fails readiness at once, lets in-flight requests finish, then closes everything. */
  stop(): Promise<void>;
}

/**
 * The ORM (migrated), the metrics and the app for a database: what a process and a test both build.
 */
export async function assemble(
  config: Config,
  database: { databaseUrl: string; embedded: boolean },
  logger?: AppDependencies['logger'],
) {
  const orm = await openOrm({ databaseUrl: database.databaseUrl, ...poolFor(database.embedded, config) });
  const applied = await migrate(orm, { lock: !database.embedded });
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
    // The embedded database is one process: wake in-process. PostgreSQL wakes every replica.
    wakeMode: database.embedded ? 'in-process' : 'listen',
    databaseUrl: database.databaseUrl,
    ...(logger ? { logger } : {}),
  });
  if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
  return { orm, metrics, app };
}

export async function startRuntime(config: Config, options: { listen?: boolean } = {}): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (databaseUrl === undefined) {
    embedded = await startEmbeddedDatabase(config.EMBEDDED_DATA_DIR);
    databaseUrl = embedded.url;
  }
  const { orm, metrics, app } = await assemble(config, { databaseUrl, embedded: embedded !== undefined });
  const metricsServer = createMetricsServer(metrics.registry);
  app.addHook('onClose', async () => {
    await metricsServer.close();
    await orm.close();
    await embedded?.stop();
  });

  if (options.listen !== false) {
    try {
      // Metrics first: a clash there stops the process before the public port has served anything.
      await listenOn(
        metricsServer.listen({ host: config.METRICS_HOST, port: config.METRICS_PORT }),
        config.METRICS_PORT,
        'METRICS_PORT',
      );
      await listenOn(app.listen({ host: config.HOST, port: config.PORT }), config.PORT, 'PORT');
    } catch (error) {
      // Closes the database too, so a port clash leaves the embedded data folder free at once.
      await app.close();
      throw error;
    }
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
