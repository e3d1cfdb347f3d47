// The agent's configuration: one schema of settings, each an environment variable (what the operator sets
// on bot pods) and a command-line flag of the same name (SWARM_NAME is --swarm-name); a flag wins. Every
// bad value is reported, one line each, before exiting.
import { hostname } from 'node:os';
import { normaliseTag, TAG_INPUT_PATTERN } from '@flock/shared';
import {
  ConfigError,
  defaultText,
  flagName,
  type LogFormat,
  LogFormatSetting,
  type LogLevel,
  LogLevelSetting,
  readConfig,
} from '@flock/shared/service';
import { Command, CommanderError, Option } from 'commander';
import { type Static, type TSchema, Type } from 'typebox';

const Int = (minimum: number, maximum: number, defaultValue: number, description: string) =>
  Type.Integer({ minimum, maximum, default: defaultValue, description });

export const ConfigSchema = Type.Object({
  SWARM_NAME: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$',
    default: 'local',
    description: 'swarm the bots belong to (first part of their usernames)',
    expected: 'letters, digits, "-", "_" or "." (1 to 63)',
  }),
  POD_NAME: Type.String({
    pattern: '^\\S{1,253}$',
    default: hostname(),
    description: 'this process (a hash of it is the middle of the usernames)',
    expected: '1 to 253 characters without spaces',
  }),
  BOTS_PER_POD: Int(1, 10_000, 5, 'bots this process runs'),
  POSTS_PER_HOUR: Int(0, 360_000, 6, 'posts per bot per hour (mean of a Poisson process)'),
  LIKES_PER_HOUR: Int(0, 360_000, 12, 'likes per bot per hour (mean of a Poisson process)'),
  FOLLOWS_PER_HOUR: Int(
    0,
    360_000,
    0,
    'follows per bot per hour of authors seen in the feed (mean of a Poisson process)',
  ),
  REPLIES_PER_HOUR: Int(
    0,
    360_000,
    0,
    'replies per bot per hour to messages seen in the feed (mean of a Poisson process)',
  ),
  TAG_POOL: Type.Array(Type.String({ pattern: TAG_INPUT_PATTERN }), {
    maxItems: 100,
    default: ['flock', 'bots'],
    description: 'comma-separated tags; each post carries 1 to 3 of them',
    expected: `a comma-separated list of at most 100 tags, each matching ${TAG_INPUT_PATTERN}`,
  }),
  JITTER_PERCENT: Int(0, 100, 20, "each bot's rates are scaled by a factor drawn from 1 ± this percentage"),
  SEED: Type.String({
    maxLength: 64,
    default: '',
    description: 'random seed for a reproducible run (empty: random, logged at start)',
  }),
  TARGET_URL: Type.String({
    format: 'uri',
    pattern: '^https?://',
    default: 'http://localhost:3000',
    description: 'base URL of the Flock API',
    expected: 'an http:// or https:// URL',
  }),
  METRICS_HOST: Type.String({
    pattern: '^\\S+$',
    default: '0.0.0.0',
    description: 'address the /metrics and /healthz server binds to',
    expected: 'an address',
  }),
  METRICS_PORT: Int(0, 65_535, 9464, 'port of /metrics and /healthz (0: any free port, logged)'),
  LOG_LEVEL: LogLevelSetting('log level'),
  LOG_FORMAT: LogFormatSetting(),
  FEED_REFRESH_SECONDS: Int(
    1,
    3600,
    30,
    'a bot about to like re-reads the feed when its copy is older than this',
  ),
  REQUEST_TIMEOUT_SECONDS: Int(
    1,
    300,
    10,
    'a request with no complete answer by then counts as a network error',
  ),
  BACKOFF_INITIAL_MS: Int(
    1,
    60_000,
    500,
    'first wait after a 5xx or network error; doubles with each further failure',
  ),
  BACKOFF_MAX_MS: Int(
    100,
    3_600_000,
    30_000,
    'longest wait after errors: how soon bots notice an API that came back',
  ),
  AUTH_CONCURRENCY: Int(
    1,
    100,
    4,
    'registrations and logins in flight at once (each costs the API an Argon2id hash)',
  ),
  STOP_GRACE_MS: Int(
    0,
    30_000,
    2000,
    'on SIGTERM, how long requests in flight may finish before they are cut',
  ),
  BOT_PASSWORD_SECRET: Type.Optional(
    Type.String({
      minLength: 1,
      flag: false,
      description: 'bot passwords are an HMAC of the username with it',
    }),
  ),
});

