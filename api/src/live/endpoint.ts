// What the /api/ws route is made of, assembled: the upgrade's admission and subprotocol choice, a session
// per connection, the heartbeat, and the close of every connection when the server shuts down.
import { LiveCloseCode } from '@flock/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { admission, chooseProtocol } from './admission.ts';
import { followSetAt } from './follow-history.ts';
import type { FollowSetOwner } from './follow-set.ts';
import { Heartbeat } from './heartbeat.ts';
import type { LiveHub } from './hub.ts';
import { LiveMetrics } from './live-metrics.ts';
import { prunedThrough } from './retention.ts';
import { openSession } from './session.ts';

export type LiveEndpointOptions = {
  allowedOrigins: string[];
  maxSubscriptions: number;
  maxConnectionsPerUser: number;
  maxFrameBytes: number;
  sendBufferBytes: number;
  heartbeatMs: number;
};

/** How long a connection told to go away may take to close before it is cut. */
const CLOSE_GRACE_MS = 1_000;

export function liveEndpoint(app: FastifyInstance, options: LiveEndpointOptions) {
  const { hub, log } = app.liveFeed;
  const heartbeat = new Heartbeat(() => [...hub.connections].map((c) => c.socket), options.heartbeatMs);
  const context = {
    hub,
    log,
    heartbeat,
    metrics: new LiveMetrics(app.metrics, hub),
    prunedThrough: () => prunedThrough(app.orm.em.fork()),
    followSetAt: (owner: FollowSetOwner, position: bigint) => followSetAt(app.orm.em.fork(), owner, position),
    maxSubscriptions: options.maxSubscriptions,
    sendBufferBytes: options.sendBufferBytes,
  };
  return {
    /** For the WebSocket server: larger frames are closed with MessageTooBig by `ws` itself. */
    serverOptions: { maxPayload: options.maxFrameBytes, handleProtocols: chooseProtocol },
    admit: admission(app, hub, options),
    open: (socket: WebSocket, request: FastifyRequest) => openSession(socket, request, context),
    closeAll: () => closeAll(hub),
    stop: async () => heartbeat.stop(),
  };
}

// Resolves to nothing: Fastify takes a close hook's resolved value for an error.
async function closeAll(hub: LiveHub): Promise<void> {
  await Promise.all(
    [...hub.connections].map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(LiveCloseCode.GoingAway, 'server shutting down');
          setTimeout(() => {
            socket.terminate();
            resolve();
          }, CLOSE_GRACE_MS).unref();
        }),
    ),
  );
}
