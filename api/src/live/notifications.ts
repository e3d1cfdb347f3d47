// PostgreSQL LISTEN/NOTIFY for the wake-ups across replicas: the channel, the payload (a batch of commit
// notices), and the listener on a connection of its own, re-established with backoff when it drops.
import pg from 'pg';
import type { CommitNotice } from './wake-transport.ts';

export const CHANNEL = 'flock_events';

/** Notices per NOTIFY: at most 48 bytes each (a 19-digit id), inside PostgreSQL's 8,000-byte payload. */
export const MAX_NOTICES_PER_PAYLOAD = 150;

export const encodeNotices = (notices: readonly CommitNotice[]): string => JSON.stringify(notices);

/** A payload's notices: a list, or one notice alone (what replicas of an earlier version send). */
export function decodeNotices(payload: string | undefined): CommitNotice[] {
  const parsed: unknown = JSON.parse(payload ?? '');
  const notices = Array.isArray(parsed) ? parsed : [parsed];
  if (!notices.every(isNotice)) throw new Error('not a commit notice');
  return notices;
}

const isNotice = (value: unknown): value is CommitNotice =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CommitNotice).id === 'string' &&
  typeof (value as CommitNotice).at === 'number';

export interface Listener {
  close(): Promise<void>;
}

export function listenForCommits(
  databaseUrl: string,
  handlers: {
    notices: (notices: CommitNotice[]) => void;
    reconnected: () => void;
    error: (error: unknown) => void;
  },
): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
    next.on('notification', (message) => {
      let notices: CommitNotice[];
      try {
        notices = decodeNotices(message.payload);
      } catch {
        // Not ours to read: read the events table anyway, which is what a notice asks for.
        handlers.reconnected();
        return;
      }
      handlers.notices(notices);
    });
    next.on('error', (error) => {
      handlers.error(error);
      scheduleReconnect(next);
    });
    next.on('end', () => scheduleReconnect(next));
    try {
      await next.connect();
      await next.query(`listen ${CHANNEL}`);
      client = next;
      attempt = 0;
      // Whatever was committed while we were not listening is read now.
      handlers.reconnected();
    } catch (error) {
      handlers.error(error);
      scheduleReconnect(next);
    }
  };

  const scheduleReconnect = (failed: pg.Client) => {
    if (closed || retry || (client && client !== failed)) return;
    client = undefined;
    failed.removeAllListeners('end');
    failed.end().catch(() => {});
    const delay = Math.min(5_000, 100 * 2 ** attempt++) * (0.5 + Math.random() / 2);
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => {});
      }
    },
  };
}
