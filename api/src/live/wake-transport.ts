// How a commit on one replica wakes the event log of every replica. The log only ever reads the events
// table (below its safe horizon), so a wake-up carries no events, only the news that some committed and
// when (for the commit-to-send latency); a lost one delays delivery until the next poll.
//
// The live feed sees this interface alone: PostgreSQL LISTEN/NOTIFY (notifications.ts) across replicas,
// in-process for a single process on the embedded database. A broker fits behind it too: see api/README.md.

export interface CommitNotice {
  id: string;
  /** Commit time on the writer (ms since epoch). */
  at: number;
}

export interface WakeTransport {
  /**
   * Starts hearing the other replicas' commits: `onWake` gets their notices, or none when the transport
   * only knows that something may have committed (after it reconnected, or a payload it could not read).
   */
  start(onWake: (notices: readonly CommitNotice[]) => void): Promise<void>;
  /** Tells the other replicas about this replica's commits, once they have committed. */
  notify(notices: readonly CommitNotice[]): void;
  /** Sends what was notified so far, then stops hearing. */
  stop(): Promise<void>;
}

/** One process alone: its own commits wake its log directly, and there is nobody else to tell. */
export const inProcessWake = (): WakeTransport => ({
  start: async () => {},
  notify: () => {},
  stop: async () => {},
});
