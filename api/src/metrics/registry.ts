// Every metric the API exports, on a registry of its own (never prom-client's global one), so several
// apps can live in one process (tests) without clashing.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Source = 'human' | 'bot';

export type ActiveWindow = '5m' | '1h';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let activeUsersReader: (() => Promise<Record<ActiveWindow, number>>) | undefined;
  // Counted by the database, so every replica reports the same cluster-wide figure: panels take max, not sum.
  new Gauge({
    name: 'flock_active_users',
    help: 'Distinct accounts (people and bots) that posted or liked in the last 5 minutes (window=5m) or hour (window=1h), cluster-wide',
    labelNames: ['window'] as const,
    registers: [registry],
    async collect() {
      if (!activeUsersReader) return;
      try {
        for (const [window, value] of Object.entries(await activeUsersReader())) this.set({ window }, value);
      } catch {
        // The database is away: no figure rather than a stale one, and the rest of the scrape still answers.
        this.reset();
      }
    },
  });
  let poolReader: (() => { total: number; idle: number; waiting: number }) | undefined;
  new Gauge({
    name: 'flock_db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting requests)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!poolReader) return;
      for (const [state, value] of Object.entries(poolReader())) this.set({ state }, value);
    },
  });

  return {
    registry,
    httpDuration: new Histogram({
      name: 'flock_http_request_duration_seconds',
      help: 'HTTP request duration by route, method and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    usersRegistered: new Counter({
      name: 'flock_users_registered_total',
      help: 'Accounts created, by source (human or bot)',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    messagesPosted: new Counter({
      name: 'flock_messages_posted_total',
      help: 'Messages posted, by source (human or bot)',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    likes: new Counter({
      name: 'flock_likes_total',
      help: 'Likes added (action=like) and removed (action=unlike), by source (human or bot)',
      labelNames: ['action', 'source'] as const,
      registers: [registry],
    }),
    follows: new Counter({
      name: 'flock_follows_total',
      help: 'Follows made (not those already in place), by source (human or bot)',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    unfollows: new Counter({
      name: 'flock_unfollows_total',
      help: 'Follows ended (not those already ended), by source (human or bot)',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    replies: new Counter({
      name: 'flock_replies_total',
      help: 'Messages posted in reply to another, by source (human or bot); also counted in flock_messages_posted_total',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    liveConnections: new Gauge({
      name: 'flock_ws_connections',
      help: 'Open live-feed WebSocket connections',
      registers: [registry],
    }),
    liveSubscriptions: new Gauge({
      name: 'flock_ws_subscriptions',
      help: 'Live-feed stream subscriptions across all connections',
      registers: [registry],
    }),
    eventsDelivered: new Counter({
      name: 'flock_events_delivered_total',
      help: 'Live-feed event frames sent to clients, by event type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    slowConsumerDisconnects: new Counter({
      name: 'flock_ws_slow_consumer_disconnects_total',
      help: 'Live clients cut off because their send buffer passed the bound',
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: 'flock_event_delivery_seconds',
      help: 'Time from the commit of a change to the send of its live event',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    /** Where the active-users gauge reads from at each scrape (a database query). */
    observeActiveUsers(read: () => Promise<Record<ActiveWindow, number>>) {
      activeUsersReader = read;
    },
    /** Where the pool gauge reads from at each scrape; set once the pool exists. */
    observePool(read: () => { total: number; idle: number; waiting: number }) {
      poolReader = read;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
