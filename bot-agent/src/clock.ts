// Time, behind an interface: the bots sleep through it, so a test can run hours of simulated time in
// seconds with a fake clock, and every sleep ends at once when the agent stops.

export interface Clock {
  /** Milliseconds, monotonic for the real clock. */
  now(): number;
  /** Resolves after `ms`, or at once (without throwing) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep(ms, signal) {
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      // Node timers take at most 2^31-1 ms; a longer sleep (a bot with a tiny rate) is cut there and
      // callers check the time again.
      const timer = setTimeout(done, Math.min(ms, 2_147_483_647));
      signal.addEventListener('abort', done, { once: true });
    });
  },
};
