// When is it safe to deliver events up to some id? When no transaction that could still commit an
// event at or below that id is running.
//
// A writer takes its transaction id before its event's sequence number (see services/events.ts). So if
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

/**
 * The highest sequence value whose transactions have all ended, given the transactions running now;
 * drops the candidates it settles. Transactions still running after `maxWaitMs` (an idle session that is
 * not ours: our sessions have an idle-in-transaction timeout) stop holding the feed back.
 */
export function settleHorizon(
  candidates: HorizonCandidate[],
  running: ReadonlySet<string>,
  now: number,
  maxWaitMs: number,
): bigint | undefined {
  let settled: bigint | undefined;
  let settledIndex = -1;
  candidates.forEach((candidate, index) => {
    const timedOut = now - candidate.takenAt > maxWaitMs;
    if (timedOut || [...candidate.waitingFor].every((xid) => !running.has(xid))) {
      settled = candidate.sequence;
      settledIndex = index;
    }
  });
  candidates.splice(0, settledIndex + 1);
  return settled;
}
