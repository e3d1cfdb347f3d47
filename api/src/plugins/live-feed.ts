// The live feed's engine for this process, composed: the event log reader, the hub of connections, the
// wake-up transport (PostgreSQL LISTEN/NOTIFY across replicas, or in-process for the embedded database),
// a slow poll as the fallback, and retention. The unit of work announces the events a write committed
// (`announce`); nothing else does.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { sqlOf } from '../db/kysely.ts';
import type { LiveAnnouncer } from '../live/announcer.ts';
import { EventLog } from '../live/event-log.ts';
import { describeHolders } from '../live/holders.ts';
import { LiveHub } from '../live/hub.ts';
import { postgresWake } from '../live/postgres-wake.ts';
import { startPruning } from '../live/retention.ts';
import { inProcessWake, type WakeTransport } from '../live/wake-transport.ts';

export type WakeMode = 'listen' | 'in-process';

export interface LiveFeed extends LiveAnnouncer {
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
    const em = () => app.orm.em.fork();
    const hub = new LiveHub();
    const log = new EventLog({
      em,
      onEvents: (events) => hub.dispatch(events),
      onError: (error) =>
        app.log.warn({ err: error }, 'live feed: reading events failed; retrying on the next wake'),
      onAbandoned: (xids) => void describeHolders(em(), xids, app.log),
    });

    const transport: WakeTransport =
      options.wakeMode === 'listen'
        ? postgresWake({
            databaseUrl: options.databaseUrl,
            sendNotify: (channel, payload) =>
              sql`select pg_notify(${channel}, ${payload})`.execute(sqlOf(em())),
            onError: (error, what) =>
              app.log.warn(
                { err: error },
                what === 'listen'
                  ? 'live feed: notification listener error; reconnecting'
                  : 'live feed: notify failed; other replicas poll',
              ),
          })
        : inProcessWake();
    await transport.start((notices) => {
      for (const notice of notices) log.noteCommit(notice.id, notice.at);
      log.wake();
    });

    app.decorate('liveFeed', {
      log,
      hub,
      announce(eventIds) {
        if (eventIds.length === 0) return;
        const at = Date.now();
        const notices = eventIds.map((id) => ({ id, at }));
        for (const notice of notices) log.noteCommit(notice.id, notice.at);
        log.wake();
        transport.notify(notices);
      },
    } satisfies LiveFeed);

    const poll = setInterval(() => log.wake(), options.pollMs).unref();
    const pruning = startPruning(em, options.retentionSeconds, (error) =>
      app.log.warn({ err: error }, 'live feed: pruning events failed'),
    );

    app.addHook('onClose', async () => {
      clearInterval(poll);
      pruning.stop();
      // The pool closes after this hook: what committed last is still announced.
      await transport.stop();
    });

    log.wake();
    await log.ready;
  },
  { name: 'live-feed', dependencies: ['database', 'metrics'] },
);
