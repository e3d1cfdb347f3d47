import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../src/queue.ts';

describe('WorkQueue', () => {
  it('queues a key once and hands it to one worker at a time', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    const k = await q.get();
    expect(k).toBe('a');
    q.add('a'); // while processing: remembered, not queued twice
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('b');
    q.done('a');
    expect(await q.get()).toBe('a');
  });

  it('backs off exponentially per key, capped, and forget resets', () => {
    const q = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 40 });
    expect([1, 2, 3, 4, 5].map(() => q.addRateLimited('x'))).toEqual([5, 10, 20, 40, 40]);
    expect(q.addRateLimited('y')).toBe(5);
    expect(q.retries('x')).toBe(5);
    q.forget('x');
    expect(q.addRateLimited('x')).toBe(5);
    q.shutdown();
  });

  it('delivers delayed keys and wakes waiting workers; shutdown releases them', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.addAfter('later', 10);
    expect(await waiting).toBe('later');
    const idle = q.get();
    q.shutdown();
    expect(await idle).toBeUndefined();
  });
});
