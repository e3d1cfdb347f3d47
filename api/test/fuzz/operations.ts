// The operations of the served OpenAPI document, flattened to what a request generator needs: a route
// added to the API is fuzzed without being listed anywhere.
import type { Schema } from './schema-arbitrary.ts';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

interface MediaTypes {
  content?: Record<string, { schema: Schema }>;
}

interface DocumentedOperation {
  parameters?: Parameter[];
  requestBody?: MediaTypes & { required?: boolean };
  responses: Record<string, MediaTypes>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentedOperation | Parameter[]>>;
  security?: Record<string, string[]>[];
}

/** Whether the operation reads a bearer token: not at all, if one is sent, or always. */
export type TokenUse = 'none' | 'optional' | 'required';

export interface Operation {
  method: string;
  /** The path template, e.g. /api/messages/{id}. */
  path: string;
  name: string;
  parameters: Parameter[];
  body?: Schema;
  bodyRequired: boolean;
  responses: Record<string, MediaTypes>;
  tokenUse: TokenUse;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function tokenUse(security: Record<string, string[]>[] | undefined): TokenUse {
  if (!security || security.length === 0) return 'none';
  return security.some((requirement) => Object.keys(requirement).length === 0) ? 'optional' : 'required';
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => {
    const shared = (item.parameters ?? []) as Parameter[];
    return Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, raw]) => {
        const operation = raw as DocumentedOperation;
        return {
          method: method.toUpperCase(),
          path,
          name: `${method.toUpperCase()} ${path}`,
          parameters: [...shared, ...(operation.parameters ?? [])],
          body: operation.requestBody?.content?.['application/json']?.schema,
          bodyRequired: operation.requestBody?.required ?? false,
          responses: operation.responses,
          tokenUse: tokenUse(operation.security ?? doc.security),
        };
      });
  });
}

/** The documented JSON schema of a response, if any. */
export const responseSchema = (operation: Operation, status: number): Schema | undefined =>
  operation.responses[String(status)]?.content?.['application/json']?.schema;
