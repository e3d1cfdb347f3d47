// The live feed connection: a reactive controller that owns the one WebSocket to /api/ws.
//
// - The token travels as a subprotocol, never in the URL (see @flock/shared/live).
// - Lost connections are retried with exponential backoff and full jitter; a server going away (1001)
//   is retried at once. An expired token (4001) ends the session.
// - Every stream remembers the last event id it saw and resubscribes with it as `since`, so the server
//   replays what was missed, in order; ids at or below that position are dropped as duplicates.
// - Components subscribe through `subscribe(stream, handler)` (see LiveSubscriptionController).
import {
  type ClientFrame,
  LIVE_AUTH_PROTOCOL_PREFIX,
  LIVE_PROTOCOL,
  LiveCloseCode,
  type ServerFrame,
  type StreamName,
} from '@flock/shared/live';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveConnection, LiveHandler, LiveSubscription } from '../context.ts';

/** `offline`: not connected and not trying (signed out); `connecting`: the first attempt. */
export type LiveStatus = 'offline' | 'connecting' | 'live' | 'reconnecting';

export interface LiveControllerOptions {
  token: () => string | undefined;
  /** The token was rejected while connected (4001). */
  onExpired: () => void;
  /** Called when an attempt fails before the connection opened: lets the app check the session. */
  onFailedAttempt?: () => void;
  url?: () => string;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

interface StreamState {
  handlers: Set<LiveHandler>;
  /** The last event id seen on this stream (or the position the server confirmed). */
  position: string | undefined;
  acked: boolean;
  /** Consumers went ahead (offline) before the server confirmed: refresh them once it does. */
  stale: boolean;
  waiters: Set<() => void>;
}

const READY_TIMEOUT_MS = 3000;

const after = (a: string, b: string | undefined) => b === undefined || BigInt(a) > BigInt(b);

export const defaultLiveUrl = () =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;

export class LiveController implements ReactiveController, LiveConnection {
  status: LiveStatus = 'offline';
  /** Failed attempts since the connection was last live. */
  failures = 0;

  readonly #host: ReactiveControllerHost;
  readonly #options: LiveControllerOptions;
  readonly #streams = new Map<StreamName, StreamState>();
  #socket: WebSocket | undefined;
  #welcomed = false;
  #latestEventId: string | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #wanted = false;

