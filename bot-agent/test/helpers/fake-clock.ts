// Simulated time for the bots: `runFor` fires sleeps in time order, letting the bots' promise chains run
// between firings, so hours of a swarm take seconds and every gap is exact.
import type { Clock } from '../../src/clock.ts';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

// A macrotask: by the time it runs, every promise chain woken by the last timer has reached its next
// sleep (the fake API answers through microtasks only).
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer: Timer = {
        at: this.#now + ms,
        seq: this.#seq++,
        resolve: () => {
          signal.removeEventListener('abort', cancel);
          resolve();
        },
      };
      const cancel = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      };
      signal.addEventListener('abort', cancel, { once: true });
      // Sorted by time, then by order of creation (a binary insertion keeps it cheap).
      let lo = 0;
      let hi = this.#timers.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((this.#timers[mid] as Timer).at <= timer.at) lo = mid + 1;
        else hi = mid;
      }
      this.#timers.splice(lo, 0, timer);
    });
  }

  /** Advances simulated time by `ms`, firing every sleep that ends on the way. */
  async runFor(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = next.at;
      next.resolve();
      await settle();
    }
    this.#now = end;
  }
}
