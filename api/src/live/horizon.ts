// When is it safe to deliver events up to some id? When no transaction that could still commit an
// event at or below that id is running.
//
// A writer takes its transaction id before its event's sequence number (see outbox.ts). So if
// the reader reads the sequence's value S, and then the set R of transactions running in this database,
// every transaction that took a number up to S has either committed (and its event is visible to any
// later read), rolled back, or is in R. Once every member of R has ended, all of (…, S] is final.
//
// R comes from pg_stat_activity.backend_xid, which reads each backend's current transaction id. (A
// snapshot's xip list from pg_current_snapshot() will not do: PostgreSQL reuses a cached snapshot while no
// transaction has ended, so it can omit transactions that started since.)

export interface HorizonCandidate {
  sequence: bigint;
  waitingFor: ReadonlySet<string>;
  /** When the candidate was taken (ms), to give up on transactions that never finish. */
  takenAt: number;
}

export interface SettledHorizon {
  /** The highest sequence value now final, if any candidate settled. */
  sequence: bigint | undefined;
  /** Transactions given up on (still running after `maxWaitMs`), for the operator to look into. */
  abandoned: string[];
}

/**
 * The highest sequence value whose transactions have all ended, given the transactions running now;
 * drops the candidates it settles. Another session's transactions still running after `maxWaitMs` (an idle
 * session that is not ours) stop holding the feed back. Ours (`own`) never do: one of them may hold an event
 * under the horizon, which giving up on it would skip for good, and they end by themselves (our sessions
 * have statement and idle-in-transaction timeouts).
 */
export function settleHorizon(
  candidates: HorizonCandidate[],
  running: ReadonlySet<string>,
  now: number,
  maxWaitMs: number,
  own: ReadonlySet<string> = new Set(),
): SettledHorizon {
  let settled: bigint | undefined;
  let settledIndex = -1;
  const abandoned = new Set<string>();
  candidates.forEach((candidate, index) => {
    const stillRunning = [...candidate.waitingFor].filter((xid) => running.has(xid));
    const timedOut = now - candidate.takenAt > maxWaitMs && !stillRunning.some((xid) => own.has(xid));
    if (stillRunning.length === 0 || timedOut) {
      settled = candidate.sequence;
      settledIndex = index;
      if (timedOut) for (const xid of stillRunning) abandoned.add(xid);
    }
  });
  candidates.splice(0, settledIndex + 1);
  return { sequence: settled, abandoned: [...abandoned] };
}
