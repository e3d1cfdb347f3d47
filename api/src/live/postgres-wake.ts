// The wake-up transport across replicas on PostgreSQL: every replica LISTENs (notifications.ts), and a
// writer's replica NOTIFYs after commit, its commits batched by CommitNotifier.
import { CommitNotifier } from './commit-notifier.ts';
import { CHANNEL, type Listener, listenForCommits } from './notifications.ts';
import type { WakeTransport } from './wake-transport.ts';

export interface PostgresWakeOptions {
  databaseUrl: string;
  /** Runs `select pg_notify(channel, payload)` on the API's pool. */
  sendNotify: (channel: string, payload: string) => Promise<unknown>;
  /** A listener or NOTIFY failure: the transport retries (or other replicas poll) by itself. */
  onError: (error: unknown, what: 'listen' | 'notify') => void;
}

export function postgresWake(options: PostgresWakeOptions): WakeTransport {
  const notifier = new CommitNotifier(
    (payload) => options.sendNotify(CHANNEL, payload),
    (error) => options.onError(error, 'notify'),
  );
  let listener: Listener | undefined;
  return {
    async start(onWake) {
      listener = listenForCommits(options.databaseUrl, {
        notices: onWake,
        reconnected: () => onWake([]),
        error: (error) => options.onError(error, 'listen'),
      });
    },
    notify(notices) {
      for (const notice of notices) notifier.notify(notice);
    },
    async stop() {
      // What committed last is still announced before the listener goes.
      await notifier.flushed();
      await listener?.close();
    },
  };
}
