// Periodic clean-up that any replica may run (each step is idempotent): expired Idempotency-Keys, and the
// tables' statistics when the database server does not keep them itself (see db/statistics.ts).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { maintainTables, serverMaintainsTables, tablesNeedingMaintenance } from '../db/statistics.ts';
import { pruneIdempotencyKeys } from '../services/idempotency.ts';

export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600;
/** How often to look for tables past autovacuum's thresholds, when the server's autovacuum is off. */
export const TABLE_MAINTENANCE_INTERVAL_MS = 10_000;

export default fp(
  async function housekeeping(app: FastifyInstance) {
    const timers: NodeJS.Timeout[] = [];
    let lastPass = Promise.resolve();
    timers.push(
      setInterval(() => {
        pruneIdempotencyKeys(app.orm.em.fork(), IDEMPOTENCY_KEY_TTL_SECONDS).catch((error) =>
          app.log.warn({ err: error }, 'housekeeping: pruning idempotency keys failed'),
        );
      }, 600_000).unref(),
    );

    if (!(await serverMaintainsTables(app.orm.em.fork()))) {
      app.log.warn(
        'PostgreSQL autovacuum is off: the API analyzes and vacuums its own tables at autovacuum’s default thresholds. Turn autovacuum on in production.',
      );
      const maintain = async () => {
        try {
          const em = app.orm.em.fork();
          await maintainTables(em, await tablesNeedingMaintenance(em));
        } catch (error) {
          app.log.warn({ err: error }, 'housekeeping: table maintenance failed; retrying later');
        }
      };
      let running = false;
      timers.push(
        setInterval(() => {
          if (running) return;
          running = true;
          lastPass = maintain().finally(() => {
            running = false;
          });
        }, TABLE_MAINTENANCE_INTERVAL_MS).unref(),
      );
    }
    app.addHook('onClose', async () => {
      for (const timer of timers) clearInterval(timer);
      // The pool closes after this hook: let a pass in progress finish on it.
      await lastPass;
    });
  },
  { name: 'housekeeping', dependencies: ['database'] },
);
