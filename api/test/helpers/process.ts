// Runs real Node processes for tests the way a container or `npm start` does: the API here, and (through
// `spawnNodeProcess`) any other entry point, such as the bot agent.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() at exit. */
  at: number;
}

export interface NodeProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<Exit>;
}

/**
 * Starts `node <entry>` with extra environment, collecting its output, and waits until `ready` finds
 * what it needs in that output; kills the process and throws with the output when it never does.
 */
export async function spawnNodeProcess<T>(
  what: string,
  entry: string,
  env: Record<string, string>,
  ready: (output: string) => T | undefined,
  timeoutMs = 30_000,
): Promise<NodeProcess & { ready: T }> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: performance.now(),
  }));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = ready(output);
    if (found !== undefined) return { child, output: () => output, exited, ready: found };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not start:\n${output}`);
}

export interface ApiProcess extends NodeProcess {
  url: string;
}

const serverEntry = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const started = await spawnNodeProcess(
    'the API',
    serverEntry,
    { PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    (output) => /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1],
  );
  return { child: started.child, output: started.output, exited: started.exited, url: started.ready };
}
