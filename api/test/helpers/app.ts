// Builds the API exactly as production does (same plugins, migrations applied) on a test database.
import { createMetricsServer, type MetricsServer } from '@flock/shared/service';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { startTcpProxy, type TcpProxy } from '@flock/testkit/tcp-proxy';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { App, AppDependencies } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { assemble } from '../../src/runtime.ts';

export interface TestApp {
  app: App;
  orm: MikroORM;
  config: Config;
  database: TestDatabase;
  metrics: MetricsServer;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Lets a test put something (a TCP proxy it controls) between the app and its database. */
  routeDatabase?: (url: string) => string;
  /** Another replica on an existing test database (which its owner drops). */
  database?: TestDatabase;
  logger?: AppDependencies['logger'];
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const databaseUrl = options.routeDatabase?.(database.url) ?? database.url;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_MAX: '1000',
    ...options.env,
  });
  const {
    orm,
    metrics: metricsRegistry,
    app,
  } = await assemble(config, { databaseUrl, embedded: database.embedded }, options.logger);
  await app.ready();
  return {
    app,
    orm,
    config,
    database,
    metrics: createMetricsServer(metricsRegistry.registry),
    async close() {
      await app.close();
      await orm.close();
      if (!options.database) await database.drop();
    },
  };
}

export interface TestAppBehindProxy extends TestApp {
  /** Between the app and PostgreSQL: `stop()` cuts every connection and refuses new ones, `start()` lets them in. */
  proxy: TcpProxy;
}

/** The app with its database reached through a TCP proxy the test can cut, as when PostgreSQL goes away. */
export async function createTestAppBehindProxy(options: TestAppOptions = {}): Promise<TestAppBehindProxy> {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  const t = await createTestApp({
    ...options,
    routeDatabase: (url) => {
      const routed = new URL(url);
      routed.port = String(proxy.port);
      return routed.toString();
    },
  });
  return {
    ...t,
    proxy,
    async close() {
      await proxy.start();
      await t.close();
      await proxy.close();
    },
  };
}
