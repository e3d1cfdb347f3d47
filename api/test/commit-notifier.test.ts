// How commits are announced to other replicas: one NOTIFY in flight at a time, the commits made meanwhile
// in the next one, batches within PostgreSQL's payload limit. (The NOTIFY itself travels through real
// PostgreSQL in live-replicas.test.ts; here `send` is the function the plugin passes, recorded.)
import { describe, expect, it } from 'vitest';
import { CommitNotifier } from '../src/live/commit-notifier.ts';
import { decodeNotices, encodeNotices, MAX_NOTICES_PER_PAYLOAD } from '../src/live/notifications.ts';

/** A send whose every call waits until the test lets it finish. */
function recordingSend() {
  const payloads: string[] = [];
  const pending: (() => void)[] = [];
  const send = (payload: string) =>
    new Promise<void>((resolve) => {
      payloads.push(payload);
      pending.push(resolve);
    });
  const finishOne = async () => {
    pending.shift()?.();
    // Let the notifier take its next batch.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { send, payloads, finishOne, inFlight: () => pending.length };
}

const ids = (payload: string) => decodeNotices(payload).map((notice) => notice.id);

describe('CommitNotifier', () => {
  it('sends the first commit at once and what commits meanwhile in one NOTIFY after it', async () => {
    const { send, payloads, finishOne, inFlight } = recordingSend();
    const notifier = new CommitNotifier(send, () => {});
    notifier.notify({ id: '1', at: 1 });
    expect(payloads.map(ids)).toEqual([['1']]);
    for (const id of ['2', '3', '4']) notifier.notify({ id, at: Number(id) });
    expect(inFlight()).toBe(1);
    await finishOne();
    expect(payloads.map(ids)).toEqual([['1'], ['2', '3', '4']]);
    await finishOne();
    await notifier.flushed();
    expect(inFlight()).toBe(0);
    // Idle again: the next commit goes out on its own, at once.
    notifier.notify({ id: '5', at: 5 });
    expect(payloads.map(ids).at(-1)).toEqual(['5']);
  });

  it('splits a backlog into payloads PostgreSQL accepts', async () => {
    const { send, payloads, finishOne } = recordingSend();
    const notifier = new CommitNotifier(send, () => {});
    notifier.notify({ id: '0', at: Date.now() });
    const backlog = MAX_NOTICES_PER_PAYLOAD * 2 + 7;
    for (let i = 1; i <= backlog; i++)
      notifier.notify({ id: String(10n ** 18n + BigInt(i)), at: Date.now() });
    for (let i = 0; i < 4; i++) await finishOne();
    expect(payloads.map((payload) => ids(payload).length)).toEqual([
      1,
      MAX_NOTICES_PER_PAYLOAD,
      MAX_NOTICES_PER_PAYLOAD,
      7,
    ]);
    // Large ids and current times still fit NOTIFY's 8,000 bytes.
    expect(Math.max(...payloads.map((payload) => Buffer.byteLength(payload)))).toBeLessThan(8_000);
  });

  it('goes on after a failed NOTIFY, reporting it', async () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    let fail = true;
    const notifier = new CommitNotifier(
      async (payload) => {
        if (fail) {
          fail = false;
          throw new Error('connection lost');
        }
        sent.push(payload);
      },
      (error) => errors.push(error),
    );
    notifier.notify({ id: '1', at: 1 });
    await notifier.flushed();
    notifier.notify({ id: '2', at: 2 });
    await notifier.flushed();
    expect(errors.map((error) => (error as Error).message)).toEqual(['connection lost']);
    expect(sent.map(ids)).toEqual([['2']]);
  });
});

describe('commit notice payloads', () => {
  it('round-trip, and read one notice alone as replicas of the previous version send it', () => {
    const notices = [
      { id: '7', at: 1_796_000_000_000 },
      { id: '8', at: 1_796_000_000_001 },
    ];
    expect(decodeNotices(encodeNotices(notices))).toEqual(notices);
    expect(decodeNotices('{"id":"9","at":5}')).toEqual([{ id: '9', at: 5 }]);
  });

  it('refuses what is not a notice', () => {
    for (const payload of ['', 'hello', '{"id":9,"at":5}', '[{"id":"9"}]', 'null'])
      expect(() => decodeNotices(payload), payload).toThrow();
  });
});
