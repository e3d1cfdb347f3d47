// One UnitOfWork per request, on the request's EntityManager, announcing to this process's live feed: the
// services that write take it, so no route handles events.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { UnitOfWork } from '../db/unit-of-work.ts';

declare module 'fastify' {
  interface FastifyRequest {
    unitOfWork: UnitOfWork;
  }
}

export default fp(
  async function unitOfWork(app: FastifyInstance) {
    const units = new WeakMap<object, UnitOfWork>();
    app.decorateRequest('unitOfWork', {
      getter(this: FastifyRequest) {
        let unit = units.get(this);
        if (!unit) {
          unit = new UnitOfWork(this.em, app.liveFeed);
          units.set(this, unit);
        }
        return unit;
      },
    });
  },
  { name: 'unit-of-work', dependencies: ['database', 'live-feed'] },
);
