// A swarm in the test's own process, on the fake clock and the in-memory API.
import { type Agent, startAgent } from '../../src/agent.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { type AgentMetrics, createMetrics } from '../../src/metrics.ts';
import { FakeApi, type FakeApiOptions } from './fake-api.ts';
import { FakeClock } from './fake-clock.ts';

export const HOUR = 3_600_000;

export interface SimulatedSwarm {
  clock: FakeClock;
  api: FakeApi;
  agent: Agent;
  metrics: AgentMetrics;
  config: Config;
}

export function configFrom(env: Record<string, string>): Config {
  return loadConfig([], { SWARM_NAME: 'sim', POD_NAME: 'sim-0', LOG_LEVEL: 'silent', ...env });
}

export function simulateSwarm(
  env: Record<string, string>,
  apiOptions: Omit<FakeApiOptions, 'clock'> = {},
): SimulatedSwarm {
  const clock = new FakeClock();
  const api = new FakeApi({ clock, ...apiOptions });
  const config = configFrom(env);
  const metrics = createMetrics({ swarm: config.swarmName, pod: config.podName, version: 'test' });
  const agent = startAgent({
    config,
    seed: config.seed || 'test-seed',
    metrics,
    log: createLogger(config.logLevel),
    clock,
    fetch: api.fetch,
  });
  return { clock, api, agent, metrics, config };
}

/** Gaps between consecutive times, in the same unit. */
export const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] as number));

export function coefficientOfVariation(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance) / mean;
}

export async function counter(metrics: AgentMetrics, kind: string, outcome: string): Promise<number> {
  const { values } = await metrics.actions.get();
  return values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)?.value ?? 0;
}
