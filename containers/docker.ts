// The docker command line, as the scripts and tests here call it: always the classic builder (BuildKit
// would fetch its Dockerfile frontend from a registry, and buildx is not installed here), errors with
// the command's own output, long builds streamed a line at a time.
import { spawn } from 'node:child_process';
import { type RunResult, run as runToCompletion } from '@flock/testkit/processes';

/** Extra environment for every docker call (DOCKER_HOST of the engine in use). */
export const dockerEnv: Record<string, string> = {};

function env(): NodeJS.ProcessEnv {
  return { ...process.env, ...dockerEnv, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
}

/** Runs `docker …` (or another program, with the same environment) to completion; never throws. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number; input?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return runToCompletion(command, args, {
    ...options,
    cwd: options.cwd ?? process.cwd(),
    env: { ...env(), ...options.env },
  });
}

/** `docker …`, its standard output; throws with its error output when it fails. */
export async function docker(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; input?: string } = {},
) {
  const result = await run('docker', args, options);
  if (result.code !== 0) {
    throw new Error(
      `docker ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr || result.stdout}`,
    );
  }
  return result.stdout.trim();
}

/**
 * Runs a long command (a build), handing each output line to `onLine`; throws with the last lines of
 * its output when it fails.
 */
export function stream(
  command: string,
  args: string[],
  options: { cwd?: string; onLine: (line: string) => void; stdin?: NodeJS.ReadableStream },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let pending = '';
    const onData = (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 60) tail.shift();
        options.onLine(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    if (options.stdin) options.stdin.pipe(child.stdin);
    else child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) tail.push(pending);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

/** The value of one label of a local image, or undefined when the image or the label is missing. */
export async function imageLabel(image: string, label: string): Promise<string | undefined> {
  const result = await run('docker', [
    'image',
    'inspect',
    '--format',
    `{{index .Config.Labels "${label}"}}`,
    image,
  ]);
  const value = result.stdout.trim();
  return result.code === 0 && value && value !== '<no value>' ? value : undefined;
}
