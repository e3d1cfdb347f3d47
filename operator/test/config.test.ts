// The operator's configuration, as its README documents it: defaults, values from the environment,
// and a clear refusal (exit 2) of anything else.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      WATCH_NAMESPACE: '',
      HOST: '0.0.0.0',
      PORT: 8080,
      WORKERS: 4,
      RESYNC_SECONDS: 600,
      LEADER_ELECT: true,
      LEASE_NAME: 'flock-operator',
      LEASE_DURATION_SECONDS: 15,
      RENEW_DEADLINE_SECONDS: 10,
      RETRY_PERIOD_SECONDS: 2,
      MONITORING_RETRY_SECONDS: 60,
      LOG_LEVEL: 'info',
    });
  });

  it('reads numbers and booleans from their strings', () => {
    const config = loadConfig({ WORKERS: '16', RETRY_PERIOD_SECONDS: '0.5', LEADER_ELECT: 'false' });
    expect(config).toMatchObject({ WORKERS: 16, RETRY_PERIOD_SECONDS: 0.5, LEADER_ELECT: false });
  });

  it('names every bad value at once', () => {
    const refuse = () => loadConfig({ WORKERS: '0', PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(refuse).toThrow(ConfigError);
    expect(refuse).toThrow(/WORKERS: must be >= 1/);
    expect(refuse).toThrow(/PORT: must be integer/);
    expect(refuse).toThrow(/LOG_LEVEL: /);
  });

  it('refuses election timings that would let two leaders overlap', () => {
    expect(() => loadConfig({ LEASE_DURATION_SECONDS: '5', RENEW_DEADLINE_SECONDS: '5' })).toThrow(
      'RENEW_DEADLINE_SECONDS must be less than LEASE_DURATION_SECONDS',
    );
    expect(() => loadConfig({ RENEW_DEADLINE_SECONDS: '2', RETRY_PERIOD_SECONDS: '2' })).toThrow(
      'RETRY_PERIOD_SECONDS × 1.2 must be less than RENEW_DEADLINE_SECONDS',
    );
  });

  it('the operator exits with 2 and says why', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, [main], {
      env: { ...process.env, WORKERS: 'many' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('invalid configuration:\nWORKERS: must be integer\n');
  });
});
