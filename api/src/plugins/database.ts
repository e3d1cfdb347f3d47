// The ORM for the app, and one EntityManager fork per request (never the global one).
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { sqlOf } from '../db/kysely.ts';

declare module 'fastify' {
  interface FastifyInstance {
    orm: MikroORM;
    /** Answers whether the database takes a trivial query right now (with a short timeout). */
    pingDatabase(): Promise<boolean>;
  }
  interface FastifyRequest {
    em: EntityManager;
  }
}

export default fp(
  async function database(app: FastifyInstance, options: { orm: MikroORM }) {
    const { orm } = options;
    app.decorate('orm', orm);
    // Forked on first use: routes that never touch the database (health, the live-feed upgrade, 401s)
    // pay nothing, and a request that does gets one fork for its whole life.
    const forks = new WeakMap<object, EntityManager>();
    app.decorateRequest('em', {
      getter(this: object) {
        let em = forks.get(this);
        if (!em) {
          em = orm.em.fork();
          forks.set(this, em);
        }
        return em;
      },
    });

    app.decorate('pingDatabase', async () => {
      try {
        await Promise.race([
          sql`select 1`.execute(sqlOf(orm.em.fork())),
          new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), 1_000).unref()),
        ]);
        return true;
      } catch {
        return false;
      }
    });
  },
  { name: 'database' },
);
