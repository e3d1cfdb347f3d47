// Builds the API exactly as production does (same plugins, migrations applied) on a test database.
import { createMetricsServer, type MetricsServer } from '@flock/shared/service';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
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
