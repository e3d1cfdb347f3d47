// The operator's configuration: environment variables only, validated once at start-up by one schema.
// (The cluster comes from KUBECONFIG, else the in-cluster ServiceAccount, as client-node finds it.)
import { ConfigError, parseEnv } from '@flock/shared/env';
import { type Static, Type } from 'typebox';

const Seconds = (defaultSeconds: number, description: string) =>
  Type.Number({ exclusiveMinimum: 0, default: defaultSeconds, description });

export const ConfigSchema = Type.Object({
  WATCH_NAMESPACE: Type.String({ default: '', description: 'Reconcile one namespace only (empty: all)' }),
  HOST: Type.String({ default: '0.0.0.0', description: 'Address /metrics, /healthz and /readyz bind to' }),
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 8080,
    description: '/metrics, /healthz, /readyz',
  }),
  WORKERS: Type.Integer({ minimum: 1, maximum: 256, default: 4, description: 'Concurrent reconciles' }),
  RESYNC_SECONDS: Seconds(600, 'Every swarm is reconciled again this often, changed or not'),
  MONITORING_RETRY_SECONDS: Seconds(
    60,
    'How soon to look again while the Prometheus Operator CRDs are missing',
  ),
  LEADER_ELECT: Type.Boolean({
    default: true,
    description: 'Lease leader election (false: one replica only)',
  }),
  POD_NAME: Type.String({ default: '', description: 'Identity in the Lease and the User-Agent' }),
  POD_NAMESPACE: Type.String({ default: '', description: 'The namespace the operator runs in' }),
  LEASE_NAMESPACE: Type.String({
    default: '',
    description: 'Namespace of the Lease (empty: POD_NAMESPACE, else default)',
  }),
  LEASE_NAME: Type.String({ minLength: 1, default: 'flock-operator' }),
  LEASE_DURATION_SECONDS: Seconds(15, 'How long a standby waits on a Lease that stopped changing'),
  RENEW_DEADLINE_SECONDS: Seconds(10, 'How long the leader keeps trying to renew before it stops leading'),
  RETRY_PERIOD_SECONDS: Seconds(2, 'How often candidates try to acquire or renew'),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;

export { ConfigError };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = parseEnv<Config>(ConfigSchema, env);
  // client-go's rule: the lease outlives the renew deadline, which outlives a retry (with its jitter).
  const problems: string[] = [];
  if (config.RENEW_DEADLINE_SECONDS >= config.LEASE_DURATION_SECONDS)
    problems.push('RENEW_DEADLINE_SECONDS must be less than LEASE_DURATION_SECONDS');
  if (config.RETRY_PERIOD_SECONDS * 1.2 >= config.RENEW_DEADLINE_SECONDS)
    problems.push('RETRY_PERIOD_SECONDS × 1.2 must be less than RENEW_DEADLINE_SECONDS');
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return config;
}
