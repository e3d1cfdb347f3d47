// Tells the other replicas about this replica's commits: one NOTIFY at a time, carrying every commit since
// the last one. A NOTIFY per write took a pool connection and a transaction of its own per write, as many
// as the writes themselves; now, when writes commit faster than a NOTIFY goes out, they share one.
import { encodeNotices, MAX_NOTICES_PER_PAYLOAD } from './notifications.ts';
import type { CommitNotice } from './wake-transport.ts';

export class CommitNotifier {
  readonly #send: (payload: string) => Promise<unknown>;
  readonly #onError: (error: unknown) => void;
  #unsent: CommitNotice[] = [];
  #sending: Promise<void> | undefined;

  constructor(send: (payload: string) => Promise<unknown>, onError: (error: unknown) => void) {
    this.#send = send;
    this.#onError = onError;
  }

  notify(notice: CommitNotice): void {
    this.#unsent.push(notice);
    this.#sending ??= this.#drain();
  }

  /** Resolves once everything notified so far has been sent (or has failed). */
  async flushed(): Promise<void> {
    await this.#sending;
  }

  async #drain(): Promise<void> {
    try {
      // Whatever commits while a NOTIFY is on its way goes in the next one.
      while (this.#unsent.length > 0) {
        const batch = this.#unsent.splice(0, MAX_NOTICES_PER_PAYLOAD);
        // A lost notice only delays the other replicas until their next poll.
        await this.#send(encodeNotices(batch)).catch(this.#onError);
      }
    } finally {
      this.#sending = undefined;
    }
  }
}
