// The embedded default: PGlite (PostgreSQL compiled to WebAssembly) in this process, served over the
// PostgreSQL wire protocol so the same driver, SQL and migrations serve it and a real server alike.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartError } from '@flock/shared/service';
import lockfile from 'proper-lockfile';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** `dataDir` undefined keeps the database in memory (tests). */
export async function startEmbeddedDatabase(dataDir?: string): Promise<EmbeddedDatabase> {
  const release = dataDir ? await lockDataDir(dataDir) : undefined;
  const db = await PGlite.create(dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgresql://postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
      await release?.();
    },
  };
}

/**
 * PGlite is one process's database: a second process opening the same files would corrupt them. The lock
 * (`<dataDir>.lock`, kept fresh while this process runs) is released on stop or exit; a process that died
 * without either leaves one that counts as stale after 10 s.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new StartError(
      `the embedded database in ${dataDir} is in use by another Flock process (EMBEDDED_DATA_DIR): stop that one, or set EMBEDDED_DATA_DIR to another folder`,
    );
  }
}
