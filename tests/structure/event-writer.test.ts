// One write path for events: api/src/live/outbox.ts is the only code of the API (and of the bench's
// baseline, which runs the API's statements) that inserts into `events`; everything else composes its
// insert, which carries the ordering rule the live feed's horizon relies on.
import { describe, expect, it } from 'vitest';
import { sourceLines } from './source-files.ts';

const INSERTS_EVENTS = /insert\s+into\s+"?events\b|insertInto\(\s*['"]events['"]/i;

describe('writes to the events table', () => {
  it('are made by api/src/live/outbox.ts alone', () => {
    const writers = [...sourceLines('api/src'), ...sourceLines('bench')]
      .filter((line) => INSERTS_EVENTS.test(line.text))
      .map((line) => line.where.replace(/:\d+$/, ''));
    expect([...new Set(writers)]).toEqual(['api/src/live/outbox.ts']);
  });
});
