// The migration program (what Compose's `migrate` service and the Kubernetes init container run): runs
// that start together on a fresh database take turns on the advisory lock, so both succeed and every
// migration is applied, and recorded, exactly once.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsList } from '../src/db/migrations/index.ts';

const run = promisify(execFile);
const PROGRAM = fileURLToPath(new URL('../src/db/migrate.ts', import.meta.url));

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const appliedBy = (stdout: string): string[] =>
  JSON.parse(stdout.split('\n').find((line) => line.includes('"migrations applied"'))!).applied;

describe('node api/src/db/migrate.ts', () => {
  it('serializes two concurrent runs on a fresh database: both succeed, each migration is applied once', async () => {
    const env = { ...process.env, DATABASE_URL: database.url };
    const runs = await Promise.all([
      run(process.execPath, [PROGRAM], { env }),
      run(process.execPath, [PROGRAM], { env }),
    ]);
    const names = migrationsList.map((migration) => migration.name);
    expect(runs.map((r) => appliedBy(r.stdout)).sort((a, b) => a.length - b.length)).toEqual([[], names]);

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const recorded = await db.query<{ name: string }>('select name from mikro_orm_migrations order by id');
      expect(recorded.rows.map((row) => row.name)).toEqual(names);
      const tables = await db.query<{ count: string }>(
        `select count(*)::text as count from pg_tables where schemaname = 'public' and tablename = 'messages'`,
      );
      expect(tables.rows[0]!.count).toBe('1');
    } finally {
      await db.end();
    }
  });

  it('refuses to start without DATABASE_URL', async () => {
    const { DATABASE_URL: _, ...env } = process.env;
    await expect(run(process.execPath, [PROGRAM], { env })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('DATABASE_URL is required'),
    });
  });
});
