// Child processes for tests: started with their output collected (for failure messages), stopped the
// way Kubernetes stops a pod (SIGTERM, then SIGKILL after a grace period), or run to completion.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { REPO } from './repo.ts';
import { sleep } from './waiting.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() at exit. */
  at: number;
}

export interface RunningProcess {
  child: ChildProcess;
  /** What it wrote to stdout and stderr, interleaved (only the last `keepOutput` characters, if set). */
  output(): string;
  exited: Promise<Exit>;
  running(): boolean;
  /** SIGTERM, then SIGKILL if it still runs after `graceMs` (10 s); resolves with its exit. */
  stop(graceMs?: number): Promise<Exit>;
}

export interface SpawnOptions {
  /** The repository root unless told. */
  cwd?: string;
  /** Merged over this process's environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Keep only this many characters of output (a long run's request log would fill memory). */
  keepOutput?: number;
  /** Kill it when this process exits, so an interrupted run leaves nothing behind. */
  killWithParent?: boolean;
}

export function spawnProcess(command: string, args: string[], options: SpawnOptions = {}): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk;
    if (options.keepOutput !== undefined && output.length > options.keepOutput)
      output = output.slice(-options.keepOutput);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  if (options.killWithParent) {
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
  }
  // 'close' rather than 'exit': by then its output is all read.
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: performance.now(),
  }));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => output,
    exited,
    running,
    async stop(graceMs = 10_000) {
      if (running()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

export interface StartOptions<T> extends SpawnOptions {
  /** What it is, for the error when it does not start: "the API". */
  what: string;
  /** Looks at the output so far (or probes the process) and returns what it needs once the process is ready. */
  ready: (output: string) => T | undefined | Promise<T | undefined>;
  /** 30 s unless told. */
  timeoutMs?: number;
}

/**
 * Spawns a long-running program and waits until `ready` finds it ready; when it exits first or never gets
 * there, kills it and throws with its output.
 */
export async function startProcess<T>(
  command: string,
  args: string[],
  options: StartOptions<T>,
): Promise<RunningProcess & { ready: T }> {
  const started = spawnProcess(command, args, options);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    // Once it has exited, its whole output gets one last look (it may have printed and exited at once).
    const exitedFirst = !started.running();
    if (exitedFirst) await started.exited;
    const found = await options.ready(started.output());
    if (found !== undefined) return { ...started, ready: found };
    if (exitedFirst || Date.now() >= deadline) break;
    await sleep(50);
  }
  started.child.kill('SIGKILL');
  await started.exited;
  throw new Error(`${options.what} did not start:\n${started.output()}`);
}

/** `node <entry>`, with the same Node as this process. */
export function startNodeProcess<T>(entry: string, options: StartOptions<T>) {
  return startProcess(process.execPath, [entry], options);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never throws (the caller asserts on the result). */
export function run(
  command: string,
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    input?: string;
  } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd ?? REPO,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 256 << 20,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
