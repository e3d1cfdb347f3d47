// The live feed's wire protocol (`/api/ws`): JSON text frames, one object each.
//
// Authentication travels in the WebSocket subprotocol list, never in the URL:
//   new WebSocket(url, [LIVE_PROTOCOL, `${LIVE_AUTH_PROTOCOL_PREFIX}${token}`])
// The server answers with LIVE_PROTOCOL (it never echoes the token) or refuses the upgrade with 401.
import { type Static, Type } from 'typebox';
import { Message } from './api.ts';
import { TAG_BODY, USERNAME_BODY } from './names.ts';

export const LIVE_PROTOCOL = 'flock.v1';
export const LIVE_AUTH_PROTOCOL_PREFIX = 'flock.auth.';

/**
 * `public`, `tag:<name>`, `user:<username>`, or `home`: the messages of the accounts the connection's own
 * account follows, and its own. `home` is private: it is always the subscriber's own.
 */
export const StreamName = Type.String({ pattern: `^(public|home|tag:${TAG_BODY}|user:${USERNAME_BODY})$` });
export type StreamName = Static<typeof StreamName>;
/** Event ids are decimal strings of a bigint, increasing in the order events are delivered. */
export const EventId = Type.String({ pattern: '^(0|[1-9][0-9]{0,17})$' });

// ---- client → server ----

export const SubscribeFrame = Type.Object(
  {
    type: Type.Literal('subscribe'),
    stream: StreamName,
    /** The last event id this client saw: every later event of the stream is sent, in order, once. */
    since: Type.Optional(EventId),
  },
  { additionalProperties: false },
);
export const UnsubscribeFrame = Type.Object(
  { type: Type.Literal('unsubscribe'), stream: StreamName },
  { additionalProperties: false },
);
export const ClientFrame = Type.Union([SubscribeFrame, UnsubscribeFrame]);
export type ClientFrame = Static<typeof ClientFrame>;

// ---- server → client ----

/** The message as it was created (likedByMe is always false: it is the same frame for everyone). */
export const MessageCreatedData = Message;
/** What every live event about a message carries, so a client can route it without fetching it. */
export const MessageRef = Type.Object({
  id: Type.String(),
  author: Type.Object({ username: Type.String(), bot: Type.Boolean() }),
  tags: Type.Array(Type.String()),
  inReplyTo: Type.Union([Type.String(), Type.Null()]),
});
export type MessageRef = Static<typeof MessageRef>;
export const MessageLikedData = Type.Object({ ...MessageRef.properties, likeCount: Type.Integer() });

/** The events clients receive; the one list their type is derived from. */
export const LIVE_EVENT_TYPES = ['message.created', 'message.deleted', 'message.liked'] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

export interface LiveEventDataMap {
  'message.created': Static<typeof MessageCreatedData>;
  'message.deleted': MessageRef;
  'message.liked': Static<typeof MessageLikedData>;
}

/** One event, sent once per connection even when several of its subscriptions match (`streams`). */
export type EventFrame = {
  [K in LiveEventType]: {
    type: 'event';
    id: string;
    event: K;
    streams: StreamName[];
    data: LiveEventDataMap[K];
  };
}[LiveEventType];

export interface WelcomeFrame {
  type: 'welcome';
  username: string;
  /** The newest event id at connection time: subscribe with it as `since` to miss nothing from here on. */
  latestEventId: string;
}
export interface SubscribedFrame {
  type: 'subscribed';
  stream: StreamName;
  /** Where the subscription stands: every event after this id will follow. */
  position: string;
}
export interface UnsubscribedFrame {
  type: 'unsubscribed';
  stream: StreamName;
}
/** `since` is older than the retention window: reload the stream through the REST API, then resubscribe. */
export interface ResyncFrame {
  type: 'resync';
  stream: StreamName;
  latestEventId: string;
}
export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
}
export type ServerFrame =
  | WelcomeFrame
  | SubscribedFrame
  | UnsubscribedFrame
  | EventFrame
  | ResyncFrame
  | ErrorFrame;

/** Every close code the live feed uses, standard and its own; nowhere else is one spelled as a number. */
export const LiveCloseCode = {
  /** The client (or the server, to a client that asked) ends the connection on purpose. */
  NormalClosure: 1000,
  /** The server is shutting down: reconnect, to any replica, and resume with `since`. */
  GoingAway: 1001,
  /** The client sent far more frames than it could have subscriptions, without waiting for answers. */
  PolicyViolation: 1008,
  /** A frame larger than the server accepts (sent by the WebSocket layer itself). */
  MessageTooBig: 1009,
  /** A subscription could not start (the database is briefly away): reconnect with backoff and resume. */
  TryAgainLater: 1013,
  /** The token expired while connected: log in again. */
  TokenExpired: 4001,
  /** The account was deleted while connected: its tokens are refused from now on. */
  AccountDeleted: 4003,
  /** The client read too slowly and its send buffer passed the bound. */
  TooSlow: 4008,
  /** Too many connections for this user. */
  TooManyConnections: 4029,
} as const;
export type LiveCloseCode = (typeof LiveCloseCode)[keyof typeof LiveCloseCode];
