import { describe, expect, it } from 'vitest';
import { ChangeSignal, sleep, waitFor } from '../src/waiting.ts';

describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false, through probes that throw', async () => {
    let calls = 0;
    const value = await waitFor(
      'the third call',
      () => {
        calls += 1;
        if (calls === 1) throw new Error('not yet');
        return calls === 3 ? { calls } : false;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('fails naming what it waited for, the last error and the described state', async () => {
    await expect(
      waitFor(
        'the moon',
        () => {
          throw new Error('cloudy');
        },
        { timeoutMs: 50, intervalMs: 10, describe: () => 'sky: grey' },
      ),
    ).rejects.toThrow('timed out after 0.05 s waiting for the moon (last error: Error: cloudy)\nsky: grey');
  });
});

describe('sleep', () => {
  it('resolves with nothing', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});

describe('ChangeSignal', () => {
  it('wakes every waiter at the next notify', async () => {
    const signal = new ChangeSignal();
    const woken: string[] = [];
    const waiting = [signal.next(60_000), signal.next(60_000)].map((wait, i) =>
      wait.then(() => woken.push(`waiter ${i}`)),
    );
    signal.notify();
    await Promise.all(waiting);
    expect(woken.sort()).toEqual(['waiter 0', 'waiter 1']);
  });

  it('resolves after the timeout when nothing changes', async () => {
    await expect(new ChangeSignal().next(1)).resolves.toBeUndefined();
  });
});
