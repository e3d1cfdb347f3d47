// The agent's configuration: each setting is a command-line flag or an environment variable (what the
// operator sets on bot pods); a flag wins. Every bad value is reported, one line each, before exiting.
import { hostname } from 'node:os';
import { isTag, normaliseTag, TAG_PATTERN } from '@flock/shared';
import { Command, CommanderError } from 'commander';

export interface Config {
  swarmName: string;
  podName: string;
  botsPerPod: number;
  postsPerHour: number;
  likesPerHour: number;
  tagPool: string[];
  jitterPercent: number;
  /** Empty: a random seed, chosen at start and logged. */
  seed: string;
  targetUrl: string;
  metricsHost: string;
  metricsPort: number;
  logLevel: LogLevel;
  feedRefreshSeconds: number;
  requestTimeoutSeconds: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  authConcurrency: number;
  stopGraceMs: number;
  /** Environment only: a secret on a command line is visible to every user of the machine. */
  passwordSecret: string | undefined;
}

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Parse<T> = (raw: string) => { value: T } | { error: string };

const integer =
  (min: number, max: number): Parse<number> =>
  (raw) => {
    const value = Number(raw);
    return /^-?\d+$/.test(raw.trim()) && value >= min && value <= max
      ? { value }
      : { error: `must be an integer from ${min} to ${max}` };
  };

const text =
  (pattern: RegExp, description: string): Parse<string> =>
  (raw) =>
    pattern.test(raw) ? { value: raw } : { error: `must be ${description}` };

const httpUrl: Parse<string> = (raw) => {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return { value: url.toString() };
  } catch {
    // reported below
  }
  return { error: 'must be an http:// or https:// URL' };
};

const tagList: Parse<string[]> = (raw) => {
  const tags = [
    ...new Set(
      raw
        .split(',')
        .map((tag) => normaliseTag(tag.trim()))
        .filter(Boolean),
    ),
  ];
  const bad = tags.filter((tag) => !isTag(tag));
  if (bad.length > 0)
    return { error: `has invalid tags (${bad.join(', ')}): each must match ${TAG_PATTERN}` };
  if (tags.length > 100) return { error: 'must have at most 100 tags' };
  return { value: tags };
};

const oneOf =
  <T extends string>(values: readonly T[]): Parse<T> =>
  (raw) =>
    (values as readonly string[]).includes(raw)
      ? { value: raw as T }
      : { error: `must be one of ${values.join(', ')}` };

interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  flag: string;
  description: string;
  default: string;
  parse: Parse<Config[K]>;
}

const setting = <K extends keyof Config>(s: Setting<K>) => s;

