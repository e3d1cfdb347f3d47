// GET /api/ws: the live feed. The upgrade is refused (401/403/429) before any event can flow unless the
// token (in the subprotocol list, never the URL) is valid, the Origin is allowed and the user is under
// the connection cap. Protocol: shared/src/live.ts; documented in docs/live-feed.md.
import websocket from '@fastify/websocket';
import {
  ClientFrame,
  LIVE_AUTH_PROTOCOL_PREFIX,
  LIVE_PROTOCOL,
  LiveCloseCode,
  type StreamName,
} from '@flock/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import type { WebSocket } from 'ws';
import { ApiError } from '../../domain/api-error.ts';
import { isDatabaseUnavailable } from '../../domain/database-errors.ts';
import { LiveConnection } from '../../live/connection.ts';
import { prunedThrough } from '../../live/retention.ts';
import { type RoutedEvent, streamsOf } from '../../live/streams.ts';
import { findMe } from '../../services/users.ts';
import type { RoutePlugin } from '../types.ts';

const clientFrame = Compile(ClientFrame);

declare module 'fastify' {
  interface FastifyRequest {
    liveTokenExpiresAt?: number;
  }
}

export type LiveRouteOptions = {
  allowedOrigins: string[];
  maxSubscriptions: number;
  maxConnectionsPerUser: number;
  maxFrameBytes: number;
  sendBufferBytes: number;
  heartbeatMs: number;
};

