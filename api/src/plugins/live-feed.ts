// The seam between writes and the live feed: a write route calls `committed(eventId)` after its
// transaction commits. The WebSocket feed subscribes here (see the live-feed issue).
import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface LiveFeedNotifier {
  /** Called after the transaction that wrote event `eventId` has committed. */
  committed(eventId: string): void;
  readonly emitter: EventEmitter<{ committed: [eventId: string] }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    liveFeed: LiveFeedNotifier;
  }
}

export default fp(
  async function liveFeed(app: FastifyInstance) {
    const emitter = new EventEmitter<{ committed: [eventId: string] }>();
    app.decorate('liveFeed', {
      emitter,
      committed: (eventId: string) => emitter.emit('committed', eventId),
    });
  },
  { name: 'live-feed' },
);
