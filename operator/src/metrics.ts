/** The operator's Prometheus metrics (flock_operator_*). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flock_operator_' });
  return {
    registry,
    reconciles: new Counter({
      name: 'flock_operator_reconcile_total',
      help: 'BotSwarm reconciles by result (success, error, conflict, requeue).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'flock_operator_reconcile_duration_seconds',
      help: 'Time to reconcile one BotSwarm.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    writes: new Counter({
      name: 'flock_operator_writes_total',
      help: 'Writes to the Kubernetes API made by reconciles (apply, delete, status).',
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'flock_operator_workqueue_depth',
      help: 'Keys waiting in the work queue.',
      registers: [registry],
    }),
    queueRetries: new Counter({
      name: 'flock_operator_workqueue_retries_total',
      help: 'Keys re-queued with backoff after a failed reconcile.',
      registers: [registry],
    }),
    swarms: new Gauge({
      name: 'flock_operator_swarms',
      help: 'BotSwarms by state (the reason of their Ready condition).',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    informerRestarts: new Counter({
      name: 'flock_operator_informer_restarts_total',
      help: 'Informer restarts after watch or list errors.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    apiRequests: new Counter({
      name: 'flock_operator_api_requests_total',
      help: 'Requests to the Kubernetes API by method and status code.',
      labelNames: ['method', 'code'] as const,
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'flock_operator_leader',
      help: '1 while this process holds the leader Lease.',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
