// Periodic clean-up that any replica may run (each step is idempotent): expired Idempotency-Keys.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { pruneIdempotencyKeys } from '../services/idempotency.ts';

export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600;

export default fp(
  async function housekeeping(app: FastifyInstance) {
    const timer = setInterval(() => {
      pruneIdempotencyKeys(app.orm.em.fork(), IDEMPOTENCY_KEY_TTL_SECONDS).catch((error) =>
        app.log.warn({ err: error }, 'housekeeping: pruning idempotency keys failed'),
      );
    }, 600_000).unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'housekeeping', dependencies: ['database'] },
);
