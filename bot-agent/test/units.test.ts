// The small pieces: names, passwords, the PRNG, backoff and Retry-After, the sign-in gate, the log throttle.
import { USERNAME_PATTERN } from '@flock/shared';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../src/backoff.ts';
import { botIdentity, botPassword, botUsername } from '../src/identity.ts';
import { createLogger } from '../src/log.ts';
import { createRandom } from '../src/random.ts';
import { createSemaphore } from '../src/semaphore.ts';
import { composeMessage } from '../src/words.ts';

const USERNAME = new RegExp(USERNAME_PATTERN);

describe('identity', () => {
  it('derives valid, stable usernames from swarm, pod and index', () => {
    const name = botUsername('demo', 'demo-bots-0', 3);
    expect(name).toMatch(/^demo_[0-9a-f]{6}_3$/);
    expect(botUsername('demo', 'demo-bots-0', 3)).toBe(name);
    expect(botUsername('demo', 'demo-bots-1', 3)).not.toBe(name);
    expect(botUsername('demo', 'demo-bots-0', 4)).not.toBe(name);
    expect(botUsername('Load-Test.A', 'p', 0)).toMatch(/^load_test_a_[0-9a-f]{6}_0$/);
  });

  it('cuts long swarm names and adds a hash, so they stay ≤ 30 characters and distinct', () => {
    const a = botUsername('a-very-long-swarm-name-for-load-testing-one', 'pod-xyz', 9999);
    const b = botUsername('a-very-long-swarm-name-for-load-testing-two', 'pod-xyz', 9999);
    for (const name of [a, b]) {
      expect(name).toMatch(USERNAME);
      expect(name.length).toBe(30);
    }
    expect(a).not.toBe(b);
    for (let i = 0; i < 10_000; i += 997) expect(botUsername('x', 'y', i)).toMatch(USERNAME);
  });

  it('gives a deterministic password that depends on the secret, and a reserved email domain', () => {
    const identity = botIdentity({ swarm: 's', pod: 'p', passwordSecret: undefined }, 0);
    expect(identity.email).toBe(`${identity.username}@bots.flock.invalid`);
    expect(identity.password).toBe(botPassword(identity.username, undefined));
    expect(identity.password.length).toBeGreaterThanOrEqual(32);
    expect(botPassword(identity.username, 'other')).not.toBe(identity.password);
  });
});

describe('random', () => {
  it('repeats a sequence for a seed and differs for another', () => {
    const sequence = (seed: string) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(sequence('a')).toEqual(sequence('a'));
    expect(sequence('a')).not.toEqual(sequence('b'));
    expect(new Set(sequence('a')).size).toBe(5);
  });

  it('is uniform, and its exponential has the asked mean', () => {
    const random = createRandom('stats');
    const n = 100_000;
    const buckets = new Array(10).fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      buckets[Math.floor(random.next() * 10)]++;
      sum += random.exponential(4);
    }
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(n / 100);
    expect(sum / n).toBeCloseTo(0.25, 2);
    expect(random.exponential(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('samples distinct items', () => {
    const random = createRandom('sample');
    for (let i = 0; i < 100; i++) {
      const picked = random.sample(['a', 'b', 'c', 'd'], 3);
      expect(new Set(picked).size).toBe(3);
    }
    expect(random.sample(['a'], 3)).toEqual(['a']);
  });

  it('composes messages from words, ending in the hashtags', () => {
    const random = createRandom('words');
    for (let i = 0; i < 200; i++) {
      const text = composeMessage(random, ['birds', 'k8s']);
      expect(text.endsWith(' #birds #k8s')).toBe(true);
      expect(text.match(/#/g)).toHaveLength(2);
      expect(text.length).toBeLessThanOrEqual(500);
    }
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter, up to the cap', () => {
    const random = createRandom('backoff');
    const policy = { initialMs: 500, maxMs: 30_000 };
    for (const [failures, ceiling] of [
      [1, 500],
      [2, 1000],
      [4, 4000],
      [7, 30_000],
      [50, 30_000],
    ] as const) {
      const delays = Array.from({ length: 200 }, () => backoffDelay(policy, failures, random));
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(ceiling * 0.1);
      // Jittered: spread over the range, not one value.
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(ceiling * 0.5);
    }
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('semaphore', () => {
  it('runs at most `slots` at once, and lets a waiter leave on abort', async () => {
    const gate = createSemaphore(2);
    const signal = new AbortController().signal;
    let running = 0;
    let peak = 0;
    const work = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    await Promise.all(Array.from({ length: 10 }, () => gate.run(work, signal)));
    expect(peak).toBe(2);

    const release: Array<() => void> = [];
    const hold = () => new Promise<void>((resolve) => release.push(resolve));
    const a = gate.run(hold, signal);
    const b = gate.run(hold, signal);
    const leaving = new AbortController();
    const waiter = gate.run(async () => 'ran', leaving.signal);
    leaving.abort(new Error('stopping'));
    await expect(waiter).rejects.toThrow('stopping');
    for (const r of release) r();
    await Promise.all([a, b]);
    expect(await gate.run(async () => 'free again', signal)).toBe('free again');
  });
});

describe('log', () => {
  it('writes JSON lines at or above its level and throttles repeats', () => {
    const lines: string[] = [];
    let now = 0;
    const log = createLogger('info', { write: (line) => lines.push(line), now: () => now, throttleMs: 1000 });
    log.debug('hidden');
    log.info('shown', { a: 1 });
    for (let i = 0; i < 5; i++) log.throttled('warn', 'k', 'down');
    now = 1500;
    log.throttled('warn', 'k', 'down');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((p) => [p.level, p.msg, p.a, p.suppressedSimilar])).toEqual([
      ['info', 'shown', 1, undefined],
      ['warn', 'down', undefined, undefined],
      ['warn', 'down', undefined, 4],
    ]);
  });
});
