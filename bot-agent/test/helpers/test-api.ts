// The API the acceptance tests point the bot agent at: a real process on a fresh PostgreSQL database,
// on a fixed port so that it comes back where it was after a restart.
import { type ApiProcess, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { freePort } from '@flock/testkit/ports';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import pg from 'pg';

export interface TestApi {
  database: TestDatabase;
  db: pg.Pool;
  process: ApiProcess;
  url: string;
  /** Stops the API process (SIGTERM) and waits for it. */
  stop(): Promise<void>;
  /** Starts it again, on the same port and database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const database = await createTestDatabase();
  const port = await freePort();
  const env = {
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    PORT: String(port),
    AUTH_RATE_LIMIT_MAX: '1000',
    POST_RATE_LIMIT_MAX: '10000',
  };
  const api: TestApi = {
    database,
    db: new pg.Pool({ connectionString: database.url, max: 2 }),
    process: await startApiProcess(env),
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await api.process.stop();
    },
    async restart() {
      api.process = await startApiProcess(env);
    },
    async close() {
      await api.stop();
      await api.db.end();
      await database.drop();
    },
  };
  return api;
}
