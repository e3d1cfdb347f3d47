// Configuration: environment variables and flags, defaults, and one clear line per bad value, both from
// loadConfig and from the real process.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TAG_INPUT_PATTERN } from '@flock/shared';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const problems = (argv: string[], env: Record<string, string>) => {
  try {
    loadConfig(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('has defaults that match the BotSwarm defaults', () => {
    const config = loadConfig([], {});
    expect(config).toMatchObject({
      swarmName: 'local',
      botsPerPod: 5,
      postsPerHour: 6,
      likesPerHour: 12,
      // 0, as in a BotSwarm that does not name them.
      followsPerHour: 0,
      repliesPerHour: 0,
      tagPool: ['flock', 'bots'],
      jitterPercent: 20,
      seed: '',
      targetUrl: 'http://localhost:3000/',
      metricsPort: 9464,
      logFormat: 'auto',
      passwordSecret: undefined,
    });
    expect(config.podName.length).toBeGreaterThan(0);
  });

  it('reads what the operator sets, and flags win over variables', () => {
    const env = {
      SWARM_NAME: 'demo',
      POD_NAME: 'demo-bots-7c9f-x2',
      BOTS_PER_POD: '50',
      POSTS_PER_HOUR: '30',
      LIKES_PER_HOUR: '90',
      FOLLOWS_PER_HOUR: '4',
      REPLIES_PER_HOUR: '20',
      TAG_POOL: ' K8s, #Flock ,birds,flock',
      JITTER_PERCENT: '0',
      SEED: '',
      TARGET_URL: 'http://flock-api.flock.svc:3000',
      METRICS_PORT: '9100',
      BOT_PASSWORD_SECRET: 's3cret',
    };
    const config = loadConfig(['--bots-per-pod', '3', '--seed', 'abc', '--replies-per-hour', '7'], env);
    expect(config).toMatchObject({
      swarmName: 'demo',
      podName: 'demo-bots-7c9f-x2',
      botsPerPod: 3,
      postsPerHour: 30,
      likesPerHour: 90,
      followsPerHour: 4,
      repliesPerHour: 7,
      tagPool: ['k8s', 'flock', 'birds'],
      jitterPercent: 0,
      seed: 'abc',
      targetUrl: 'http://flock-api.flock.svc:3000/',
      metricsPort: 9100,
      passwordSecret: 's3cret',
    });
  });

  it('reports every bad value, one line each, naming the variable or flag', () => {
    expect(
      problems(['--likes-per-hour', '-1'], {
        BOTS_PER_POD: 'many',
        POSTS_PER_HOUR: '1.5',
        FOLLOWS_PER_HOUR: '-2',
        REPLIES_PER_HOUR: '360001',
        TAG_POOL: 'ok,not ok,Ümlaut',
        JITTER_PERCENT: '101',
        TARGET_URL: 'ftp://x',
        METRICS_PORT: '70000',
        LOG_LEVEL: 'loud',
      }),
    ).toEqual([
      'BOTS_PER_POD: must be an integer from 1 to 10000 (got "many")',
      'POSTS_PER_HOUR: must be an integer from 0 to 360000 (got "1.5")',
      '--likes-per-hour: must be an integer from 0 to 360000 (got "-1")',
      'FOLLOWS_PER_HOUR: must be an integer from 0 to 360000 (got "-2")',
      'REPLIES_PER_HOUR: must be an integer from 0 to 360000 (got "360001")',
      `TAG_POOL: must be a comma-separated list of at most 100 tags, each matching ${TAG_INPUT_PATTERN} (got "ok,not ok,Ümlaut")`,
      'JITTER_PERCENT: must be an integer from 0 to 100 (got "101")',
      'TARGET_URL: must be an http:// or https:// URL (got "ftp://x")',
      'METRICS_PORT: must be an integer from 0 to 65535 (got "70000")',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
  });

  it('needs a tag pool only when the bots post or reply', () => {
    expect(problems([], { TAG_POOL: ',' })).toEqual([
      'TAG_POOL: must name at least one tag when POSTS_PER_HOUR > 0',
    ]);
    expect(loadConfig([], { TAG_POOL: ',', POSTS_PER_HOUR: '0' }).tagPool).toEqual([]);
    expect(problems([], { TAG_POOL: ',', POSTS_PER_HOUR: '0', REPLIES_PER_HOUR: '5' })).toEqual([
      'TAG_POOL: must name at least one tag when REPLIES_PER_HOUR > 0',
    ]);
    expect(loadConfig([], { TAG_POOL: ',', POSTS_PER_HOUR: '0', FOLLOWS_PER_HOUR: '5' }).followsPerHour).toBe(
      5,
    );
  });
});

describe('the process', () => {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [main, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 10_000,
    });

  it('exits 1 with the list of problems', () => {
    const result = run([], { BOTS_PER_POD: '0', TARGET_URL: 'nope' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'flock-bot-agent: invalid configuration:\n' +
        '  BOTS_PER_POD: must be an integer from 1 to 10000 (got "0")\n' +
        '  TARGET_URL: must be an http:// or https:// URL (got "nope")\n',
    );
  });

  it('exits 1 with one line naming METRICS_PORT when its port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const result = run([], { METRICS_HOST: '127.0.0.1', METRICS_PORT: String(port), SEED: 'x' });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `flock-bot-agent: port ${port} is in use (METRICS_PORT): set METRICS_PORT to another port\n`,
      );
    } finally {
      taken.close();
    }
  });

  it('prints help naming each variable, and refuses unknown flags', () => {
    const help = run(['--help'], {});
    expect(help.status).toBe(0);
    for (const name of [
      'SWARM_NAME',
      'POD_NAME',
      'BOTS_PER_POD',
      'POSTS_PER_HOUR',
      'LIKES_PER_HOUR',
      'TAG_POOL',
      'JITTER_PERCENT',
      'SEED',
      'TARGET_URL',
      'METRICS_PORT',
      'BOT_PASSWORD_SECRET',
    ])
      expect(help.stdout).toContain(name);
    const unknown = run(['--bots', '3'], {});
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("unknown option '--bots'");
  });
});
