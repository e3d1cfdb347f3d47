import { describe, expect, it } from 'vitest';
import { run, spawnProcess, startNodeProcess, startProcess } from '../src/processes.ts';
import { REPO } from '../src/repo.ts';

const node = (script: string) => ['-e', script];

describe('startProcess', () => {
  it('waits until ready finds what it needs in the output, and collects both streams', async () => {
    const started = await startProcess(
      process.execPath,
      node("console.error('warming'); console.log('port 4242'); setInterval(() => {}, 1000)"),
      {
        what: 'the fake server',
        ready: (output) => /port (\d+)/.exec(output)?.[1],
      },
    );
    expect(started.ready).toBe('4242');
    expect(started.output()).toContain('warming');
    expect(await started.stop()).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(started.running()).toBe(false);
  });

  it('fails with the output when the process exits before it is ready', async () => {
    await expect(
      startProcess(process.execPath, node("console.log('no database'); process.exit(3)"), {
        what: 'the fake server',
        ready: () => undefined,
      }),
    ).rejects.toThrow('the fake server did not start:\nno database');
  });

  it('runs node entry points with the same Node', async () => {
    const started = await startNodeProcess(`${REPO}testkit/test/fixtures/version.ts`, {
      what: 'the version printer',
      ready: (output) => output.trim() || undefined,
    });
    expect(started.ready).toBe(process.version);
    await started.exited;
  });
});

describe('spawnProcess', () => {
  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const stubborn = spawnProcess(
      process.execPath,
      node(
        "process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000)",
      ),
    );
    while (!stubborn.output().includes('up')) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await stubborn.stop(200)).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(stubborn.output()).toContain('ignored');
  });

  it('keeps only the last characters of the output when told', async () => {
    const chatty = spawnProcess(process.execPath, node("process.stdout.write('a'.repeat(1000) + 'END')"), {
      keepOutput: 10,
    });
    await chatty.exited;
    expect(chatty.output()).toBe('aaaaaaaEND');
  });
});

describe('run', () => {
  it('returns the exit code and both streams, from the repository root, with input', async () => {
    const result = await run(
      process.execPath,
      node(
        "process.stdin.pipe(process.stdout); console.error(process.cwd()); process.stdin.on('end', () => process.exit(2))",
      ),
      { input: 'hello' },
    );
    expect(result).toEqual({ code: 2, stdout: 'hello', stderr: `${REPO.replace(/\/$/, '')}\n` });
  });
});
