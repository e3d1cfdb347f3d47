// The live feed's engine for this process: the event log reader, the hub of connections, the wake-ups
// (PostgreSQL LISTEN/NOTIFY across replicas, batched by CommitNotifier, or in-process for the embedded
// database), a slow poll as the fallback, and retention. Write routes call `committed(eventId)` after
// their transaction commits.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { LiveAnnouncer } from '../live/announcer.ts';
import { CommitNotifier } from '../live/commit-notifier.ts';
import { EventLog } from '../live/event-log.ts';
import { LiveHub } from '../live/hub.ts';
import { CHANNEL, type Listener, listenForCommits } from '../live/notifications.ts';
import { pruneEvents } from '../live/retention.ts';

export type WakeMode = 'listen' | 'in-process';

export interface LiveFeed extends LiveAnnouncer {
  /** Called after the transaction that wrote event `eventId` has committed. */
  committed(eventId: string): void;
  readonly log: EventLog;
  readonly hub: LiveHub;
}

declare module 'fastify' {
  interface FastifyInstance {
    liveFeed: LiveFeed;
  }
}

export interface LiveFeedOptions {
  wakeMode: WakeMode;
  databaseUrl: string;
  pollMs: number;
  retentionSeconds: number;
}

export default fp(
  async function liveFeed(app: FastifyInstance, options: LiveFeedOptions) {
    const hub = new LiveHub();
    const log = new EventLog({
      em: () => app.orm.em.fork(),
      onEvents: (events) => hub.dispatch(events),
      onError: (error) =>
        app.log.warn({ err: error }, 'live feed: reading events failed; retrying on the next wake'),
      onAbandoned: (xids) => void describeHolders(xids),
    });

    // Who held the feed back: a transaction open that long is a bug (ours have timeouts) or a foreign
    // session, and the operator needs its pid and query to find it.
    const describeHolders = async (xids: string[]) => {
      try {
        const holders = await app.orm.em.fork().execute(
          `select pid, backend_xid::text as xid, application_name, backend_type, state, xact_start,
                  left(query, 200) as query
             from pg_stat_activity where backend_xid::text = any(?)`,
          [xids],
        );
        app.log.warn(
          { holders },
          'live feed: transactions held events back past the wait limit; delivering on',
        );
      } catch (error) {
        app.log.warn({ err: error, xids }, 'live feed: transactions held events back past the wait limit');
      }
    };

    let listener: Listener | undefined;
    if (options.wakeMode === 'listen') {
      listener = listenForCommits(options.databaseUrl, {
        notices: (notices) => {
          for (const notice of notices) log.noteCommit(notice.id, notice.at);
          log.wake();
        },
        reconnected: () => log.wake(),
        error: (error) =>
          app.log.warn({ err: error }, 'live feed: notification listener error; reconnecting'),
      });
    }

    const notifier = new CommitNotifier(
      (payload) => app.orm.em.fork().execute('select pg_notify(?, ?)', [CHANNEL, payload]),
      (error) => app.log.warn({ err: error }, 'live feed: notify failed; other replicas poll'),
    );

    app.decorate('liveFeed', {
      log,
      hub,
      committed(eventId: string) {
        const at = Date.now();
        log.noteCommit(eventId, at);
        log.wake();
        if (options.wakeMode === 'listen') notifier.notify({ id: eventId, at });
      },
      announce(eventIds) {
        for (const eventId of eventIds) this.committed(eventId);
      },
    } satisfies LiveFeed);

    const poll = setInterval(() => log.wake(), options.pollMs).unref();
    const prune = setInterval(
      () =>
        void pruneEvents(app.orm.em.fork(), options.retentionSeconds).catch((error) =>
          app.log.warn({ err: error }, 'live feed: pruning events failed'),
        ),
      Math.min(60_000, (options.retentionSeconds * 1000) / 4),
    ).unref();

    app.addHook('onClose', async () => {
      clearInterval(poll);
      clearInterval(prune);
      // The pool closes after this hook: what committed last is still announced.
      await notifier.flushed();
      await listener?.close();
    });

    log.wake();
    await log.ready;
  },
  { name: 'live-feed', dependencies: ['database', 'metrics'] },
);
