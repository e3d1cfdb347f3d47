// The swarm one process runs: BOTS_PER_POD bots sharing an API client, a clock, the metrics and a gate
// on sign-ins. Stopping is two-step: every sleep and wait ends at once; requests already in flight get
// `stopGraceMs` to finish (so what the metrics say happened, happened), then are cut.
import { createApiClient, type Fetch } from './api-client.ts';
import { Bot } from './bot.ts';
import { type Clock, realClock } from './clock.ts';
import type { Config } from './config.ts';
import { botIdentity } from './identity.ts';
import type { Logger } from './log.ts';
import type { AgentMetrics } from './metrics.ts';
import { createSemaphore } from './semaphore.ts';

export const AGENT_VERSION = '0.1.0';

export interface AgentDeps {
  config: Config;
  /** The run's seed (Config.seed, or the random one chosen for an empty SEED). */
  seed: string;
  metrics: AgentMetrics;
  log: Logger;
  clock?: Clock;
  fetch?: Fetch;
}

export interface Agent {
  readonly bots: readonly Bot[];
  /** Resolves when every bot has ended. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export function startAgent(deps: AgentDeps): Agent {
  const { config, metrics, log } = deps;
  const clock = deps.clock ?? realClock;
  const stopping = new AbortController();
  const cutting = new AbortController();
  const api = createApiClient({
    baseUrl: config.targetUrl,
    fetch: deps.fetch ?? fetch,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    signal: cutting.signal,
    userAgent: `flock-bot-agent/${AGENT_VERSION}`,
  });
  const authGate = createSemaphore(config.authConcurrency);
  const behavior = {
    postsPerHour: config.postsPerHour,
    likesPerHour: config.likesPerHour,
    followsPerHour: config.followsPerHour,
    repliesPerHour: config.repliesPerHour,
    jitterPercent: config.jitterPercent,
    tagPool: config.tagPool,
    feedRefreshMs: config.feedRefreshSeconds * 1000,
    backoff: { initialMs: config.backoffInitialMs, maxMs: config.backoffMaxMs },
  };

  const bots: Bot[] = [];
  for (let index = 0; index < config.botsPerPod; index++) {
    const identity = botIdentity(
      { swarm: config.swarmName, pod: config.podName, passwordSecret: config.passwordSecret },
      index,
    );
    bots.push(
      new Bot({
        identity,
        behavior,
        seed: deps.seed,
        api,
        clock,
        metrics,
        log,
        authGate,
        signal: stopping.signal,
      }),
    );
  }
  metrics.botsConfigured.set(bots.length);

  const done = Promise.all(
    bots.map((bot) =>
      bot.run().catch((error: unknown) => {
        // A bug, not an API answer: this bot ends, the others go on, and it is loud in the log.
        log.error('bot crashed', { bot: bot.username, error: String((error as Error)?.stack ?? error) });
      }),
    ),
  ).then(() => undefined);

  let stopped: Promise<void> | undefined;
  return {
    bots,
    done,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        const grace = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, config.stopGraceMs);
          done.finally(() => clearTimeout(timer)).then(resolve);
        });
        await grace;
        cutting.abort();
        await done;
      })();
      return stopped;
    },
  };
}
