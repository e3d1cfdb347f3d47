// One connection's protocol, from the upgrade to the close: the welcome, then client frames handled one at
// a time (subscribe, with its replay from `since`; unsubscribe), the token's expiry, and the connection's
// place in the hub. Frames and their order: shared/src/live.ts and docs/live-feed.md.
import { ClientFrame, LiveCloseCode, type StreamName } from '@flock/shared';
import type { FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import type { WebSocket } from 'ws';
import { LiveConnection } from './connection.ts';
import type { EventLog } from './event-log.ts';
import type { FollowSet, FollowSetOwner } from './follow-set.ts';
import type { Heartbeat } from './heartbeat.ts';
import type { LiveHub } from './hub.ts';
import type { LiveMetrics } from './live-metrics.ts';
import { type RoutedEvent, streamsOf } from './streams.ts';

const clientFrame = Compile(ClientFrame);

export interface SessionContext {
  hub: LiveHub;
  log: EventLog;
  metrics: LiveMetrics;
  heartbeat: Heartbeat;
  /** Events up to this id may have been pruned (read from the database). */
  prunedThrough: () => Promise<bigint>;
  /** Whom the account followed just after event `position` (read from the database). */
  followSetAt: (owner: FollowSetOwner, position: bigint) => Promise<FollowSet>;
  maxSubscriptions: number;
  sendBufferBytes: number;
}

/** Runs the protocol on an admitted connection (`request.user` is set). */
export function openSession(socket: WebSocket, request: FastifyRequest, context: SessionContext): void {
  const { hub, log, metrics } = context;
  const user = request.user!;
  const connection = new LiveConnection(socket, user, {
    subscriptions: hub.subscriptions,
    maxBufferedBytes: context.sendBufferBytes,
    observer: metrics,
  });
  hub.add(connection);
  metrics.updateGauges();
  context.heartbeat.watch(socket);

  const expiry = setTimeout(
    () => socket.close(LiveCloseCode.TokenExpired, 'token expired'),
    Math.max(0, (request.liveTokenExpiresAt ?? 0) - Date.now()),
  );
  socket.on('close', () => {
    clearTimeout(expiry);
    hub.remove(connection);
    metrics.updateGauges();
  });
  socket.on('error', (error) => request.log.debug({ err: error }, 'live connection error'));

  connection.send({ type: 'welcome', username: user.username, latestEventId: log.cursor.toString() });

  // A client resubscribes every stream at once after a reconnect; far more than that is a flood.
  const maxFramesInFlight = context.maxSubscriptions * 2 + 8;
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
      .then(() => handleFrame(connection, text, context))
      .catch((error) => {
        // A subscription that could not start (its database read failed) must not linger half-made,
        // holding events back: close, and the client resumes every stream from its positions.
        request.log.warn({ err: error }, 'live: a subscription could not start; asking the client to resume');
        socket.close(LiveCloseCode.TryAgainLater, 'temporarily unavailable: reconnect and resume');
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
}

async function handleFrame(connection: LiveConnection, text: string | null, context: SessionContext) {
  const { hub, log, metrics } = context;
  if (!hub.connections.has(connection)) return;
  let frame: unknown;
  try {
    frame = text === null ? undefined : JSON.parse(text);
  } catch {
    frame = undefined;
  }
  if (!clientFrame.Check(frame)) {
    const problem = frame === undefined ? 'frames are JSON text' : [...clientFrame.Errors(frame)][0]?.message;
    connection.send({
      type: 'error',
      code: 'BAD_FRAME',
      message: `Invalid frame: ${problem ?? 'unknown shape'}`,
    });
    return;
  }
  const stream = frame.stream as StreamName;
  if (frame.type === 'unsubscribe') {
    hub.subscriptions.unsubscribe(connection, stream);
    metrics.updateGauges();
    connection.send({ type: 'unsubscribed', stream });
    return;
  }
  if (!connection.has(stream) && connection.subscriptionCount >= context.maxSubscriptions) {
    connection.send({
      type: 'error',
      code: 'TOO_MANY_SUBSCRIPTIONS',
      message: `At most ${context.maxSubscriptions} subscriptions per connection`,
    });
    return;
  }
  const since = frame.since === undefined ? undefined : BigInt(frame.since);
  if (since !== undefined && since < (await context.prunedThrough())) {
    connection.send({ type: 'resync', stream, latestEventId: log.cursor.toString() });
    return;
  }
  // Closed while the database answered: subscribing now would leave it in the hub for good.
  if (!hub.connections.has(connection)) return;
  // From here to the subscription nothing awaits: every event after `until` reaches it live (held).
  const until = log.cursor;
  const position = since ?? until;
  const subscription = hub.subscriptions.subscribe(connection, stream, position);
  // `home` holds every event until its follow set is known, and picks its own from them after.
  if (stream === 'home') hub.home.catchUp(subscription);
  metrics.updateGauges();
  connection.send({ type: 'subscribed', stream, position: position.toString() });
  // Read with the log at `until`: every follow and unfollow up to there has committed and shows; a later
  // one is among the held events, which apply it at its own id (follow-history.ts).
  const follows =
    stream === 'home'
      ? await context.followSetAt({ id: connection.userId, username: connection.username }, position)
      : undefined;
  const passes = follows
    ? (event: RoutedEvent) => follows.passes(event)
    : (event: RoutedEvent) => streamsOf(event).includes(stream);
  if (since !== undefined && since < until) {
    for await (const page of log.replay(since, until)) connection.replay(stream, page.filter(passes));
  }
  connection.finishReplay(stream, follows && passes);
  // In the same tick as the held events were sorted: no event can fall between the two.
  if (follows) hub.home.goLive(subscription, follows);
}
