// The bot agent as a pod runs it (`node bot-agent/src/main.ts` with environment variables), read through
// its JSON log lines.
import { createRequire } from 'node:module';
import { type Exit, type RunningProcess, startNodeProcess } from './processes.ts';

const agentEntry = createRequire(import.meta.url).resolve('@flock/bot-agent/main');

export type LogLine = Record<string, unknown>;

export interface AgentProcess extends RunningProcess {
  /** Its metrics server's base URL (`<metricsUrl>/metrics`). */
  metricsUrl: string;
  /** The JSON log lines so far. */
  lines(): LogLine[];
  /** Sends SIGTERM; resolves with the exit and how long it took. */
  terminate(): Promise<Exit & { ms: number }>;
  /** Counters from the agent's last log line (`stopped`), `{ "post.ok": 12, ... }`. */
  totals(): Record<string, number>;
}

const logLines = (output: string): LogLine[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

export async function startAgentProcess(env: Record<string, string>): Promise<AgentProcess> {
  const started = await startNodeProcess(agentEntry, {
    what: 'the agent',
    env: { METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    ready: (output) => logLines(output).find((line) => line.msg === 'bot agent started'),
    timeoutMs: 15_000,
  });
  const lines = () => logLines(started.output());
  return {
    ...started,
    metricsUrl: String(started.ready.metrics).replace('/metrics', ''),
    lines,
    async terminate() {
      const sent = performance.now();
      started.child.kill('SIGTERM');
      const exit = await started.exited;
      return { ...exit, ms: exit.at - sent };
    },
    totals() {
      const stopped = lines().find((line) => line.msg === 'stopped');
      if (!stopped) throw new Error(`the agent did not log its totals:\n${started.output()}`);
      return stopped.totals as Record<string, number>;
    },
  };
}
