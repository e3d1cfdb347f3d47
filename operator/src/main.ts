#!/usr/bin/env node
/**
 * flock-operator: reconciles BotSwarms into bot Deployments, Services and monitors.
 * Configuration (environment): KUBECONFIG (or in-cluster), WATCH_NAMESPACE, PORT (8080: /metrics,
 * /healthz, /readyz), WORKERS, RESYNC_SECONDS, LEADER_ELECT, LEASE_NAMESPACE, LEASE_NAME,
 * LEASE_DURATION_SECONDS, RENEW_DEADLINE_SECONDS, RETRY_PERIOD_SECONDS, POD_NAME (the identity),
 * MONITORING_RETRY_SECONDS.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { Manager } from './manager.ts';

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`invalid ${name}=${JSON.stringify(raw)}: expected a non-negative number`);
    process.exit(2);
  }
  return n;
}

const kc = new KubeConfig();
try {
  kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new Error('no current cluster in the kubeconfig');
} catch (e) {
  console.error(`cannot load a kubeconfig: ${(e as Error).message}`);
  process.exit(2);
}
const identity = process.env.POD_NAME || `${hostname()}-${randomUUID().slice(0, 8)}`;
const leaderElect = (process.env.LEADER_ELECT ?? 'true') !== 'false';
const manager = new Manager(kc, {
  namespace: process.env.WATCH_NAMESPACE ?? '',
  workers: num('WORKERS', 4),
  resyncMs: num('RESYNC_SECONDS', 600) * 1000,
  monitoringRetryMs: num('MONITORING_RETRY_SECONDS', 60) * 1000,
  port: num('PORT', 8080),
  identity,
  leaderElection: leaderElect
    ? {
        namespace: process.env.LEASE_NAMESPACE || process.env.POD_NAMESPACE || 'default',
        name: process.env.LEASE_NAME || 'flock-operator',
        leaseDurationMs: num('LEASE_DURATION_SECONDS', 15) * 1000,
        renewDeadlineMs: num('RENEW_DEADLINE_SECONDS', 10) * 1000,
        retryPeriodMs: num('RETRY_PERIOD_SECONDS', 2) * 1000,
      }
    : false,
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(
    JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: 'shutting down', signal }),
  );
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await manager.stop().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await manager.start();
console.log(
  JSON.stringify({
    level: 'info',
    time: new Date().toISOString(),
    msg: 'operator started',
    identity,
    url: manager.url,
    leaderElection: leaderElect,
  }),
);
