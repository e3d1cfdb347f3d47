// JSON lines on stdout (what a cluster's log collector expects), with levels, and a throttle so a
// thousand bots hitting the same outage write one line every few seconds instead of a thousand.
import type { LogLevel } from './config.ts';

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** At most one line per `key` per interval; the next one says how many were left out. */
  throttled(
    level: 'error' | 'warn' | 'info',
    key: string,
    msg: string,
    fields?: Record<string, unknown>,
  ): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function createLogger(
  level: LogLevel,
  options: { write?: (line: string) => void; now?: () => number; throttleMs?: number } = {},
): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const throttleMs = options.throttleMs ?? 10_000;
  const lastByKey = new Map<string, { at: number; suppressed: number }>();

  const emit = (lineLevel: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lineLevel] > RANK[level]) return;
    write(JSON.stringify({ level: lineLevel, time: new Date().toISOString(), msg, ...fields }));
  };

  return {
    error: (msg, fields) => emit('error', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    debug: (msg, fields) => emit('debug', msg, fields),
    throttled(lineLevel, key, msg, fields) {
      const last = lastByKey.get(key);
      const at = now();
      if (last && at - last.at < throttleMs) {
        last.suppressed++;
        return;
      }
      const suppressed = last?.suppressed ?? 0;
      lastByKey.set(key, { at, suppressed: 0 });
      emit(lineLevel, msg, suppressed > 0 ? { ...fields, suppressedSimilar: suppressed } : fields);
    },
  };
}
