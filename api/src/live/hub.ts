// Routes each event from the log to the connections subscribed to one of its streams.
import { LiveCloseCode } from '@flock/shared';
import type { LiveConnection, LiveSubscription } from './connection.ts';
import { type RoutedEvent, streamsOf } from './streams.ts';
import { SubscriptionIndex } from './subscriptions.ts';

export class LiveHub {
  readonly subscriptions = new SubscriptionIndex<LiveConnection>();
  readonly connections = new Set<LiveConnection>();
  readonly #perUser = new Map<number, number>();

  add(connection: LiveConnection): void {
    this.connections.add(connection);
    this.#perUser.set(connection.userId, this.connectionsOf(connection.userId) + 1);
  }

  remove(connection: LiveConnection): void {
    if (!this.connections.delete(connection)) return;
    this.subscriptions.unsubscribeAll(connection);
    const left = this.connectionsOf(connection.userId) - 1;
    if (left > 0) this.#perUser.set(connection.userId, left);
    else this.#perUser.delete(connection.userId);
  }

  connectionsOf(userId: number): number {
    return this.#perUser.get(userId) ?? 0;
  }

  /** The account is gone: its connections close (each leaves the hub through its socket's close). */
  #closeAccount(userId: number | undefined): void {
    for (const connection of this.connections) {
      if (connection.userId === userId) {
        connection.socket.close(LiveCloseCode.AccountDeleted, 'account deleted');
      }
    }
  }

  dispatch(events: RoutedEvent[]): void {
    for (const event of events) {
      if (event.type === 'account.deleted') {
        this.#closeAccount(event.accountId);
        continue;
      }
      const streams = streamsOf(event);
      // Most events match one subscribed stream (`public` alone on a quiet tag): no grouping needed.
      let only: ReadonlyMap<LiveConnection, LiveSubscription> | undefined;
      let matched = 0;
      for (const stream of streams) {
        const subscribers = this.subscriptions.onStream(stream);
        if (subscribers) {
          matched++;
          only = subscribers;
        }
      }
      if (matched === 1) {
        for (const [connection, subscription] of only!) connection.deliverOne(event, subscription);
      } else if (matched > 1) {
        // Group the matching subscriptions by connection, so a connection gets the event once.
        const targets = new Map<LiveConnection, LiveSubscription[]>();
        for (const stream of streams) {
          for (const [connection, subscription] of this.subscriptions.onStream(stream) ?? []) {
            const list = targets.get(connection);
            if (list) list.push(subscription);
            else targets.set(connection, [subscription]);
          }
        }
        for (const [connection, matching] of targets) connection.deliver(event, matching);
      }
      // The encoded frames served this dispatch; the event stays in the resume buffer without them.
      event.frames = undefined;
    }
  }
}
