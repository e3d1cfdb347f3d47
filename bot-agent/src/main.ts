#!/usr/bin/env node
// The bot agent process: configuration, metrics server, the swarm, and a clean stop on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { createMetricsServer, listenOn, StartError } from '@flock/shared/service';
import { AGENT_VERSION, type Agent, startAgent } from './agent.ts';
import { CommanderError, type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { summarize } from './summary.ts';

let config: Config;
try {
  config = loadConfig(process.argv.slice(2));
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (!(error instanceof ConfigError)) throw error;
  console.error(`flock-bot-agent: invalid configuration:\n${error.problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}

const log = createLogger(config.logLevel, { format: config.logFormat });
// An empty SEED still gives a reproducible run: the seed chosen is logged, to be passed back as SEED.
const seed = config.seed || randomBytes(8).toString('hex');
const metrics = createMetrics({ swarm: config.swarmName, pod: config.podName, version: AGENT_VERSION });

// /healthz says how many bots this pod runs.
const metricsServer = createMetricsServer(metrics.registry, { health: () => ({ bots: config.botsPerPod }) });

let stopping = false;
let agent: Agent | undefined;
// Registered before anything starts, so a SIGTERM at any moment is a clean stop.
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  // A safety net only: every sleep and request listens to the agent's abort signals.
  setTimeout(() => {
    log.error('bots did not stop in time; exiting anyway');
    process.exit(1);
  }, config.stopGraceMs + 2_000).unref();
  await agent?.stop();
  await metricsServer.close();
  log.info('stopped', { totals: await summarize(metrics) });
  // Idle keep-alive sockets to the API would hold the event loop open for a few more seconds.
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

const metricsUrl = await listenOn(
  metricsServer.listen({ host: config.metricsHost, port: config.metricsPort }),
  config.metricsPort,
  'METRICS_PORT',
).catch((error: unknown) => {
  // A port another process holds is one line naming the setting; anything else is logged whole.
  if (error instanceof StartError) console.error(`flock-bot-agent: ${error.message}`);
  else log.error('cannot serve metrics', { error: String(error), port: config.metricsPort });
  process.exit(1);
});

agent = startAgent({ config, seed, metrics, log });
log.info('bot agent started', {
  swarm: config.swarmName,
  pod: config.podName,
  bots: config.botsPerPod,
  postsPerHour: config.postsPerHour,
  likesPerHour: config.likesPerHour,
  followsPerHour: config.followsPerHour,
  repliesPerHour: config.repliesPerHour,
  tagPool: config.tagPool,
  jitterPercent: config.jitterPercent,
  seed,
  target: config.targetUrl,
  metrics: `${metricsUrl}/metrics`,
  firstBot: agent.bots[0]?.username,
});

// Every bot can end without a signal (each one retired after refusing its login): then so does the process,
// with an error, since a swarm with no bots is a misconfiguration an orchestrator should show.
await agent.done;
if (!stopping) {
  log.error('every bot has stopped', { totals: await summarize(metrics) });
  await metricsServer.close();
  process.exit(1);
}
