// A database of the test file's own: a fresh PostgreSQL database on the machine's server (dropped
// afterwards), or, when FLOCK_TEST_DATABASE=embedded, an in-memory PGlite served the way `npm start` serves it.
import { randomBytes } from 'node:crypto';
import { startEmbeddedDatabase } from '@flock/api/embedded';
import pg from 'pg';

export const ADMIN_URL = process.env.FLOCK_TEST_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const usesEmbedded = process.env.FLOCK_TEST_DATABASE === 'embedded';

export interface TestDatabase {
  url: string;
  embedded: boolean;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (usesEmbedded) {
    const embedded = await startEmbeddedDatabase();
    return { url: embedded.url, embedded: true, drop: () => embedded.stop() };
  }
  const name = `flock_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    embedded: false,
    drop: async () => {
      await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
