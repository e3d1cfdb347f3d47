// One error shape for every failure: {error: {code, message, details?}}. No stack trace reaches a client.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../domain/api-error.ts';
import { isDatabaseUnavailable } from '../domain/database-errors.ts';
import { validationMessage } from '../validation-messages.ts';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const fieldOf = (issue: AjvIssue, context: string | undefined): string => {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const child = issue.params.missingProperty ?? issue.params.additionalProperty;
  const field = [path, child].filter((part) => part !== undefined && part !== '').join('.');
  return field || context || 'request';
};

/**
 * A value refused by every branch of a union (`string | null`) gets each branch's issue and then anyOf's
 * own; a person is told the first branch's: not "must be null", nor "must match a schema in anyOf".
 */
const withoutAlternatives = (issues: AjvIssue[]): AjvIssue[] => {
  const unions = new Set(
    issues.filter((issue) => issue.keyword === 'anyOf').map((issue) => issue.instancePath),
  );
  return issues.filter(
    (issue) =>
      !unions.has(issue.instancePath) ||
      (issue.keyword !== 'anyOf' && !(issue.keyword === 'type' && issue.params.type === 'null')),
  );
};

export function errorBody(code: string, message: string, details?: { field: string; message: string }[]) {
  return { error: details ? { code, message, details } : { code, message } };
}

export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.validation) {
        const details = withoutAlternatives(error.validation as AjvIssue[]).map((issue) => ({
          field: fieldOf(issue, error.validationContext),
          message: validationMessage(issue),
        }));
        const first = details[0];
        return reply
          .code(400)
          .send(
            errorBody(
              'VALIDATION_FAILED',
              first ? `${first.field} ${first.message}` : 'invalid request',
              details,
            ),
          );
      }
      if (error instanceof ApiError) {
        return reply.code(error.status).send(errorBody(error.code, error.message, error.details));
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, 'database unavailable');
        return reply
          .code(503)
          .header('retry-after', '1')
          .send(errorBody('UNAVAILABLE', 'The service is temporarily unavailable, retry shortly'));
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        // Fastify's own client errors: malformed JSON, body too large, bad content type, rate limits...
        const code = error.code?.replace(/^FST_ERR_(CTP_)?/, '') ?? 'BAD_REQUEST';
        const message =
          status === 415
            ? `Unsupported media type ${JSON.stringify(request.headers['content-type'] ?? '')}: send application/json`
            : error.message;
        return reply.code(status).send(errorBody(code, message));
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send(errorBody('INTERNAL', 'Something went wrong on our side'));
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      const allowed = app.hasDecorator('allowedMethods') ? app.allowedMethods(path) : [];
      if (allowed.length > 0)
        return reply
          .code(405)
          .header('allow', allowed.join(', '))
          .send(
            errorBody(
              'METHOD_NOT_ALLOWED',
              `${request.method} is not allowed on ${path}: use ${allowed.join(', ')}`,
            ),
          );
      return reply.code(404).send(errorBody('NOT_FOUND', `No route for ${request.method} ${path}`));
    });
  },
  { name: 'errors' },
);
