// The answers to requests that never become requests the app handles, in the one error shape where
// Node's and Fastify's defaults send shapes of their own or no body at all: what Node's HTTP parser
// refuses (headers too large, a malformed request line or header), what the router refuses before any
// hook runs (a path parameter over the length limit, a malformed %-escape), and an HTTP/1.1 request
// without Host, which Node would answer with an empty 400 itself.
import { maxHeaderSize, type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type {
  FastifyError,
  FastifyHttpOptions,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from './plugins/errors.ts';

/** The longest path parameter the router accepts (find-my-way's default), named so messages can say it. */
export const MAX_PARAM_LENGTH = 100;

/** How long a refused connection keeps reading (and discarding) what the client still sends. */
const LINGER_MS = 2_000;

const parserErrors: Record<string, [status: number, code: string, message: string]> = {
  // Node counts the request line with the headers, so an overlong URL lands here too.
  HPE_HEADER_OVERFLOW: [
    431,
    'HEADERS_TOO_LARGE',
    `The request line and headers are larger than ${maxHeaderSize} bytes`,
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'BODY_TOO_LARGE', 'The chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request was not received in time'],
};

type ClientSocket = Socket & { _httpMessage?: { headersSent: boolean } | null };

function clientErrorHandler(error: NodeJS.ErrnoException, socket: ClientSocket): void {
  // A reset peer, or a connection already answered and closing: nothing to say.
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  // As Node does: never write into the middle of a response already under way on this connection.
  if (socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = parserErrors[error.code ?? ''] ?? [
    400,
    'BAD_REQUEST',
    'The request is not valid HTTP/1.1',
  ];
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Closing at once with the client's bytes still unread would send a reset, which can destroy the answer
  // before the client reads it; the rest of what it sends is read and dropped for a moment first.
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(linger));
}

function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    // A 400 like any parameter its schema refuses (none allows more than 30 characters), which every
    // operation with a path parameter documents.
    reply
      .code(400)
      .send(errorBody('VALIDATION_FAILED', `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`));
  } else if (error.code === 'FST_ERR_BAD_URL') {
    reply.code(400).send(errorBody('BAD_URL', 'The path has a malformed %-escape'));
  } else {
    // FST_ERR_ASYNC_CONSTRAINT, for a route constraint that failed: no route has one.
    reply.code(500).send(errorBody('INTERNAL', 'Something went wrong on our side'));
  }
}

/** Fastify's server options for the answers above. */
export const clientErrorOptions = {
  clientErrorHandler,
  frameworkErrors,
  // Answered by hostRequired below, in the one shape, rather than by Node with an empty body.
  http: { requireHostHeader: false },
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
} satisfies FastifyHttpOptions<Server>;

/** HTTP/1.1 requires Host (RFC 9112); without it a request is refused, as Node itself would. */
export const hostRequired = fp(
  async function hostRequired(app: FastifyInstance) {
    app.addHook('onRequest', async (request, reply) => {
      if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
        return reply.code(400).send(errorBody('BAD_REQUEST', 'An HTTP/1.1 request needs a Host header'));
      }
    });
  },
  { name: 'host-required' },
);
