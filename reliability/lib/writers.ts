// Writers that behave like a careful client: each message gets an Idempotency-Key and is retried (with the
// same key, on the next replica) until the API acknowledges it with a 201, so "acknowledged" and "stored
// exactly once" can be checked against the database afterwards.
import { randomUUID } from 'node:crypto';
import { sleep } from '@flock/testkit/waiting';

export interface Outcome {
  /** performance.now() when the request was sent and when it ended. */
  started: number;
  ended: number;
  target: string;
  /** HTTP status, or 0 for a network error (refused, reset, timed out). */
  status: number;
}

export interface WritersOptions {
  /** Where to send; called for every attempt (a replica that is down can drop out). */
  targets: () => string[];
  tokens: string[];
  /** Loops per token. */
  perToken?: number;
  /** Content prefix, unique to the run. */
  prefix: string;
  /** Pause between one acknowledged write and the next, per loop. */
  pauseMs?: number;
  /** Keep every outcome (for timing checks); otherwise only counts. */
  keepOutcomes?: boolean;
  requestTimeoutMs?: number;
}

export class Writers {
  /** content → id of every write the API acknowledged with 201. */
  readonly acked = new Map<string, string>();
  readonly outcomes: Outcome[] = [];
  readonly statusCounts = new Map<number, number>();
  /** Written, never acknowledged (the run stopped while it was being retried). */
  unacknowledged = 0;
  #running = false;
  #loops: Promise<void>[] = [];
  #next = 0;
  readonly #options: WritersOptions;

  constructor(options: WritersOptions) {
    this.#options = options;
  }

  start(): void {
    this.#running = true;
    const perToken = this.#options.perToken ?? 1;
    this.#options.tokens.forEach((token, t) => {
      for (let l = 0; l < perToken; l++) this.#loops.push(this.#loop(token, `${t}.${l}`));
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  get attempts(): number {
    let total = 0;
    for (const count of this.statusCounts.values()) total += count;
    return total;
  }

  async #loop(token: string, name: string): Promise<void> {
    for (let n = 0; this.#running; n++) {
      const content = `${this.#options.prefix} ${name} #${n}`;
      const key = randomUUID();
      let acked = false;
      while (this.#running && !acked) {
        const targets = this.#options.targets();
        const target = targets[this.#next++ % Math.max(1, targets.length)];
        if (!target) {
          await sleep(50);
          continue;
        }
        const started = performance.now();
        let status = 0;
        let id: string | undefined;
        try {
          const response = await fetch(`${target}/api/messages`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
              'idempotency-key': key,
            },
            body: JSON.stringify({ content }),
            signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 10_000),
          });
          status = response.status;
          const body = await response.text();
          if (status === 201) id = (JSON.parse(body) as { id: string }).id;
        } catch {
          status = 0;
        }
        const ended = performance.now();
        this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
        if (this.#options.keepOutcomes) this.outcomes.push({ started, ended, target, status });
        if (id !== undefined) {
          this.acked.set(content, id);
          acked = true;
        } else await sleep(status === 0 ? 100 : 50);
      }
      if (!acked) this.unacknowledged++;
      if (this.#options.pauseMs) await sleep(this.#options.pauseMs);
    }
  }
}

/**
 * The acknowledged writes against what the database holds: each acknowledged one stored exactly once, with
 * the acknowledged id, and no message stored twice.
 */
export function compareWrites(acked: Map<string, string>, stored: Map<string, string[]>) {
  const lost: string[] = [];
  const wrongId: string[] = [];
  let duplicated = 0;
  for (const [content, id] of acked) {
    const ids = stored.get(content);
    if (!ids) lost.push(content);
    else if (!ids.includes(id)) wrongId.push(content);
  }
  for (const ids of stored.values()) if (ids.length > 1) duplicated++;
  return { acknowledged: acked.size, stored: stored.size, lost, wrongId, duplicated };
}
