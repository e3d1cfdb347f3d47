// The agent's log: the services' pino logger (JSON lines on stdout), and a throttle so a thousand bots
// hitting the same outage write one line every few seconds instead of a thousand.
import { createLogger as createServiceLogger, type LogFormat, type LogLevel } from '@flock/shared/service';

type Fields = Record<string, unknown>;

export interface Logger {
  error(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  /** At most one line per `key` per interval; the next one says how many were left out. */
  throttled(level: 'error' | 'warn' | 'info', key: string, msg: string, fields?: Fields): void;
}

export function createLogger(
  level: LogLevel,
  options: {
    format?: LogFormat;
    write?: (line: string) => void;
    now?: () => number;
    throttleMs?: number;
  } = {},
): Logger {
  const { write } = options;
  const pino = createServiceLogger({
    name: 'flock-bot-agent',
    level,
    ...(options.format ? { format: options.format } : {}),
    ...(write ? { destination: { write: (line: string) => write(line.trimEnd()) } } : {}),
  });
  const now = options.now ?? Date.now;
  const throttleMs = options.throttleMs ?? 10_000;
  const lastByKey = new Map<string, { at: number; suppressed: number }>();
  const emit = (lineLevel: 'error' | 'warn' | 'info' | 'debug', msg: string, fields: Fields = {}) =>
    pino[lineLevel](fields, msg);

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