/** The settings under the names the agent's code uses. */
export interface Config {
  swarmName: string;
  podName: string;
  botsPerPod: number;
  postsPerHour: number;
  likesPerHour: number;
  followsPerHour: number;
  repliesPerHour: number;
  /** Normalised (no `#`, lower case) and without repeats. */
  tagPool: string[];
  jitterPercent: number;
  /** Empty: a random seed, chosen at start and logged. */
  seed: string;
  /** Normalised by URL: `http://host:3000/`. */
  targetUrl: string;
  metricsHost: string;
  metricsPort: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  feedRefreshSeconds: number;
  requestTimeoutSeconds: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  authConcurrency: number;
  stopGraceMs: number;
  passwordSecret: string | undefined;
}

type Settings = Static<typeof ConfigSchema>;
type Setting = TSchema & { description?: string; flag?: false };
const SETTINGS = Object.entries(ConfigSchema.properties) as [keyof Settings & string, Setting][];

/** `--help` text and flags, from the schema. */
function buildCommand() {
  const command = new Command('flock-bot-agent')
    .description('Runs a swarm of Flock bots: simulated users that post, like, follow and reply.')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    // Throw instead of exiting, so the caller decides (main exits with commander's code).
    .exitOverride();
  const options = new Map<string, Option>();
  const envOnly: string[] = [];
  for (const [key, setting] of SETTINGS) {
    if (setting.flag === false) {
      envOnly.push(`${key} (${setting.description})`);
      continue;
    }
    const fallback = defaultText(setting);
    const shown = fallback === '' ? '' : `, default ${JSON.stringify(fallback)}`;
    const option = new Option(`--${flagName(key)} <value>`, `${setting.description} (env ${key}${shown})`);
    command.addOption(option);
    options.set(key, option);
  }
  command.addHelpText('after', `\nEnvironment only: ${envOnly.join('; ')}.`);
  return { command, options };
}

/**
 * Reads flags from `argv` (without the node and script paths) and variables from `env`. An empty
 * variable counts as unset (the operator passes SEED="" for "no seed"). Throws ConfigError listing every
 * bad value. For --help and unknown flags commander prints its text and throws a CommanderError.
 */
export function loadConfig(argv: string[], env: Record<string, string | undefined> = process.env): Config {
  const { command, options } = buildCommand();
  command.parse(argv, { from: 'user' });
  const given = command.opts<Record<string, string | undefined>>();
  const flags = Object.fromEntries([...options].map(([key, option]) => [key, given[option.attributeName()]]));

  const settings = readConfig(ConfigSchema, { env, flags });
  const problems: string[] = [];
  if (settings.POSTS_PER_HOUR > 0 && settings.TAG_POOL.length === 0)
    problems.push('TAG_POOL: must name at least one tag when POSTS_PER_HOUR > 0');
  // Replies carry tags from the pool as posts do.
  if (settings.REPLIES_PER_HOUR > 0 && settings.TAG_POOL.length === 0)
    problems.push('TAG_POOL: must name at least one tag when REPLIES_PER_HOUR > 0');
  if (settings.BACKOFF_MAX_MS < settings.BACKOFF_INITIAL_MS)
    problems.push('BACKOFF_MAX_MS: must not be less than BACKOFF_INITIAL_MS');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    swarmName: settings.SWARM_NAME,
    podName: settings.POD_NAME,
    botsPerPod: settings.BOTS_PER_POD,
    postsPerHour: settings.POSTS_PER_HOUR,
    likesPerHour: settings.LIKES_PER_HOUR,
    followsPerHour: settings.FOLLOWS_PER_HOUR,
    repliesPerHour: settings.REPLIES_PER_HOUR,
    tagPool: [...new Set(settings.TAG_POOL.map(normaliseTag))],
    jitterPercent: settings.JITTER_PERCENT,
    seed: settings.SEED,
    targetUrl: new URL(settings.TARGET_URL).toString(),
    metricsHost: settings.METRICS_HOST,
    metricsPort: settings.METRICS_PORT,
    logLevel: settings.LOG_LEVEL as LogLevel,
    logFormat: settings.LOG_FORMAT as LogFormat,
    feedRefreshSeconds: settings.FEED_REFRESH_SECONDS,
    requestTimeoutSeconds: settings.REQUEST_TIMEOUT_SECONDS,
    backoffInitialMs: settings.BACKOFF_INITIAL_MS,
    backoffMaxMs: settings.BACKOFF_MAX_MS,
    authConcurrency: settings.AUTH_CONCURRENCY,
    stopGraceMs: settings.STOP_GRACE_MS,
    passwordSecret: settings.BOT_PASSWORD_SECRET,
  };
}

export { CommanderError, ConfigError };
