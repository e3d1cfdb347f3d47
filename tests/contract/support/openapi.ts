// The OpenAPI document the API serves, read as a client reads it: its operations, and a validator for
// every documented response body.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under Node's ESM loader its function is the default export's default.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  default?: unknown;
};

export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  summary: string;
  secured: boolean;
  parameters: Parameter[];
  body?: Schema;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  statuses: number[];
}

export interface Document {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}

export const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export class Api {
  readonly document: Document;
  readonly operations: Operation[];
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(document: Document) {
    // ajv-formats is CommonJS: under Node's ESM loader its function is the module's `default`.
    addFormats.default(this.#ajv);
    this.document = document;
    this.operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => (METHODS as readonly string[]).includes(method))
        .map(([method, raw]) => {
          const op = raw as {
            summary?: string;
            security?: unknown[];
            parameters?: Parameter[];
            requestBody?: { content: Record<string, { schema: Schema }> };
            responses: Operation['responses'];
          };
          return {
            method: method.toUpperCase(),
            path,
            summary: op.summary ?? '',
            // `{}` among the requirements makes the token optional (OpenAPI 3.1, Security Requirement).
            secured:
              (op.security?.length ?? 0) > 0 &&
              !op.security!.some((requirement) => Object.keys(requirement as object).length === 0),
            parameters: op.parameters ?? [],
            body: op.requestBody?.content['application/json']?.schema,
            responses: op.responses,
            statuses: Object.keys(op.responses).map(Number),
          };
        }),
    );
  }

  static async load(base: string): Promise<Api> {
    const response = await fetch(`${base}/api/docs/json`);
    if (response.status !== 200) throw new Error(`GET /api/docs/json answered ${response.status}`);
    return new Api((await response.json()) as Document);
  }

  find(method: string, path: string): Operation | undefined {
    return this.operations.find((op) => op.method === method.toUpperCase() && op.path === path);
  }

  /** The operation a concrete path is an instance of (`/api/messages/12` → `/api/messages/{id}`). */
  match(method: string, concretePath: string): Operation | undefined {
    const path = concretePath.split('?')[0]!;
    return this.operations.find(
      (op) =>
        op.method === method.toUpperCase() &&
        new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
    );
  }

  responseSchema(op: Operation, status: number): Schema | undefined {
    return op.responses[String(status)]?.content?.['application/json']?.schema;
  }

  /** Ajv's complaints about `body` against the documented response, or undefined when it fits. */
  check(op: Operation, status: number, body: unknown): string | undefined {
    const schema = this.responseSchema(op, status);
    if (!schema) return undefined;
    const key = `${op.method} ${op.path} ${status}`;
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = this.#ajv.compile(schema);
      this.#validators.set(key, validate);
    }
    return validate(body) ? undefined : this.#ajv.errorsText(validate.errors);
  }

  validator(schema: Schema): ValidateFunction {
    return this.#ajv.compile(schema);
  }
}
