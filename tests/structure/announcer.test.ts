// Routes never announce events: a write service returns the events it wrote to the request's unit of work
// (api/src/db/unit-of-work.ts), which announces them once their transaction committed. A route that named
// the live feed's announcer would be a second way, one that a new route could forget.
import { describe, expect, it } from 'vitest';
import { sourceLines } from './source-files.ts';

// The live feed's own route (the /api/ws WebSocket) reads its hub and event log; it writes nothing.
const LIVE_FEED_ROUTE = 'api/src/routes/live/';

describe('api/src/routes', () => {
  const lines = sourceLines('api/src/routes');

  it('never references announce (or the committed() it replaced), nor the live feed outside its own route', () => {
    const offending = lines
      .filter(
        (line) =>
          /announce|committed\(/i.test(line.text) ||
          (/liveFeed/.test(line.text) && !line.where.startsWith(LIVE_FEED_ROUTE)),
      )
      .map((line) => `${line.where}: ${line.text.trim()}`);
    expect(offending).toEqual([]);
  });

  it('is checked on the write routes', () => {
    const files = new Set(lines.map((line) => line.where.replace(/:\d+$/, '')));
    for (const area of ['messages', 'users', 'auth', 'tags'])
      expect(files.has(`api/src/routes/${area}/index.ts`), area).toBe(true);
  });
});
