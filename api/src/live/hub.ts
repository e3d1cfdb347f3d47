// Routes each event from the log to the connections subscribed to one of its streams, or whose `home` admits
// its author (home-routes.ts).
import { LiveCloseCode } from '@flock/shared';
import type { LiveConnection, LiveSubscription } from './connection.ts';
import { HomeRoutes } from './home-routes.ts';
import { isFollowEvent, type RoutedEvent, streamsOf } from './streams.ts';
import { SubscriptionIndex } from './subscriptions.ts';

type Subscribers = ReadonlyMap<LiveConnection, LiveSubscription>;

export class LiveHub {
  readonly home = new HomeRoutes<LiveConnection>();
  readonly subscriptions = new SubscriptionIndex<LiveConnection>((subscription) =>
    this.home.remove(subscription),
  );
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
      // A `home` still replaying sorts out what it holds by its own follow set, in id order, once done.
      for (const subscription of this.home.catchingUp) subscription.held?.push(event);
      if (event.type === 'account.deleted') {
        this.#closeAccount(event.accountId);
        this.home.apply(event);
        continue;
      }
      if (isFollowEvent(event)) {
        this.home.apply(event);
        continue;
      }
      const streams = streamsOf(event);
      // Most events match one subscribed stream (`public` alone on a quiet tag): no grouping needed.
      let only: Subscribers | undefined;
      let matched = 0;
      const sources: (Subscribers | undefined)[] = [this.home.subscribersOf(event.author)];
      for (const stream of streams) sources.push(this.subscriptions.onStream(stream));
      for (const subscribers of sources) {
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
        for (const subscribers of sources) {
          for (const [connection, subscription] of subscribers ?? []) {
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
