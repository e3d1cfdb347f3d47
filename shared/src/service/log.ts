// The services' logger: pino, JSON lines on stdout (what a cluster's log collector reads), with the level
// as its name and the time in ISO 8601, so a line reads the same from every service. On a terminal (a
// developer's `npm start`) the same entries are printed for a person instead, by pino-pretty.
import { type DestinationStream, type Logger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { Type } from 'typebox';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The LOG_LEVEL setting, the same in every service's configuration schema. */
export const LogLevelSetting = (description = 'Least severe level logged') =>
  Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: 'info', description: `${description} (${LOG_LEVELS.join(', ')})` },
  );

/** The LOG_FORMAT setting, the same in every service's configuration schema. */
export const LogFormatSetting = () =>
  Type.Union(
    LOG_FORMATS.map((format) => Type.Literal(format)),
    {
      default: 'auto',
      description:
        'Log lines as JSON (json), or for a person (pretty); auto: pretty when stdout is a terminal, JSON otherwise',
    },
  );

/** What `format` writes: `auto` is pretty only for a person at a terminal, JSON for anything that reads. */
export function resolveLogFormat(format: LogFormat, stdoutIsTerminal: boolean): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return stdoutIsTerminal ? 'pretty' : 'json';
}

export interface LoggerOptions {
  /** The service, on every line. */
  name: string;
  level: LogLevel;
  /** Default `auto`. */
  format?: LogFormat;
  /** Where lines go; stdout when not given (tests pass a collector). Not a terminal, for `auto`. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const toTerminal = options.destination === undefined && process.stdout.isTTY === true;
  const format = resolveLogFormat(options.format ?? 'auto', toTerminal);
  return pino(
    {
      name: options.name,
      level: options.level,
      // pid and hostname say nothing a collector does not already know (the pod, the container).
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    format === 'pretty'
      ? prettyLines(
          // Synchronous: a person reads the lines in the order they happened, next to other processes'.
          options.destination ?? pino.destination({ dest: 1, sync: true }),
          toTerminal,
        )
      : options.destination,
  );
}

/** A destination that writes each JSON line as pino-pretty prints it: one line per entry, its fields after. */
function prettyLines(destination: DestinationStream, colorize: boolean): DestinationStream {
  const prettify = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss' });
  return { write: (line) => destination.write(prettify(line)) };
}
