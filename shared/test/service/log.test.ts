// The services' log line: pino's JSON with the level by name, an ISO time and the service's name; or, on a
// terminal or with LOG_FORMAT=pretty, the same entry as text for a person.
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat, resolveLogFormat } from '../../src/service/log.ts';

const collect = (format?: LogFormat) => {
  const lines: string[] = [];
  const log = createLogger({
    name: 'flock-test',
    level: 'info',
    ...(format ? { format } : {}),
    destination: { write: (line) => lines.push(line) },
  });
  return { log, lines };
};

describe('createLogger', () => {
  it('writes a JSON line per entry at or above its level', () => {
    const { log, lines } = collect();
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

  it('writes JSON with LOG_FORMAT=json', () => {
    const { log, lines } = collect('json');
    log.warn('careful');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', name: 'flock-test', msg: 'careful' });
  });

  it('writes text for a person with LOG_FORMAT=pretty: time, level, service and message, then the fields', () => {
    const { log, lines } = collect('pretty');
    log.debug('hidden');
    log.info({ bots: 3 }, 'started');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO \(flock-test\): started\n {4}bots: 3\n$/);
  });

  it('writes JSON to a destination that is not a terminal when the format is auto', () => {
    const { log, lines } = collect('auto');
    log.info('started');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'started' });
  });
});

describe('resolveLogFormat', () => {
  it('is pretty on a terminal and JSON elsewhere for auto; json and pretty are what they say', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('json', false)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    expect(resolveLogFormat('pretty', true)).toBe('pretty');
  });
});