  constructor(host: ReactiveControllerHost, options: LiveControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected() {
    addEventListener('online', this.retryNow);
    this.start();
  }

  hostDisconnected() {
    removeEventListener('online', this.retryNow);
    this.stop();
  }

  /** Connects with the current token, if there is one (after sign-in, or when the host connects). */
  start() {
    this.#wanted = true;
    if (!this.#socket && this.#retryTimer === undefined) this.#open();
  }

  /** Closes the connection and forgets every position (sign-out). */
  stop() {
    this.#wanted = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(LiveCloseCode.NormalClosure, 'bye');
    this.#latestEventId = undefined;
    for (const state of this.#streams.values()) {
      state.position = undefined;
      state.acked = false;
    }
    this.failures = 0;
    this.#setStatus('offline');
  }

  subscribe(stream: StreamName, handler: LiveHandler): LiveSubscription {
    let state = this.#streams.get(stream);
    if (!state) {
      state = { handlers: new Set(), position: undefined, acked: false, stale: false, waiters: new Set() };
      this.#streams.set(stream, state);
    }
    const isNew = state.handlers.size === 0;
    state.handlers.add(handler);
    const current = state;
    const ready = state.acked
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            current.waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(() => {
            current.stale = true;
            done();
          }, READY_TIMEOUT_MS);
          current.waiters.add(done);
        });
    if (isNew && this.#welcomed) this.#send({ type: 'subscribe', stream });
    // No socket (signed out, or waiting to retry): let the consumer go ahead; it is refreshed once the
    // subscription is confirmed. A socket that is opening subscribes every stream when welcomed.
    if (!this.#socket) this.#releaseWaiters(state);
    return {
      ready,
      unsubscribe: () => {
        current.handlers.delete(handler);
        if (current.handlers.size > 0 || this.#streams.get(stream) !== current) return;
        this.#streams.delete(stream);
        this.#releaseWaiters(current);
        if (this.#welcomed) this.#send({ type: 'unsubscribe', stream });
      },
    };
  }

  // ---- the socket ----

  #open() {
    this.#retryTimer = undefined;
    const token = this.#options.token();
    if (!this.#wanted || !token) {
      this.#setStatus('offline');
      return;
    }
    this.#setStatus(this.failures === 0 && this.status !== 'reconnecting' ? 'connecting' : 'reconnecting');
    const socket = new WebSocket((this.#options.url ?? defaultLiveUrl)(), [
      LIVE_PROTOCOL,
      `${LIVE_AUTH_PROTOCOL_PREFIX}${token}`,
    ]);
    this.#socket = socket;
    this.#welcomed = false;
    socket.addEventListener('message', (message) => {
      if (this.#socket !== socket || typeof message.data !== 'string') return;
      try {
        this.#receive(JSON.parse(message.data) as ServerFrame);
      } catch (error) {
        console.warn('flock live: a frame could not be handled', error);
      }
    });
    socket.addEventListener('close', (close) => {
      if (this.#socket !== socket) return;
      this.#closed(close.code);
    });
  }

  #closed(code: number) {
    const wasWelcomed = this.#welcomed;
    this.#socket = undefined;
    this.#welcomed = false;
    for (const state of this.#streams.values()) {
      state.acked = false;
      this.#releaseWaiters(state);
    }
    if (code === LiveCloseCode.TokenExpired) {
      this.#wanted = false;
      this.#setStatus('offline');
      this.#options.onExpired();
      return;
    }
    if (!this.#wanted) {
      this.#setStatus('offline');
      return;
    }
    if (!wasWelcomed) this.#options.onFailedAttempt?.();
    if (!this.#wanted) return; // the check above may have ended the session
    this.failures += 1;
    this.#setStatus('reconnecting');
    const initial = this.#options.initialDelayMs ?? 500;
    const max = this.#options.maxDelayMs ?? 10_000;
    const ceiling =
      code === LiveCloseCode.GoingAway && wasWelcomed
        ? initial
        : Math.min(max, initial * 2 ** Math.min(this.failures, 10));
    const delay =
      code === LiveCloseCode.TooManyConnections ? max : ceiling / 2 + Math.random() * (ceiling / 2);
    this.#retryTimer = setTimeout(() => this.#open(), delay);
  }

  /** While waiting to reconnect, tries at once rather than at the end of the backoff (the reader asked,
   * or the device came back online); otherwise does nothing. */
  readonly retryNow = () => {
    if (this.#retryTimer === undefined || !this.#wanted) return;
    clearTimeout(this.#retryTimer);
    this.#open();
  };

  #send(frame: ClientFrame) {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #receive(frame: ServerFrame) {
    switch (frame.type) {
      case 'welcome': {
        const previous = this.#latestEventId;
        this.#welcomed = true;
        this.#latestEventId = frame.latestEventId;
        this.failures = 0;
        this.#setStatus('live');
        for (const [stream, state] of this.#streams) {
          // Resume where this stream stood; a stream that never got a position resumes from the last
          // connection's start, so nothing posted while we were away is missed.
          const since = state.position ?? previous;
          this.#send(
            since === undefined ? { type: 'subscribe', stream } : { type: 'subscribe', stream, since },
          );
        }
        return;
      }
      case 'subscribed': {
        const state = this.#streams.get(frame.stream);
        if (!state) return;
        if (after(frame.position, state.position)) state.position = frame.position;
        state.acked = true;
        this.#releaseWaiters(state);
        if (state.stale) {
          state.stale = false;
          for (const handler of [...state.handlers]) handler.resync();
        }
        return;
      }
      case 'event': {
        const handlers = new Set<LiveHandler>();
        for (const stream of frame.streams) {
          const state = this.#streams.get(stream);
          if (!state || !after(frame.id, state.position)) continue;
          state.position = frame.id;
          for (const handler of state.handlers) handlers.add(handler);
        }
        for (const handler of handlers) handler.event(frame);
        return;
      }
      case 'resync': {
        const state = this.#streams.get(frame.stream);
        if (!state) return;
        state.position = frame.latestEventId;
        for (const handler of [...state.handlers]) handler.resync();
        this.#send({ type: 'subscribe', stream: frame.stream, since: frame.latestEventId });
        return;
      }
      case 'error':
        console.warn(`flock live: ${frame.code}: ${frame.message}`);
        return;
      case 'unsubscribed':
        return;
    }
  }

  #releaseWaiters(state: StreamState) {
    if (!state.acked && state.waiters.size > 0) state.stale = true;
    for (const resolve of [...state.waiters]) resolve();
  }

  #setStatus(status: LiveStatus) {
    if (this.status === status) return;
    this.status = status;
    this.#host.requestUpdate();
  }
}
