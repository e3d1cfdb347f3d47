// Reads the events outbox in id order and hands each event, once, to the hub. It only ever reads below a
// horizon that no still-running transaction can commit under (see horizon.ts), so events committed out
// of id order are neither skipped nor delivered twice, on every replica alike (see horizon.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { compiler, sqlOf } from '../db/kysely.ts';
import { APPLICATION_NAME } from '../db/orm.ts';
import { prepared } from '../db/prepared.ts';
import { type HorizonCandidate, settleHorizon } from './horizon.ts';
import { type FollowChange, isFollowEvent, type RoutedEvent } from './streams.ts';

interface EventRow {
  id: string;
  type: RoutedEvent['type'];
  payload: {
    author: { username: string };
    tags: string[];
    userId?: number;
    followerId?: number;
    followeeId?: number;
    followee?: string;
  } & Record<string, unknown>;
  created_at: Date | string;
}

// Read on every wake, so built and compiled once. Order matters: the sequence first, then the running
// transactions, in separate statements (see horizon.ts).
const sequenceStatement = sql<{
  last_value: string;
  is_called: boolean;
}>`select last_value, is_called from events_id_seq`.compile(compiler);
// Autovacuum takes transaction ids (ANALYZE writes statistics) but never writes an event.
const activityStatement = sql<{ running: string[]; own: string[] }>`
  select coalesce(array_agg(backend_xid::text), '{}') as running,
         coalesce(array_agg(backend_xid::text) filter (where application_name = ${APPLICATION_NAME}), '{}') as own
    from pg_stat_activity
   where backend_xid is not null and datname = current_database() and backend_type <> 'autovacuum worker'`.compile(
  compiler,
);
const readStatement = prepared(({ after, until, limit }: { after: string; until: string; limit: number }) =>
  compiler
    .selectFrom('events as e')
    .select([
      sql<string>`e.id::text`.as('id'),
      sql<RoutedEvent['type']>`e.type`.as('type'),
      sql<EventRow['payload']>`e.payload`.as('payload'),
      'e.created_at',
    ])
    .where('e.id', '>', after)
    .where('e.id', '<=', until)
    // Qualified: a bare `id` here would name the text alias and sort '10' before '9'.
    .orderBy('e.id')
    .limit(limit),
);

export interface EventLogOptions {
  /** A fresh EntityManager for each read (never inside a request's transaction). */
  em: () => EntityManager;
  onEvents: (events: RoutedEvent[]) => void;
  onError: (error: unknown) => void;
  /** Transactions that held the feed back for `maxWaitMs` and were given up on. */
  onAbandoned?: (xids: string[]) => void;
  /** How long a foreign transaction may hold the horizon back. */
  maxWaitMs?: number;
  /** How many recent events to keep in memory for fast resumes. */
  bufferSize?: number;
  pageSize?: number;
}

const followChangeOf = (payload: EventRow['payload']): FollowChange => ({
  followerId: payload.followerId!,
  followeeId: payload.followeeId!,
  followee: payload.followee!,
});

export function toRoutedEvent(row: EventRow, committedAt?: number): RoutedEvent {
  return {
    id: BigInt(row.id),
    type: row.type,
    json: JSON.stringify(row.payload),
    author: row.payload.author.username,
    tags: row.payload.tags,
    ...(row.payload.userId === undefined ? {} : { accountId: row.payload.userId }),
    ...(isFollowEvent(row) ? { follow: followChangeOf(row.payload) } : {}),
    committedAt: committedAt ?? new Date(row.created_at).getTime(),
  };
}

export class EventLog {
  readonly #options: Required<EventLogOptions>;
  readonly #candidates: HorizonCandidate[] = [];
  readonly #reportedAbandoned = new Set<string>();
  /** Every event up to here has been handed on (or was a gap that can no longer fill). */
  #cursor: bigint | undefined;
  #recent: RoutedEvent[] = [];
  #running = false;
  #again = false;
  #ready: Promise<void>;
  #resolveReady!: () => void;
  /** Commit times reported by writers (this process or, through NOTIFY, others), by event id. */
  readonly #commitTimes = new Map<string, number>();

