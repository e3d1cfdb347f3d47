// The agent's Prometheus metrics, on a registry of its own (never prom-client's global one, so tests can
// run several agents in one process).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type ActionKind = 'register' | 'login' | 'post' | 'like' | 'follow' | 'reply' | 'read';
/** Every kind: each gets its series at zero from the start (below). */
const ACTION_KINDS: readonly ActionKind[] = ['register', 'login', 'post', 'like', 'follow', 'reply', 'read'];
/** `ok`, `skipped` (a like, follow or reply with nothing to act on) or the failure kind of the request. */
export type ActionOutcome =
  | 'ok'
  | 'skipped'
  | 'rate_limited'
  | 'unauthorized'
  | 'conflict'
  | 'rejected'
  | 'server_error'
  | 'network_error'
  | 'aborted';

export interface AgentMetrics {
  registry: Registry;
  actions: Counter<'kind' | 'outcome'>;
  duration: Histogram<'kind'>;
  errors: Counter<'reason'>;
  botsActive: Gauge;
  botsConfigured: Gauge;
  botsBackingOff: Gauge;
}

export function createMetrics(info: { swarm: string; pod: string; version: string }): AgentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics: AgentMetrics = {
    registry,
    actions: new Counter({
      name: 'flock_bot_actions_total',
      help: 'Requests the bots made, by kind (register, login, post, like, follow, reply, read) and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'flock_bot_action_duration_seconds',
      help: 'Time from sending a request to reading its whole response, by kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'flock_bot_errors_total',
      help: 'Failed requests and sign-ins, by reason (network_error, server_error, rate_limited, unauthorized, rejected, login_refused)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    botsActive: new Gauge({
      name: 'flock_bots_active',
      help: 'Bots signed in and running',
      registers: [registry],
    }),
    botsConfigured: new Gauge({
      name: 'flock_bots_configured',
      help: 'Bots this process is meant to run (BOTS_PER_POD)',
      registers: [registry],
    }),
    botsBackingOff: new Gauge({
      name: 'flock_bots_backing_off',
      help: 'Bots waiting after an error or a 429 before their next request',
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'flock_bot_agent_info',
    help: 'The swarm and pod this agent runs as (always 1)',
    labelNames: ['swarm', 'pod', 'version'],
    registers: [registry],
  }).set(info, 1);
  // Every kind/outcome pair a dashboard plots exists from the start, at zero, so rate() has a series.
  for (const kind of ACTION_KINDS) {
    metrics.actions.inc({ kind, outcome: 'ok' }, 0);
    metrics.duration.zero({ kind });
  }
  return metrics;
}
