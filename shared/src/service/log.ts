// The services' logger: pino, JSON lines on stdout (what a cluster's log collector reads), with the level
// as its name and the time in ISO 8601, so a line reads the same from every service.
import { type DestinationStream, type Logger, pino } from 'pino';
import { Type } from 'typebox';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The LOG_LEVEL setting, the same in every service's configuration schema. */
export const LogLevelSetting = (description = 'Least severe level logged') =>
  Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: 'info', description: `${description} (${LOG_LEVELS.join(', ')})` },
  );

export interface LoggerOptions {
  /** The service, on every line. */
  name: string;
  level: LogLevel;
  /** Where lines go; stdout when not given (tests pass a collector). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      // pid and hostname say nothing a collector does not already know (the pod, the container).
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
