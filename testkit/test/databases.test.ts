import pg from 'pg';
import { expect, it } from 'vitest';
import { createTestDatabase } from '../src/databases.ts';

it('creates a database of its own, reachable at its URL, and drops it', async () => {
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ name: string }>('select current_database() as name');
  await client.end();
  expect(`/${rows[0]!.name}`).toBe(new URL(database.url).pathname);
  await database.drop();
  const again = new pg.Client({ connectionString: database.url });
  await expect(again.connect()).rejects.toThrow(/does not exist/);
  await again.end().catch(() => {});
});