const liveRoutes: RoutePlugin<LiveRouteOptions> = async (app, options) => {
  const { hub, log } = app.liveFeed;
  const { metrics } = app;
  const alive = new WeakMap<WebSocket, boolean>();

  // Deliveries are counted per event and recorded once it has gone to every connection (one dispatch is
  // one tick): with thousands of clients, a metric update per delivery costs more than the send.
  const deliveries = new Map<RoutedEvent, number>();
  const recordDeliveries = () => {
    for (const [event, count] of deliveries) {
      metrics.eventsDelivered.inc({ type: event.type }, count);
      metrics.deliveryLatency.observe(Math.max(0, Date.now() - event.committedAt) / 1000);
    }
    deliveries.clear();
  };
  const countDelivery = (event: RoutedEvent) => {
    if (deliveries.size === 0) setImmediate(recordDeliveries);
    deliveries.set(event, (deliveries.get(event) ?? 0) + 1);
  };

  const updateGauges = () => {
    metrics.liveConnections.set(hub.connections.size);
    metrics.liveSubscriptions.set(hub.subscriptionCount);
  };

  await app.register(websocket, {
    options: {
      maxPayload: options.maxFrameBytes,
      // Choose the protocol; the token-carrying entry is never echoed back.
      handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false),
    },
    preClose: async function closeLiveConnections() {
      await Promise.all(
        [...hub.connections].map(
          (connection) =>
            new Promise<void>((resolve) => {
              if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
              connection.socket.once('close', () => resolve());
              connection.socket.close(1001, 'server shutting down');
              setTimeout(() => {
                connection.socket.terminate();
                resolve();
              }, 1_000).unref();
            }),
        ),
      );
    },
  });

  const originAllowed = (request: FastifyRequest): boolean => {
    const origin = request.headers.origin;
    // Browsers always send Origin on a WebSocket upgrade; other clients (bots, tools) may not.
    if (origin === undefined) return true;
    if (options.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  };

  const authenticateUpgrade = async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!originAllowed(request))
      throw new ApiError(403, 'FORBIDDEN_ORIGIN', 'This origin may not open the live feed');
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const token = offered
      .find((p) => p.startsWith(LIVE_AUTH_PROTOCOL_PREFIX))
      ?.slice(LIVE_AUTH_PROTOCOL_PREFIX.length);
    if (!offered.includes(LIVE_PROTOCOL) || !token) {
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        `Offer the subprotocols ${LIVE_PROTOCOL} and ${LIVE_AUTH_PROTOCOL_PREFIX}<token>`,
      );
    }
    try {
      const claims = app.tokens.verify(token);
      request.user = { id: claims.userId, username: claims.username, bot: claims.bot };
      request.liveTokenExpiresAt = claims.expiresAt;
    } catch {
      throw new ApiError(401, 'UNAUTHORIZED', 'A valid token is required');
    }
    // A well-signed token of an account deleted since: refused like any bad token (401). While the database
    // is away the account cannot be looked up: the connection is let in, and its subscriptions are told
    // to come back (1013) until the database returns, as every client's are.
    await findMe(request.em, request.user.id).catch((error: unknown) => {
      if (!isDatabaseUnavailable(error)) throw error;
    });
    if (hub.connectionsOf(request.user.id) >= options.maxConnectionsPerUser) {
      throw new ApiError(
        429,
        'TOO_MANY_CONNECTIONS',
        `At most ${options.maxConnectionsPerUser} live connections per user`,
      );
    }
  };

  app.get(
    '/ws',
    { websocket: true, preValidation: authenticateUpgrade, schema: { hide: true } },
    (socket, request) => {
      const user = request.user!;
      const connection = new LiveConnection(socket, user, options.sendBufferBytes, {
        delivered: countDelivery,
        tooSlow: () => metrics.slowConsumerDisconnects.inc(),
      });
      hub.add(connection);
      updateGauges();
      alive.set(socket, true);
      socket.on('pong', () => alive.set(socket, true));

      const expiry = setTimeout(
        () => socket.close(LiveCloseCode.TokenExpired, 'token expired'),
        Math.max(0, (request.liveTokenExpiresAt ?? 0) - Date.now()),
      );
      socket.on('close', () => {
        clearTimeout(expiry);
        hub.remove(connection);
        updateGauges();
      });
      socket.on('error', (error) => request.log.debug({ err: error }, 'live connection error'));

      connection.send({ type: 'welcome', username: user.username, latestEventId: log.cursor.toString() });

      // Frames are handled one at a time, in the order sent: a subscribe that waits on the database must
      // not be overtaken by the unsubscribe the client sent after it.
      let handled = Promise.resolve();
      let inFlight = 0;
      socket.on('message', (data, isBinary) => {
        if (++inFlight > maxFramesInFlight) {
          socket.close(LiveCloseCode.PolicyViolation, 'too many frames in flight');
          return;
        }
        const text = isBinary ? null : data.toString();
        handled = handled
          .then(() => handleFrame(connection, text))
          .catch((error) => {
            // A subscription that could not start (its database read failed) must not linger half-made,
            // holding events back: close, and the client resumes every stream from its positions.
            request.log.warn(
              { err: error },
              'live: a subscription could not start; asking the client to resume',
            );
            socket.close(LiveCloseCode.TryAgainLater, 'temporarily unavailable: reconnect and resume');
          })
          .finally(() => {
            inFlight -= 1;
          });
      });
    },
  );

  // A client resubscribes every stream at once after a reconnect; far more than that is a flood.
  const maxFramesInFlight = options.maxSubscriptions * 2 + 8;

  async function handleFrame(connection: LiveConnection, text: string | null): Promise<void> {
    if (!hub.connections.has(connection)) return;
    let frame: unknown;
    try {
      frame = text === null ? undefined : JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (!clientFrame.Check(frame)) {
      const problem =
        frame === undefined ? 'frames are JSON text' : [...clientFrame.Errors(frame)][0]?.message;
      connection.send({
        type: 'error',
        code: 'BAD_FRAME',
        message: `Invalid frame: ${problem ?? 'unknown shape'}`,
      });
      return;
    }
    const stream = frame.stream as StreamName;
    if (frame.type === 'unsubscribe') {
      connection.unsubscribe(stream);
      hub.unsubscribe(connection, stream);
      updateGauges();
      connection.send({ type: 'unsubscribed', stream });
      return;
    }
    if (!connection.has(stream) && connection.streams.length >= options.maxSubscriptions) {
      connection.send({
        type: 'error',
        code: 'TOO_MANY_SUBSCRIPTIONS',
        message: `At most ${options.maxSubscriptions} subscriptions per connection`,
      });
      return;
    }
    const since = frame.since === undefined ? undefined : BigInt(frame.since);
    if (since !== undefined && since < (await prunedThrough(app.orm.em.fork()))) {
      connection.send({ type: 'resync', stream, latestEventId: log.cursor.toString() });
      return;
    }
    // Closed while the database answered: subscribing now would leave it in the hub for good.
    if (!hub.connections.has(connection)) return;
    // From here to hub.subscribe nothing awaits: every event after `until` reaches the subscription live.
    const until = log.cursor;
    const position = since ?? until;
    connection.beginSubscription(stream, position);
    hub.subscribe(connection, stream);
    updateGauges();
    connection.send({ type: 'subscribed', stream, position: position.toString() });
    if (since !== undefined && since < until) {
      for await (const page of log.replay(since, until)) {
        connection.replay(
          stream,
          page.filter((event) => streamsOf(event).includes(stream)),
        );
      }
    }
    connection.finishReplay(stream);
  }

  const heartbeat = setInterval(() => {
    for (const connection of hub.connections) {
      if (!alive.get(connection.socket)) {
        connection.socket.terminate();
        continue;
      }
      alive.set(connection.socket, false);
      connection.socket.ping();
    }
  }, options.heartbeatMs).unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));
};

export default liveRoutes;
