// The real API server as a process (`node api/src/server.ts`, as a container runs it), ready to serve.
import { createRequire } from 'node:module';
import { type RunningProcess, type SpawnOptions, startNodeProcess } from './processes.ts';

const serverEntry = createRequire(import.meta.url).resolve('@flock/api/server');

/** Rate limits no test meets unless it is about them. */
export const NO_RATE_LIMITS: Record<string, string> = {
  AUTH_RATE_LIMIT_MAX: '1000000',
  POST_RATE_LIMIT_MAX: '1000000',
};

export interface ApiProcess extends RunningProcess {
  /** http://127.0.0.1:<port> */
  url: string;
}

/**
 * Starts the API with `env` over test defaults (any free port, info logs). Without a PORT it is ready
 * when it logs where it listens; with one, when /readyz answers 200 (so quieter log levels work too).
 */
export async function startApiProcess(
  env: Record<string, string>,
  options: Omit<SpawnOptions, 'env'> = {},
): Promise<ApiProcess> {
  const port = env.PORT && env.PORT !== '0' ? env.PORT : undefined;
  const started = await startNodeProcess(serverEntry, {
    ...options,
    what: 'the API',
    env: { PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    ready: port ? readyAt(`http://127.0.0.1:${port}`) : listeningUrl,
  });
  return { ...started, url: started.ready };
}

const listeningUrl = (output: string) =>
  /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];

const readyAt = (url: string) => async () => {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).catch(() => null);
  await response?.body?.cancel();
  return response?.status === 200 ? url : undefined;
};