// One table: the flags, the variables, their defaults and rules, and the --help text all come from it.
const SETTINGS = [
  setting({
    key: 'swarmName',
    env: 'SWARM_NAME',
    flag: 'swarm-name',
    description: 'swarm the bots belong to (first part of their usernames)',
    default: 'local',
    parse: text(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, "-", "_" or "." (1 to 63)'),
  }),
  setting({
    key: 'podName',
    env: 'POD_NAME',
    flag: 'pod-name',
    description: 'this process (a hash of it is the middle of the usernames)',
    default: hostname(),
    parse: text(/^\S{1,253}$/, '1 to 253 characters without spaces'),
  }),
  setting({
    key: 'botsPerPod',
    env: 'BOTS_PER_POD',
    flag: 'bots-per-pod',
    description: 'bots this process runs',
    default: '5',
    parse: integer(1, 10_000),
  }),
  setting({
    key: 'postsPerHour',
    env: 'POSTS_PER_HOUR',
    flag: 'posts-per-hour',
    description: 'posts per bot per hour (mean of a Poisson process)',
    default: '6',
    parse: integer(0, 360_000),
  }),
  setting({
    key: 'likesPerHour',
    env: 'LIKES_PER_HOUR',
    flag: 'likes-per-hour',
    description: 'likes per bot per hour (mean of a Poisson process)',
    default: '12',
    parse: integer(0, 360_000),
  }),
  setting({
    key: 'tagPool',
    env: 'TAG_POOL',
    flag: 'tag-pool',
    description: 'comma-separated tags; each post carries 1 to 3 of them',
    default: 'flock,bots',
    parse: tagList,
  }),
  setting({
    key: 'jitterPercent',
    env: 'JITTER_PERCENT',
    flag: 'jitter-percent',
    description: "each bot's rates are scaled by a factor drawn from 1 ± this percentage",
    default: '20',
    parse: integer(0, 100),
  }),
  setting({
    key: 'seed',
    env: 'SEED',
    flag: 'seed',
    description: 'random seed for a reproducible run (empty: random, logged at start)',
    default: '',
    parse: text(/^.{0,64}$/, 'at most 64 characters'),
  }),
  setting({
    key: 'targetUrl',
    env: 'TARGET_URL',
    flag: 'target-url',
    description: 'base URL of the Flock API',
    default: 'http://localhost:3000',
    parse: httpUrl,
  }),
  setting({
    key: 'metricsHost',
    env: 'METRICS_HOST',
    flag: 'metrics-host',
    description: 'address the /metrics and /healthz server binds to',
    default: '0.0.0.0',
    parse: text(/^\S+$/, 'an address'),
  }),
  setting({
    key: 'metricsPort',
    env: 'METRICS_PORT',
    flag: 'metrics-port',
    description: 'port of /metrics and /healthz (0: any free port, logged)',
    default: '9464',
    parse: integer(0, 65_535),
  }),
  setting({
    key: 'logLevel',
    env: 'LOG_LEVEL',
    flag: 'log-level',
    description: `log level (${LOG_LEVELS.join(', ')})`,
    default: 'info',
    parse: oneOf(LOG_LEVELS),
  }),
  setting({
    key: 'feedRefreshSeconds',
    env: 'FEED_REFRESH_SECONDS',
    flag: 'feed-refresh-seconds',
    description: 'a bot about to like re-reads the feed when its copy is older than this',
    default: '30',
    parse: integer(1, 3600),
  }),
  setting({
    key: 'requestTimeoutSeconds',
    env: 'REQUEST_TIMEOUT_SECONDS',
    flag: 'request-timeout-seconds',
    description: 'a request with no complete answer by then counts as a network error',
    default: '10',
    parse: integer(1, 300),
  }),
  setting({
    key: 'backoffInitialMs',
    env: 'BACKOFF_INITIAL_MS',
    flag: 'backoff-initial-ms',
    description: 'first wait after a 5xx or network error; doubles with each further failure',
    default: '500',
    parse: integer(1, 60_000),
  }),
  setting({
    key: 'backoffMaxMs',
    env: 'BACKOFF_MAX_MS',
    flag: 'backoff-max-ms',
    description: 'longest wait after errors: how soon bots notice an API that came back',
    default: '30000',
    parse: integer(100, 3_600_000),
  }),
  setting({
    key: 'authConcurrency',
    env: 'AUTH_CONCURRENCY',
    flag: 'auth-concurrency',
    description: 'registrations and logins in flight at once (each costs the API an Argon2id hash)',
    default: '4',
    parse: integer(1, 100),
  }),
  setting({
    key: 'stopGraceMs',
    env: 'STOP_GRACE_MS',
    flag: 'stop-grace-ms',
    description: 'on SIGTERM, how long requests in flight may finish before they are cut',
    default: '2000',
    parse: integer(0, 30_000),
  }),
];

/** `--help` text and flags, from the table. */
function buildCommand(): Command {
  const command = new Command('flock-bot-agent')
    .description('Runs a swarm of Flock bots: simulated users that post and like.')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    // Throw instead of exiting, so the caller decides (main exits with commander's code).
    .exitOverride();
  for (const s of SETTINGS) {
    const shown = s.default === '' ? '' : `, default ${JSON.stringify(s.default)}`;
    command.option(`--${s.flag} <value>`, `${s.description} (env ${s.env}${shown})`);
  }
  command.addHelpText(
    'after',
    '\nEnvironment only: BOT_PASSWORD_SECRET (bot passwords are an HMAC of the username with it).',
  );
  return command;
}

/**
 * Reads flags from `argv` (without the node and script paths) and variables from `env`. An empty
 * variable counts as unset (the operator passes SEED="" for "no seed"). Throws ConfigError listing every
 * bad value. For --help and unknown flags commander prints its text and throws a CommanderError.
 */
export function loadConfig(argv: string[], env: Record<string, string | undefined>): Config {
  const command = buildCommand();
  command.parse(argv, { from: 'user' });
  const flags = command.opts<Record<string, string | undefined>>();

  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const flagValue = flags[camel(s.flag)];
    const envValue = env[s.env];
    const raw = flagValue ?? (envValue !== undefined && envValue !== '' ? envValue : s.default);
    const result = s.parse(raw);
    if ('error' in result) {
      const source = flagValue !== undefined ? `--${s.flag}` : s.env;
      problems.push(`${source}: ${result.error} (got ${JSON.stringify(raw)})`);
    } else config[s.key] = result.value;
  }
  const parsed = config as unknown as Config;
  if (problems.length === 0) {
    if (parsed.postsPerHour > 0 && parsed.tagPool.length === 0)
      problems.push('TAG_POOL: must name at least one tag when POSTS_PER_HOUR > 0');
    if (parsed.backoffMaxMs < parsed.backoffInitialMs)
      problems.push('BACKOFF_MAX_MS: must not be less than BACKOFF_INITIAL_MS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  parsed.passwordSecret = env.BOT_PASSWORD_SECRET || undefined;
  return parsed;
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export { CommanderError };
