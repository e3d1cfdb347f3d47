// Bots per bot-agent process: runs bot-agent's own capacity benchmark (bot-agent/bench/capacity.ts, a
// child process with its own API and database) and reads its table.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { round, type Scenario } from '../lib/stats.ts';

const capacityScript = fileURLToPath(new URL('../../bot-agent/bench/capacity.ts', import.meta.url));

export function parseCapacity(output: string) {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(output);
    if (!match?.[1]) throw new Error(`capacity output lacks ${pattern}:\n${output.slice(-2000)}`);
    return Number(match[1]);
  };
  return {
    signInSeconds: number(/\| sign-in \(register \d+ accounts\) \| ([\d.]+) s/),
    requestsPerSecond: number(/\| requests \| ([\d.]+)\/s/),
    postsPerSecond: number(/posts ([\d.]+)\/s, expected/),
    expectedPostsPerSecond: number(/expected ([\d.]+)\/s/),
    errors: number(/\| errors \| (\d+) \|/),
    cpuPercent: number(/\| agent CPU \| ([\d.]+)% of one core/),
    rssMeanMiB: number(/\| agent RSS \| mean (\d+) MiB/),
    rssMaxMiB: number(/\| agent RSS \| mean \d+ MiB, max (\d+) MiB/),
  };
}

export const bots: Scenario = {
  name: 'bots',
  title: 'bots per bot-agent process at the default rates',
  async run({ quick, log }) {
    const count = quick ? 10 : 1_000;
    const seconds = quick ? 5 : 60;
    log(`bots: bot-agent capacity benchmark, ${count} bots, ${seconds} s window`);
    const child = spawn(process.execPath, [capacityScript], {
      env: { ...process.env, BENCH_BOTS: String(count), BENCH_SECONDS: String(seconds) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output = `${output}${chunk}`.slice(-200_000);
    });
    const [code] = await once(child, 'exit');
    if (code !== 0) throw new Error(`capacity benchmark exited ${code}:\n${output.slice(-2000)}`);
    const result = parseCapacity(output);
    const per1000 = 1_000 / count;
    const cpuPer1000 = round(result.cpuPercent * per1000);
    const rssPer1000 = round(result.rssMeanMiB * per1000, 0);
    return {
      rows: [
        {
          scenario: 'bots',
          figure: `${count} bots in one process: errors, CPU, RSS`,
          flock: `${result.errors}, ${result.cpuPercent}% of a core, ${result.rssMeanMiB} MiB`,
          target: '≥ 1000 bots',
          met: count >= 1_000 && result.errors === 0 && result.cpuPercent < 100,
        },
        {
          scenario: 'bots',
          figure: 'per 1,000 bots: CPU, RSS',
          // A few bots say nothing about a thousand (the process's own baseline dominates).
          flock: count >= 1_000 ? `${cpuPer1000}% of a core, ${rssPer1000} MiB` : 'n/a (quick run)',
        },
      ],
      details: { bots: count, seconds, ...result, cpuPercentPer1000: cpuPer1000, rssMiBPer1000: rssPer1000 },
    };
  },
};
