// Configuration comes from environment variables only, validated once at start-up.
import { isIP } from 'node:net';
import { ConfigError, LogFormatSetting, LogLevelSetting, readConfig } from '@flock/shared/service';
import { type Static, Type } from 'typebox';

const DatabaseUrl = (description: string) =>
  Type.String({ pattern: '^postgres(ql)?://', expected: 'a postgres:// or postgresql:// URL', description });
const List = (description: string) => Type.Array(Type.String({ minLength: 1 }), { default: [], description });

const Port = (defaultPort: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort, description });

export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
    description: 'production requires DATABASE_URL and JWT_SECRET',
  }),
  HOST: Type.String({ default: '127.0.0.1', description: 'Address the public HTTP server binds to' }),
  PORT: Port(3000, 'Public HTTP port: /api, /api/ws, /healthz, /readyz and the web app'),
  METRICS_HOST: Type.String({ default: '127.0.0.1', description: 'Address the metrics server binds to' }),
  METRICS_PORT: Port(9091, 'Prometheus /metrics port, never proxied publicly'),
  DATABASE_URL: Type.Optional(
    DatabaseUrl('PostgreSQL URL; when unset, the embedded PGlite database is used'),
  ),
  DB_POOL_MAX: Type.Integer({
    minimum: 1,
    maximum: 200,
    default: 10,
    description: 'Connections per process',
  }),
  DB_ACQUIRE_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 2000,
    description: 'How long a request waits for a connection before a 503',
  }),
  EMBEDDED_DATA_DIR: Type.String({
    default: '.data/pglite',
    description: 'Where the embedded database keeps its files (relative to the working directory)',
  }),
  JWT_SECRET: Type.Optional(
    Type.String({ minLength: 32, description: 'HS256 signing secret, at least 32 characters' }),
  ),
  JWT_ISSUER: Type.String({ default: 'flock', description: 'iss claim, checked on every token' }),
  JWT_AUDIENCE: Type.String({ default: 'flock-api', description: 'aud claim, checked on every token' }),
  JWT_TTL_SECONDS: Type.Integer({ minimum: 60, default: 86400, description: 'Token lifetime' }),
  AUTH_RATE_LIMIT_MAX: Type.Integer({
    minimum: 1,
    default: 20,
    description: 'Logins per minute per client address and account; registrations per minute per address',
  }),
  POST_RATE_LIMIT_MAX: Type.Integer({
    minimum: 1,
    default: 600,
    description: 'Posts per minute per user',
  }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 16384, description: 'Largest request body' }),
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
    minimum: 10,
    default: 1000,
    description: 'Shed requests with 503 + Retry-After while the event loop lags more than this',
  }),
  OVERLOAD_MAX_DB_WAITING: Type.Integer({
    minimum: 1,
    default: 100,
    description:
      'Shed requests with 503 + Retry-After while more than this many have waited for a database connection for 0.5 s',
  }),
  TRUSTED_PROXIES: List(
    'Comma-separated addresses or CIDRs of the proxies in front of the API (empty: none). Only a request from one of them has its client address and scheme read from X-Forwarded-For and X-Forwarded-Proto (the rightmost address not trusted); any other, from the socket',
  ),
  CORS_ORIGINS: List('Comma-separated origins allowed by CORS (empty: same-origin only)'),
  SHUTDOWN_DELAY_MS: Type.Integer({
    minimum: 0,
    default: 0,
    description:
      'After SIGTERM, how long to keep serving with readiness failed, so load balancers stop sending first',
  }),
  SHUTDOWN_GRACE_MS: Type.Integer({
    minimum: 100,
    default: 10000,
    description: 'Time to drain in-flight requests after SIGTERM before exiting',
  }),
  LIVE_ALLOWED_ORIGINS: List('Comma-separated origins allowed to open the live feed besides the same origin'),
  EVENT_RETENTION_SECONDS: Type.Integer({
    minimum: 60,
    default: 86400,
    description: 'How long live-feed events are kept for resuming clients',
  }),
  LIVE_SEND_BUFFER_BYTES: Type.Integer({
    minimum: 1024,
    default: 1048576,
    description: 'Unsent bytes a live client may fall behind by before it is disconnected',
  }),
  LIVE_MAX_SUBSCRIPTIONS: Type.Integer({
    minimum: 1,
    default: 20,
    description: 'Streams per live connection',
  }),
  LIVE_MAX_CONNECTIONS_PER_USER: Type.Integer({
    minimum: 1,
    default: 10,
    description: 'Live connections per user on one replica',
  }),
  LIVE_MAX_FRAME_BYTES: Type.Integer({
    minimum: 256,
    default: 4096,
    description: 'Largest frame a live client may send (larger: closed with 1009)',
  }),
  LIVE_HEARTBEAT_MS: Type.Integer({
    minimum: 100,
    default: 30000,
    description: 'Ping interval; a peer that misses one is dropped',
  }),
  LIVE_POLL_MS: Type.Integer({
    minimum: 50,
    default: 2000,
    description: 'Fallback poll of the events table when a notification is missed',
  }),
  LOG_REQUESTS: Type.Boolean({
    default: false,
    description: 'Log every request and response (off: only 5xx and requests slower than 1 s are logged)',
  }),
  LOG_LEVEL: LogLevelSetting(),
  LOG_FORMAT: LogFormatSetting(),
  WEB_DIST: Type.String({
    default: '',
    description: 'Folder of the built web app to serve at / (empty: do not serve it)',
  }),
});

export type RawConfig = Static<typeof ConfigSchema>;

export interface Config extends RawConfig {
  /** True when no DATABASE_URL is given: PGlite runs in-process. */
  embedded: boolean;
  jwtSecret: string;
}

/** Fixed and public on purpose: only the embedded development mode may fall back to it. */
const EMBEDDED_DEV_JWT_SECRET = 'flock-embedded-development-secret-not-for-production';

export { ConfigError };

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw = readConfig(ConfigSchema, { env });

  const embedded = raw.DATABASE_URL === undefined;
  const problems: string[] = [];
  if (!embedded && raw.JWT_SECRET === undefined) {
    problems.push('JWT_SECRET is required when DATABASE_URL is set (at least 32 characters)');
  }
  if (raw.NODE_ENV === 'production' && embedded) {
    problems.push('DATABASE_URL is required when NODE_ENV=production');
  }
  for (const entry of raw.TRUSTED_PROXIES) {
    if (!isAddressOrCidr(entry))
      problems.push(`TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an IP address or CIDR`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...raw,
    embedded,
    jwtSecret: raw.JWT_SECRET ?? EMBEDDED_DEV_JWT_SECRET,
  };
}

/** The migration program's settings (`node api/src/db/migrate.ts`): the database only, and required. */
export const MigrationConfigSchema = Type.Object({
  DATABASE_URL: DatabaseUrl('The PostgreSQL database to migrate'),
  LOG_LEVEL: LogLevelSetting(),
  LOG_FORMAT: LogFormatSetting(),
});

export function loadMigrationConfig(env: Record<string, string | undefined> = process.env) {
  return readConfig(MigrationConfigSchema, { env });
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
