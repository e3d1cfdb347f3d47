// Routes each event from the log to the connections subscribed to one of its streams.
import { LiveCloseCode, type StreamName } from '@flock/shared';
import type { LiveConnection } from './connection.ts';
import { type RoutedEvent, streamsOf } from './streams.ts';

export class LiveHub {
  readonly #byStream = new Map<StreamName, Set<LiveConnection>>();
  readonly connections = new Set<LiveConnection>();
  readonly #perUser = new Map<number, number>();

  add(connection: LiveConnection): void {
    this.connections.add(connection);
    this.#perUser.set(connection.userId, this.connectionsOf(connection.userId) + 1);
  }

  remove(connection: LiveConnection): void {
    if (!this.connections.delete(connection)) return;
    for (const stream of connection.streams) this.unsubscribe(connection, stream);
    const left = this.connectionsOf(connection.userId) - 1;
    if (left > 0) this.#perUser.set(connection.userId, left);
    else this.#perUser.delete(connection.userId);
  }

  connectionsOf(userId: number): number {
    return this.#perUser.get(userId) ?? 0;
  }

  subscribe(connection: LiveConnection, stream: StreamName): void {
    let set = this.#byStream.get(stream);
    if (!set) {
      set = new Set();
      this.#byStream.set(stream, set);
    }
    set.add(connection);
  }

  unsubscribe(connection: LiveConnection, stream: StreamName): void {
    const set = this.#byStream.get(stream);
    set?.delete(connection);
    if (set?.size === 0) this.#byStream.delete(stream);
  }

  /** The account is gone: its connections close (each leaves the hub through its socket's close). */
  #closeAccount(userId: number | undefined): void {
    for (const connection of this.connections) {
      if (connection.userId === userId) {
        connection.socket.close(LiveCloseCode.AccountDeleted, 'account deleted');
      }
    }
  }

  get subscriptionCount(): number {
    let count = 0;
    for (const set of this.#byStream.values()) count += set.size;
    return count;
  }

  dispatch(events: RoutedEvent[]): void {
    for (const event of events) {
      if (event.type === 'account.deleted') {
        this.#closeAccount(event.accountId);
        continue;
      }
      const streams = streamsOf(event);
      // Most events match one subscribed stream (`public` alone on a quiet tag): no grouping needed.
      let only: Set<LiveConnection> | undefined;
      let onlyStream: StreamName | undefined;
      let matched = 0;
      for (const stream of streams) {
        const set = this.#byStream.get(stream);
        if (set) {
          matched++;
          only = set;
          onlyStream = stream;
        }
      }
      if (matched === 1) {
        for (const connection of only!) connection.deliverOne(event, onlyStream!);
        event.frames = undefined;
        continue;
      }
      // Group the matching streams by connection, so a connection gets the event once per delivery.
      const targets = new Map<LiveConnection, StreamName[]>();
      for (const stream of streams) {
        const set = this.#byStream.get(stream);
        if (!set) continue;
        for (const connection of set) {
          const list = targets.get(connection);
          if (list) list.push(stream);
          else targets.set(connection, [stream]);
        }
      }
      for (const [connection, matching] of targets) connection.deliver(event, matching);
      // The encoded frames served this dispatch; the event stays in the resume buffer without them.
      event.frames = undefined;
    }
  }
}
