import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { CountdownController } from '../../src/controllers/countdown.ts';

let updates = 0;
const host = {
  addController() {},
  removeController() {},
  requestUpdate() {
    updates += 1;
  },
  updateComplete: Promise.resolve(true),
};

beforeEach(() => {
  vi.useFakeTimers();
  updates = 0;
});
afterEach(() => vi.useRealTimers());

test('counts whole seconds down to zero, updating its host each second, then stops', () => {
  const countdown = new CountdownController(host);
  expect(countdown.remaining).toBe(0);
  countdown.start(3);
  expect(countdown.remaining).toBe(3);
  vi.advanceTimersByTime(1000);
  expect(countdown.remaining).toBe(2);
  vi.advanceTimersByTime(2000);
  expect(countdown.remaining).toBe(0);
  const counted = updates;
  vi.advanceTimersByTime(5000);
  expect(updates).toBe(counted);
});

test('leaving the page forgets the wait', () => {
  const countdown = new CountdownController(host);
  countdown.start(30);
  countdown.hostDisconnected();
  expect(countdown.remaining).toBe(0);
});
