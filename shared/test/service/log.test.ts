// The services' log line: pino's JSON with the level by name, an ISO time and the service's name.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/service/log.ts';

describe('createLogger', () => {
  it('writes a JSON line per entry at or above its level', () => {
    const lines: string[] = [];
    const log = createLogger({
      name: 'flock-test',
      level: 'info',
      destination: { write: (line) => lines.push(line) },
    });
    log.debug('hidden');
    log.info({ bots: 3 }, 'started');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toEqual({
      level: 'info',
      time: expect.any(String),
      name: 'flock-test',
      bots: 3,
      msg: 'started',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });
});
