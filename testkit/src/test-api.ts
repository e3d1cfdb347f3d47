// The API as a test's own server: a real process on a fresh database, on a fixed port so that it comes
// back where it was after a stop (a client's reconnect is then a reconnect to the same address).
import { type ApiProcess, startApiProcess } from './api-process.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { freePort } from './ports.ts';
import { TEST_JWT_SECRET } from './secrets.ts';

export interface TestApi {
  /** http://127.0.0.1:<port> */
  url: string;
  database: TestDatabase;
  /** The running process (a new one after each restart); undefined while stopped. */
  readonly process: ApiProcess | undefined;
  /** SIGTERM, and waits for the exit; the database stays. */
  stop(): Promise<void>;
  /** Starts it again (stopping it first if it runs), on the same port and database. */
  restart(): Promise<void>;
  /** Stops it and drops its database. */
  close(): Promise<void>;
}

/** Starts the API with `env` over the test secret; DATABASE_URL and PORT are its own. */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const port = await freePort();
  const settings = { JWT_SECRET: TEST_JWT_SECRET, ...env, DATABASE_URL: database.url, PORT: String(port) };
  let running: ApiProcess | undefined;
  try {
    running = await startApiProcess(settings);
  } catch (error) {
    await database.drop();
    throw error;
  }
  const stop = async () => {
    const stopping = running;
    running = undefined;
    await stopping?.stop();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    get process() {
      return running;
    },
    stop,
    async restart() {
      await stop();
      running = await startApiProcess(settings);
    },
    async close() {
      await stop();
      await database.drop();
    },
  };
}
