// A live-feed client that does what docs/live-feed.md tells clients to do: keep the id of the last event,
// and after any disconnect reconnect (to the next replica) and subscribe with `since`. It records every
// message it was told about, and any event that arrived twice or out of order.
import { LIVE_AUTH_PROTOCOL_PREFIX, LIVE_PROTOCOL } from '@flock/shared';
import WebSocket from 'ws';

export interface SubscriberOptions {
  targets: () => string[];
  token: string;
  /** Which target to try first. */
  first?: number;
  stream?: string;
  /** Delay before reconnecting (ms), may be random. */
  reconnectDelay?: () => number;
}

export class Subscriber {
  /** Ids of every message.created received. */
  readonly messages = new Set<string>();
  lastEventId: bigint | undefined;
  events = 0;
  repeated = 0;
  resyncs = 0;
  closeCodes: number[] = [];
  /** Successful (re)subscriptions; the first is 1. */
  subscriptions = 0;
  lastSubscribedAt = 0;
  connectedTo: string | undefined;
  socket: WebSocket | undefined;
  #stopped = false;
  #attempt: number;
  #timer: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];
  readonly #options: SubscriberOptions;

  constructor(options: SubscriberOptions) {
    this.#options = options;
    this.#attempt = options.first ?? 0;
  }

  get stream(): string {
    return this.#options.stream ?? 'public';
  }

  /** Connects; resolves once subscribed. */
  async start(timeoutMs = 10_000): Promise<void> {
    const target = this.subscriptions;
    this.#connect();
    await this.until(() => this.subscriptions > target, timeoutMs, 'subscribed');
  }

  /** Resolves when `check` holds (re-checked on every frame and close). */
  async until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`subscriber timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Drops the connection abruptly, as a network failure would (it reconnects by itself). */
  drop(): void {
    this.socket?.terminate();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.socket?.terminate();
  }

  #notify(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  #connect(): void {
    if (this.#stopped) return;
    const targets = this.#options.targets();
    const target = targets[this.#attempt++ % Math.max(1, targets.length)];
    if (!target) {
      this.#reconnect();
      return;
    }
    const socket = new WebSocket(`${target.replace(/^http/, 'ws')}/api/ws`, [
      LIVE_PROTOCOL,
      `${LIVE_AUTH_PROTOCOL_PREFIX}${this.#options.token}`,
    ]);
    this.socket = socket;
    this.connectedTo = target;
    socket.on('message', (data) => this.#frame(socket, data.toString()));
    socket.on('error', () => {});
    socket.on('close', (code) => {
      if (this.socket !== socket) return;
      this.closeCodes.push(code);
      this.#notify();
      this.#reconnect();
    });
  }

  #reconnect(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#connect(),
      this.#options.reconnectDelay?.() ?? 100 + Math.random() * 200,
    );
  }

  #frame(socket: WebSocket, text: string): void {
    const frame = JSON.parse(text) as {
      type: string;
      id?: string;
      event?: string;
      data?: { id: string };
      stream?: string;
    };
    if (frame.type === 'welcome') {
      const since = this.lastEventId === undefined ? {} : { since: this.lastEventId.toString() };
      socket.send(JSON.stringify({ type: 'subscribe', stream: this.stream, ...since }));
    } else if (frame.type === 'subscribed') {
      this.subscriptions++;
      this.lastSubscribedAt = performance.now();
      // The first subscription starts here; later ones resume from the last event.
      if (this.lastEventId === undefined)
        this.lastEventId = BigInt((frame as { position?: string }).position ?? '0');
    } else if (frame.type === 'resync') {
      this.resyncs++;
    } else if (frame.type === 'event') {
      const id = BigInt(frame.id!);
      this.events++;
      if (this.lastEventId !== undefined && id <= this.lastEventId) this.repeated++;
      else this.lastEventId = id;
      if (frame.event === 'message.created') this.messages.add(frame.data!.id);
    }
    this.#notify();
  }
}

/** Waits until every subscriber has every id; returns what each still misses after the timeout. */
export async function awaitDelivery(
  subscribers: Subscriber[],
  ids: string[],
  timeoutMs: number,
): Promise<{ missing: number[]; ms: number }> {
  const started = performance.now();
  const missingOf = (subscriber: Subscriber) => ids.filter((id) => !subscriber.messages.has(id)).length;
  await Promise.all(
    subscribers.map((subscriber) =>
      subscriber.until(() => missingOf(subscriber) === 0, timeoutMs, 'every message').catch(() => {}),
    ),
  );
  return { missing: subscribers.map(missingOf), ms: performance.now() - started };
}
