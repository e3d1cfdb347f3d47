#!/usr/bin/env node
/**
 * flock-operator: reconciles BotSwarms into bot Deployments, Services and monitors. Configuration is
 * the environment (src/config.ts); logs are JSON lines (pino), as the API's.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.ts';
import { Manager } from './manager.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`invalid configuration:\n${error.message}`);
  process.exit(2);
}
const log = pino({ level: config.LOG_LEVEL });

const kc = new KubeConfig();
try {
  kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new Error('no current cluster in the kubeconfig');
} catch (error) {
  console.error(`cannot load a kubeconfig: ${(error as Error).message}`);
  process.exit(2);
}
const identity = config.POD_NAME || `${hostname()}-${randomUUID().slice(0, 8)}`;
const manager = new Manager(kc, {
  namespace: config.WATCH_NAMESPACE,
  workers: config.WORKERS,
  resyncMs: config.RESYNC_SECONDS * 1000,
  monitoringRetryMs: config.MONITORING_RETRY_SECONDS * 1000,
  host: config.HOST,
  port: config.PORT,
  identity,
  log: (level, msg, fields) => log[level](fields ?? {}, msg),
  leaderElection: config.LEADER_ELECT
    ? {
        namespace: config.LEASE_NAMESPACE || config.POD_NAMESPACE || 'default',
        name: config.LEASE_NAME,
        leaseDurationMs: config.LEASE_DURATION_SECONDS * 1000,
        renewDeadlineMs: config.RENEW_DEADLINE_SECONDS * 1000,
        retryPeriodMs: config.RETRY_PERIOD_SECONDS * 1000,
      }
    : false,
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await manager.stop().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await manager.start();
log.info({ identity, url: manager.url, leaderElection: config.LEADER_ELECT }, 'operator started');