  constructor(options: EventLogOptions) {
    this.#options = {
      maxWaitMs: 30_000,
      bufferSize: 10_000,
      pageSize: 500,
      onAbandoned: () => {},
      ...options,
    };
    this.#ready = new Promise((resolve) => {
      this.#resolveReady = resolve;
    });
  }

  /** Resolves once the first safe position is known: the log then starts from there (no history replay). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  get cursor(): bigint {
    return this.#cursor ?? 0n;
  }

  noteCommit(eventId: string, at: number): void {
    this.#commitTimes.set(eventId, at);
    if (this.#commitTimes.size > 50_000) {
      // Bounded: drop the oldest half (Map iterates in insertion order).
      let drop = 25_000;
      for (const key of this.#commitTimes.keys()) {
        this.#commitTimes.delete(key);
        if (--drop === 0) break;
      }
    }
  }

  /** Asks for a read soon; calls during a read are folded into one more read. */
  wake(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      do {
        this.#again = false;
        await this.#readOnce();
      } while (this.#again);
    } catch (error) {
      this.#options.onError(error);
    } finally {
      this.#running = false;
    }
  }

  async #readOnce(): Promise<void> {
    const em = this.#options.em();
    const db = sqlOf(em);
    const [sequence] = (await db.executeQuery(sequenceStatement)).rows;
    const [activity] = (await db.executeQuery(activityStatement)).rows;
    const running = new Set(activity!.running);
    const allocated = BigInt(sequence!.last_value) - (sequence!.is_called ? 0n : 1n);
    this.#candidates.push({ sequence: allocated, waitingFor: running, takenAt: Date.now() });
    const { sequence: horizon, abandoned } = settleHorizon(
      this.#candidates,
      running,
      Date.now(),
      this.#options.maxWaitMs,
      new Set(activity!.own),
    );
    // Every candidate taken while such a transaction runs times out in turn: report each one once.
    for (const xid of this.#reportedAbandoned) if (!running.has(xid)) this.#reportedAbandoned.delete(xid);
    const newlyAbandoned = abandoned.filter((xid) => !this.#reportedAbandoned.has(xid));
    if (newlyAbandoned.length > 0) {
      for (const xid of newlyAbandoned) this.#reportedAbandoned.add(xid);
      this.#options.onAbandoned(newlyAbandoned);
    }
    if (horizon === undefined) {
      // Writers are still in flight: look again shortly (their commit may also wake us first).
      setTimeout(() => this.wake(), 5).unref();
      return;
    }
    if (this.#cursor === undefined) {
      this.#cursor = horizon;
      this.#resolveReady();
      return;
    }
    while (this.#cursor < horizon) {
      const rows = await this.read(this.#cursor, horizon, this.#options.pageSize, em);
      const events = rows.map((row) => toRoutedEvent(row, this.#commitTimes.get(row.id)));
      for (const row of rows) this.#commitTimes.delete(row.id);
      // Fewer rows than a page: every id up to the horizon is now accounted for.
      this.#cursor = rows.length < this.#options.pageSize ? horizon : BigInt(rows.at(-1)!.id);
      if (events.length > 0) {
        this.#remember(events);
        this.#options.onEvents(events);
      }
    }
  }

  #remember(events: RoutedEvent[]): void {
    this.#recent.push(...events);
    const excess = this.#recent.length - this.#options.bufferSize;
    if (excess > 0) this.#recent = this.#recent.slice(excess);
  }

  /** Events in (after, until], oldest first. */
  async read(after: bigint, until: bigint, limit: number, em = this.#options.em()): Promise<EventRow[]> {
    const statement = readStatement({ after: after.toString(), until: until.toString(), limit });
    return (await sqlOf(em).executeQuery(statement)).rows;
  }

  /**
   * Every event in (after, until], oldest first, page by page: from memory when the recent buffer covers
   * the range, from the table otherwise.
   */
  async *replay(after: bigint, until: bigint): AsyncGenerator<RoutedEvent[]> {
    const oldest = this.#recent[0];
    if (oldest && oldest.id <= after + 1n) {
      yield this.#recent.filter((event) => event.id > after && event.id <= until);
      return;
    }
    let position = after;
    while (position < until) {
      const rows = await this.read(position, until, this.#options.pageSize);
      if (rows.length === 0) return;
      yield rows.map((row) => toRoutedEvent(row));
      position = BigInt(rows.at(-1)!.id);
    }
  }
}
