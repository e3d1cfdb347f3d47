// A service's configuration: one TypeBox object schema names every setting (its environment variable is
// the key), its type, default and description. Values come from the environment and, for a command-line
// tool, from flags read into the same keys (a flag wins); each is converted from its string, defaulted and
// checked once, and every bad one is reported in a single ConfigError.
import type { Static, TObject, TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** Schema options this reader understands besides JSON Schema's own. */
export interface SettingOptions {
  /** What a valid value is, in words, for the error message: "an http:// or https:// URL". */
  expected?: string;
  /** `false`: read from the environment only, never a flag (a secret on a command line is visible to
   * every user of the machine). */
  flag?: false;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** One line per bad setting, naming it. */
  readonly problems: string[];

  constructor(problems: string | string[]) {
    const lines = typeof problems === 'string' ? problems.split('\n') : problems;
    super(lines.join('\n'));
    this.problems = lines;
  }
}

export interface ConfigSources {
  env: Record<string, string | undefined>;
  /** Values given on the command line, by schema key. */
  flags?: Record<string, string | undefined>;
}

/** The command-line flag of a setting: SWARM_NAME is --swarm-name. */
export const flagName = (key: string) => key.toLowerCase().replaceAll('_', '-');

/**
 * Reads every setting of `schema`. An empty variable counts as unset (an orchestrator writes FOO="" for
 * "no value"). Throws a ConfigError with one line per bad or missing setting, naming its variable (or
 * flag, when the value came from one), what was expected and what was given.
 */
export function readConfig<T extends TObject>(schema: T, sources: ConfigSources): Static<T> {
  const required = new Set<string>(schema.required ?? []);
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const flag = (setting as Described).flag === false ? undefined : sources.flags?.[key];
    const fromEnv = sources.env[key];
    const raw = flag ?? (fromEnv === '' ? undefined : fromEnv);
    const source = flag !== undefined ? `--${flagName(key)}` : key;
    if (raw === undefined) {
      const fallback = Value.Default(setting, undefined);
      if (fallback !== undefined) config[key] = fallback;
      else if (required.has(key)) problems.push(`${source} is required: ${expected(setting)}`);
      continue;
    }
    const value = fromString(setting, raw);
    if (Value.Check(setting, value)) config[key] = value;
    else problems.push(`${source}: must be ${expected(setting)} (got ${JSON.stringify(raw)})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Static<T>;
}

type Described = TSchema & SettingOptions & Record<string, unknown>;

// Strict on purpose: typebox's Value.Convert would read "1.5" as the integer 1 and "" as 0.
function fromString(setting: TSchema, raw: string): unknown {
  const schema = setting as Described;
  switch (schema.type) {
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'array':
      return raw
        .split(',')
        .map((item) => fromString(schema.items as TSchema, item.trim()))
        .filter((item) => item !== '');
    default:
      return raw;
  }
}

/** What a valid value of `setting` is, in words, from its schema. */
export function expected(setting: TSchema): string {
  const schema = setting as Described;
  if (schema.expected) return schema.expected;
  if (Array.isArray(schema.anyOf)) {
    const values = (schema.anyOf as Described[]).map((option) => option.const);
    if (values.every((value) => value !== undefined)) return `one of ${values.join(', ')}`;
  }
  const { minimum: min, maximum: max } = schema as { minimum?: number; maximum?: number };
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const kind = schema.type === 'integer' ? 'an integer' : 'a number';
      if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
      if (min !== undefined) return `${kind} of at least ${min}`;
      if (schema.exclusiveMinimum !== undefined) return `${kind} above ${schema.exclusiveMinimum}`;
      return kind;
    }
    case 'boolean':
      return 'true or false';
    case 'array': {
      const most = schema.maxItems === undefined ? '' : ` of at most ${schema.maxItems} items`;
      return `a comma-separated list${most}, each ${expected(schema.items as TSchema)}`;
    }
    case 'string': {
      const { minLength, maxLength, pattern } = schema as {
        minLength?: number;
        maxLength?: number;
        pattern?: string;
      };
      const kind =
        minLength === 1 && maxLength === undefined
          ? 'a non-empty string'
          : `a string${length(minLength, maxLength)}`;
      return pattern === undefined ? kind : `${kind} matching ${pattern}`;
    }
    default:
      return 'valid';
  }
}

const length = (min: number | undefined, max: number | undefined) => {
  if (min !== undefined && max !== undefined) return ` of ${min} to ${max} characters`;
  if (min !== undefined) return ` of at least ${min} characters`;
  if (max !== undefined) return ` of at most ${max} characters`;
  return '';
};

/** A setting's default as written on a command line or in an environment file ('' when it has none). */
export function defaultText(setting: TSchema): string {
  const fallback = (setting as Described).default;
  if (fallback === undefined) return '';
  return Array.isArray(fallback) ? fallback.join(',') : String(fallback);
}
