// The operator's configuration reader, from environment variables against a TypeBox schema (env-schema:
// defaults, strings coerced to numbers and booleans), every problem named at once. The API and the bot
// agent read theirs with ./service/config.ts; the operator moves to it too, and then this goes.
import { envSchema } from 'env-schema';
import type { TObject } from 'typebox';
import { ConfigError } from './service/config.ts';

export { ConfigError };

/** The environment as the schema's type, or a ConfigError naming each bad or missing variable. */
export function parseEnv<T>(schema: TObject, env: NodeJS.ProcessEnv): T {
  try {
    return envSchema<T>({
      schema,
      data: env,
      dotenv: false,
      ajv: {
        customOptions: (ajv) => {
          ajv.opts.allErrors = true;
          return ajv;
        },
      },
    });
  } catch (error) {
    throw new ConfigError(formatEnvErrors(error));
  }
}

function formatEnvErrors(error: unknown): string {
  const errors = (
    error as { errors?: { instancePath: string; params: Record<string, unknown>; message?: string }[] }
  ).errors;
  if (!errors) return String(error);
  return errors
    .map((e) => {
      const name = e.instancePath.replace(/^\//, '') || String(e.params.missingProperty ?? 'environment');
      return `${name}: ${e.message ?? 'is invalid'}`;
    })
    .join('\n');
}
