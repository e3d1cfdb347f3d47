// The API and the bot agent are written in one service style: configuration read once, in each one's
// config module, through @flock/shared/service (one TypeBox schema, one ConfigError); logs through its
// pino logger; /metrics through its metrics server; and one ApiError, with the HTTP status as `status`
// like the web app's. A second way of doing any of these fails here with its file and line.
import { describe, expect, it } from 'vitest';
import { type SourceLine, sourceLines } from './source-files.ts';

const SERVICES = ['api/src', 'bot-agent/src'];
const CONFIG_MODULES = ['api/src/config.ts', 'bot-agent/src/config.ts'];
/** Where each error class is defined, the one place. */
const ERROR_HOMES: Record<string, string[]> = {
  ApiError: ['api/src/domain/api-error.ts', 'web/src/api.ts', 'operator/src/kube.ts'],
  ConfigError: ['shared/src/service/config.ts'],
};

const fileOf = (line: SourceLine) => line.where.replace(/:\d+$/, '');
// Comments may name what they explain.
const isCode = (line: SourceLine) => !/^\s*(\/\/|\/?\*)/.test(line.text);
const code = (folders: string[]) => folders.flatMap((folder) => sourceLines(folder)).filter(isCode);
const offending = (lines: SourceLine[], rule: RegExp, allowed: string[] = []) =>
  lines
    .filter((line) => rule.test(line.text) && !allowed.includes(fileOf(line)))
    .map((line) => `${line.where}: ${line.text.trim()}`);

describe('the api and the bot agent', () => {
  const lines = code(SERVICES);

  it('read process.env in their config module only', () => {
    expect(offending(lines, /\bprocess\.env\b/, CONFIG_MODULES)).toEqual([]);
  });

  it('read their configuration through the shared reader', () => {
    for (const module of CONFIG_MODULES) {
      const uses = lines.filter((line) => fileOf(line) === module && /\breadConfig\(/.test(line.text));
      expect(uses.length, module).toBeGreaterThan(0);
    }
    expect(offending(lines, /from ['"](env-schema|@flock\/shared\/env)['"]/)).toEqual([]);
  });

  it('log through the shared pino logger, never JSON of their own on stdout', () => {
    expect(
      offending(lines, /process\.stdout\.write\s*\(|console\.\w+\s*\(\s*JSON\.stringify|from ['"]pino['"]/),
    ).toEqual([]);
  });

  it('serve metrics through the shared metrics server, never an HTTP server of their own', () => {
    expect(offending(lines, /\bcreateServer\s*\(/)).toEqual([]);
  });
});

describe('error classes', () => {
  const lines = code([...SERVICES, 'shared/src', 'web/src', 'operator/src']);

  it('ApiError and ConfigError are each defined in their one home', () => {
    for (const [name, homes] of Object.entries(ERROR_HOMES))
      expect(offending(lines, new RegExp(`class\\s+${name}\\b`), homes), name).toEqual([]);
  });

  it("the api's ApiError names the HTTP status `status`, as the web app's does", () => {
    for (const home of ['api/src/domain/api-error.ts', 'web/src/api.ts']) {
      const file = lines.filter((line) => fileOf(line) === home);
      expect(
        file.some((line) => /readonly status: number/.test(line.text)),
        home,
      ).toBe(true);
      expect(offending(file, /statusCode/), home).toEqual([]);
    }
  });
});
