// Requests the app never gets to handle — refused by Node's HTTP parser or by the router — answered by a
// real API process in the one error shape, over a raw socket, since no HTTP client sends them.

import { connect } from 'node:net';
import { type ApiProcess, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let database: TestDatabase;
let api: ApiProcess;
let port = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startApiProcess({
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
  });
  port = Number(new URL(api.url).port);
});

afterAll(async () => {
  if (api) {
    api.child.kill('SIGTERM');
    await api.exited;
  }
  await database?.drop();
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `request` as it is and reads the answer until the server closes the connection (each does). */
function send(request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 10 s; got ${Buffer.concat(chunks).toString().slice(0, 300)}`));
    }, 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString();
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
    // Not half-closed: Node's server may close a connection whose client stopped sending before answering it.
    socket.write(request);
  });
}

function expectError(response: RawResponse, status: number, code: string) {
  expect(response.status, response.body).toBe(status);
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
}

describe('requests refused before the app handles them', () => {
  it('headers over 16 KiB: 431 in the one shape (Node would have sent its own body)', async () => {
    const response = await send(
      `GET /api/tags/trending HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectError(response, 431, 'HEADERS_TOO_LARGE');
    expect(JSON.parse(response.body).error.message).toBe(
      'The request line and headers are larger than 16384 bytes',
    );
  });

  it('a 20,000-character path and a 100 KB query: 431 as well, the request line counting with the headers', async () => {
    expectError(
      await send(`GET /api/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
      431,
      'HEADERS_TOO_LARGE',
    );
    // The client is still sending when the answer goes out: it must be read in full, never a reset.
    expectError(
      await send(`GET /api/messages?tag=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
      431,
      'HEADERS_TOO_LARGE',
    );
  });

  it('a path parameter over 100 characters: 400, like any parameter its schema refuses', async () => {
    const response = await send(
      `GET /api/users/${'a'.repeat(101)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(JSON.parse(response.body).error.message).toBe('A path parameter is longer than 100 characters');
  });

  it('a malformed %-escape in a path parameter: 400', async () => {
    expectError(
      await send('GET /api/users/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
      400,
      'BAD_URL',
    );
  });

  it('a garbage request line, a malformed header, a bad Content-Length, an unknown HTTP version: 400', async () => {
    for (const request of [
      'this is not http\r\n\r\n',
      'GET /api/tags/trending HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n',
      'POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n',
      'GET /api/tags/trending HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
    ]) {
      expectError(await send(request), 400, 'BAD_REQUEST');
    }
  });

  it('HTTP/1.1 without Host: 400 in the one shape (Node would have sent an empty body); HTTP/1.0 may omit it', async () => {
    const response = await send('GET /api/tags/trending HTTP/1.1\r\nConnection: close\r\n\r\n');
    expectError(response, 400, 'BAD_REQUEST');
    expect(JSON.parse(response.body).error.message).toBe('An HTTP/1.1 request needs a Host header');
    const old = await send('GET /api/tags/trending HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
    expect(JSON.parse(old.body)).toEqual([]);
  });

  it('keeps serving afterwards', async () => {
    const response = await fetch(`${api.url}/api/tags/trending`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });
});
