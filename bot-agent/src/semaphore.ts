// Limits how many bots talk to the auth endpoints at once: each registration or login costs the API an
// Argon2id hash (19 MiB, tens of milliseconds), and a thousand at once would only earn 503s.

export interface Semaphore {
  /** Runs `work` when a slot is free; rejects with the signal's reason if it aborts while waiting. */
  run<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T>;
}

export function createSemaphore(slots: number): Semaphore {
  let free = slots;
  const waiting: Array<() => void> = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };

  const acquire = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      signal.throwIfAborted();
      if (free > 0) {
        free--;
        return resolve();
      }
      const grant = () => {
        signal.removeEventListener('abort', cancel);
        resolve();
      };
      const cancel = () => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        reject(signal.reason);
      };
      waiting.push(grant);
      signal.addEventListener('abort', cancel, { once: true });
    });

  return {
    async run(work, signal) {
      await acquire(signal);
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
}
