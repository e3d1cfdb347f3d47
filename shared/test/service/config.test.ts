// The configuration reader by example: values from strings, defaults, lists, flags over variables, and
// every bad setting named in one error.
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultText, flagName, readConfig } from '../../src/service/config.ts';

const Schema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  RATIO: Type.Number({ exclusiveMinimum: 0, default: 0.5 }),
  VERBOSE: Type.Boolean({ default: false }),
  MODE: Type.Union([Type.Literal('fast'), Type.Literal('safe')], { default: 'safe' }),
  ORIGINS: Type.Array(Type.String({ pattern: '^https?://' }), { default: [], maxItems: 3 }),
  NAME: Type.String({ minLength: 2, default: 'flock' }),
  URL: Type.Optional(Type.String({ pattern: '^postgres://', expected: 'a postgres:// URL' })),
  TOKEN: Type.String({ minLength: 1 }),
  SECRET: Type.Optional(Type.String({ flag: false })),
});

const problemsOf = (read: () => unknown): string[] => {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
};

describe('readConfig', () => {
  it('fills in every default, leaving an optional setting without one unset', () => {
    expect(readConfig(Schema, { env: { TOKEN: 't' } })).toEqual({
      PORT: 3000,
      RATIO: 0.5,
      VERBOSE: false,
      MODE: 'safe',
      ORIGINS: [],
      NAME: 'flock',
      TOKEN: 't',
    });
  });

  it('reads numbers, booleans, choices and comma-separated lists from their strings', () => {
    const config = readConfig(Schema, {
      env: {
        PORT: '8080',
        RATIO: '0.25',
        VERBOSE: 'true',
        MODE: 'fast',
        ORIGINS: ' https://a.example, ,http://b.example ',
        URL: 'postgres://db/flock',
        TOKEN: 't',
      },
    });
    expect(config).toEqual({
      PORT: 8080,
      RATIO: 0.25,
      VERBOSE: true,
      MODE: 'fast',
      ORIGINS: ['https://a.example', 'http://b.example'],
      NAME: 'flock',
      URL: 'postgres://db/flock',
      TOKEN: 't',
    });
  });

  it('counts an empty variable as unset', () => {
    const config = readConfig(Schema, { env: { PORT: '', NAME: '', TOKEN: 't' } });
    expect([config.PORT, config.NAME]).toEqual([3000, 'flock']);
  });

  it('takes a flag over the variable of the same setting, and never a flag for an environment-only one', () => {
    const config = readConfig(Schema, {
      env: { PORT: '1', TOKEN: 'from-env', SECRET: 'env-secret' },
      flags: { PORT: '2', TOKEN: undefined, SECRET: 'flag-secret' },
    });
    expect([config.PORT, config.TOKEN, config.SECRET]).toEqual([2, 'from-env', 'env-secret']);
  });

  it('refuses every bad setting in one error, a line each naming it, what it must be and what it got', () => {
    const problems = problemsOf(() =>
      readConfig(Schema, {
        env: {
          PORT: '1.5',
          RATIO: '0',
          VERBOSE: 'yes',
          MODE: 'slow',
          ORIGINS: 'https://a.example,ftp://b.example',
          NAME: 'x',
          URL: 'mysql://db',
        },
        flags: { PORT: '0x10' },
      }),
    );
    expect(problems).toEqual([
      '--port: must be an integer from 0 to 65535 (got "0x10")',
      'RATIO: must be a number above 0 (got "0")',
      'VERBOSE: must be true or false (got "yes")',
      'MODE: must be one of fast, safe (got "slow")',
      'ORIGINS: must be a comma-separated list of at most 3 items, each a string matching ^https?:// (got "https://a.example,ftp://b.example")',
      'NAME: must be a string of at least 2 characters (got "x")',
      'URL: must be a postgres:// URL (got "mysql://db")',
      'TOKEN is required: a non-empty string',
    ]);
  });

  it('refuses what a lax conversion would have read as a number', () => {
    for (const raw of ['1.5', '1e3', ' ', 'ten'])
      expect(problemsOf(() => readConfig(Schema, { env: { PORT: raw, TOKEN: 't' } }))).toHaveLength(1);
  });

  it('joins the problems as the error message', () => {
    expect(() => readConfig(Schema, { env: { PORT: 'x' } })).toThrow(
      'PORT: must be an integer from 0 to 65535 (got "x")\nTOKEN is required',
    );
  });
});

describe('flag names and defaults as written', () => {
  it('turns a variable name into its flag', () => {
    expect(flagName('BOTS_PER_POD')).toBe('bots-per-pod');
  });

  it('writes a default as a variable would hold it', () => {
    expect(defaultText(Type.Array(Type.String(), { default: ['a', 'b'] }))).toBe('a,b');
    expect(defaultText(Schema.properties.PORT)).toBe('3000');
    expect(defaultText(Schema.properties.TOKEN)).toBe('');
  });
});
