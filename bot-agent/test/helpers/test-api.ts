// The API the acceptance tests point the bot agent at (the kit's own test API), with a pool on its
// database to read what the bots wrote.
import { startTestApi, type TestApi } from '@flock/testkit/test-api';
import pg from 'pg';

export interface ApiWithPool extends TestApi {
  db: pg.Pool;
}

export async function startApiWithPool(): Promise<ApiWithPool> {
  const api = await startTestApi({ AUTH_RATE_LIMIT_MAX: '1000', POST_RATE_LIMIT_MAX: '10000' });
  const db = new pg.Pool({ connectionString: api.database.url, max: 2 });
  const closeApi = api.close;
  return Object.assign(api, {
    db,
    async close() {
      await db.end();
      await closeApi();
    },
  });
}
