import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { NOTICE_MS, NoticesController } from '../../src/controllers/notices.ts';

class Host {
  updates = 0;
  addController() {}
  removeController() {}
  requestUpdate() {
    this.updates += 1;
  }
  updateComplete = Promise.resolve(true);
}

let host: Host;
let notices: NoticesController;
const texts = () => notices.notices.map((notice) => `${notice.kind}: ${notice.text}`);

beforeEach(() => {
  vi.useFakeTimers();
  host = new Host();
  notices = new NoticesController(host);
});

afterEach(() => {
  notices.hostDisconnected();
  vi.useRealTimers();
});

test('a notice shows, asks for an update, and goes by itself: an error after longer', () => {
  notices.notify('info', 'Message deleted.');
  notices.notify('error', 'The like could not be saved.');
  expect(texts()).toEqual(['info: Message deleted.', 'error: The like could not be saved.']);
  expect(host.updates).toBe(2);
  vi.advanceTimersByTime(NOTICE_MS.info);
  expect(texts()).toEqual(['error: The like could not be saved.']);
  vi.advanceTimersByTime(NOTICE_MS.error - NOTICE_MS.info);
  expect(texts()).toEqual([]);
});

test('the same notice again is shown once, for its full time from now', () => {
  notices.notify('info', 'Message deleted.');
  vi.advanceTimersByTime(NOTICE_MS.info - 100);
  notices.notify('info', 'Message deleted.');
  expect(texts()).toEqual(['info: Message deleted.']);
  vi.advanceTimersByTime(200);
  expect(texts()).toEqual(['info: Message deleted.']);
  vi.advanceTimersByTime(NOTICE_MS.info);
  expect(texts()).toEqual([]);
});

test('at most three at once, the oldest giving way; dismiss removes one, unknown ids nothing', () => {
  for (const n of [1, 2, 3, 4]) notices.notify('error', `Failure ${n}`);
  expect(texts()).toEqual(['error: Failure 2', 'error: Failure 3', 'error: Failure 4']);
  const [first] = notices.notices;
  notices.dismiss(first!.id);
  notices.dismiss(first!.id);
  expect(texts()).toEqual(['error: Failure 3', 'error: Failure 4']);
});
