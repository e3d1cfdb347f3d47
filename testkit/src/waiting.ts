// Waiting in tests: a plain pause, and polling a probe until it holds, failing with what was awaited.
export { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** 30 s unless told. */
  timeoutMs?: number;
  /** Between probes; 100 ms unless told. */
  intervalMs?: number;
  /** Appended to the timeout error: the state that explains it (a process's output, say). */
  describe?: () => string;
}

/**
 * Calls `probe` until it returns a value other than undefined or false, and returns that value. A probe
 * that throws counts as "not yet"; its last error goes into the timeout message.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 100, describe }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : ` (last error: ${String(lastError)})`;
      const state = describe ? `\n${describe()}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${cause}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Wakes whoever waits for the next change (a frame arriving, a socket closing) instead of polling. */
export class ChangeSignal {
  #waiters: (() => void)[] = [];

  notify(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves at the next notify(), or after `timeoutMs` if none comes. */
  next(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
