import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const messageOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('configuration', () => {
  it('defaults to the embedded database with a development secret', () => {
    const config = loadConfig({});
    expect(config.embedded).toBe(true);
    expect(config.PORT).toBe(3000);
    expect(config.METRICS_PORT).toBe(9091);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('names every bad variable on a line of its own', () => {
    const message = messageOf({
      PORT: 'eighty',
      DB_POOL_MAX: '0',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
    });
    const lines = message.split('\n');
    for (const name of ['PORT', 'DB_POOL_MAX', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(lines.some((line) => line.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('has no JWT secret default outside the embedded mode', () => {
    expect(messageOf({ DATABASE_URL: 'postgresql://localhost/flock' })).toMatch(/^JWT_SECRET is required/);
    expect(messageOf({ DATABASE_URL: 'postgresql://localhost/flock', JWT_SECRET: 'short' })).toMatch(
      /^JWT_SECRET:/,
    );
    expect(messageOf({ NODE_ENV: 'production' })).toMatch(/DATABASE_URL is required/);
  });

  it('parses lists and numbers', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/flock',
      JWT_SECRET: 'x'.repeat(32),
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DB_POOL_MAX: '25',
    });
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.DB_POOL_MAX).toBe(25);
    expect(config.embedded).toBe(false);
  });
});
