// What the HTTP layer answers whatever the route: unknown paths and methods, bodies that are not JSON or
// too large, oversized headers and URLs, the security headers, health and readiness.
import { request as httpRequest } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from './support/cluster.ts';
import { Client, expectError, send } from './support/http.ts';
import { Api, METHODS } from './support/openapi.ts';
import { register } from './support/users.ts';

const cluster = await startCluster([{}, { TRUSTED_PROXIES: '127.0.0.1' }, { SHUTDOWN_DELAY_MS: '3000' }]);
afterAll(() => cluster.stop());
const [direct, proxied, draining] = cluster.replicas as [
  (typeof cluster.replicas)[0],
  (typeof cluster.replicas)[0],
  (typeof cluster.replicas)[0],
];
const api = await Api.load(direct.base);
const client = new Client(direct.base, api);

/** A raw request, for what fetch would refuse to send or hide. */
function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const port = Number(new URL(direct.base).port);
const shape = (body: string) => {
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  return typeof parsed.error?.code === 'string' && typeof parsed.error.message === 'string';
};

describe('unknown paths and methods', () => {
  it('answers an unknown path under /api with 404 in the one shape, whatever the method', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['POST', '/api/nope'],
      ['GET', '/api/messages/1/nope'],
      ['DELETE', '/api/users'],
      ['GET', '/api'],
    ] as const) {
      const reply = await client.request(method, path);
      expectError(reply, 404, `${method} ${path}`);
    }
  });

  it('answers a documented path asked with another method with 405 and an Allow header listing the documented methods', async () => {
    const failures: string[] = [];
    for (const [template, item] of Object.entries(api.document.paths)) {
      const documented = Object.keys(item)
        .filter((m) => (METHODS as readonly string[]).includes(m))
        .map((m) => m.toUpperCase());
      const path = template.replace('{id}', '1').replace('{username}', 'someone');
      for (const method of METHODS.map((m) => m.toUpperCase()).filter((m) => !documented.includes(m))) {
        const reply = await send(direct.base, method, path, {});
        const allow = (reply.headers.get('allow') ?? '')
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean);
        const listed = allow.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').sort();
        if (reply.status !== 405) failures.push(`${method} ${path} → ${reply.status}, not 405`);
        else if (JSON.stringify(listed) !== JSON.stringify([...documented].sort()))
          failures.push(
            `${method} ${path}: Allow "${allow.join(', ')}" ≠ documented ${documented.join(', ')}`,
          );
        else expectError(reply, 405, `${method} ${path}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('bodies', () => {
  it('answers a body that is not JSON with 415 in the one shape', async () => {
    for (const contentType of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const reply = await client.request('POST', '/api/auth/login', {
        raw: 'login=a&password=b',
        contentType,
      });
      expectError(reply, 415, contentType);
    }
  });

  it('answers malformed JSON with 400 in the one shape', async () => {
    for (const text of [
      '{',
      '{"login": "a", "password": }',
      "{'login': 'a'}",
      'undefined',
      '{"login":"a"}x',
    ]) {
      const reply = await client.request('POST', '/api/auth/login', { raw: text });
      expectError(reply, 400, text);
    }
  });

  it('takes a body of exactly BODY_LIMIT_BYTES (16384) and answers one byte more with 413 in the one shape', async () => {
    const account = await register(client, 'fw');
    const at = (size: number) => {
      const skeleton = JSON.stringify({ content: '' });
      return JSON.stringify({ content: 'x'.repeat(size - skeleton.length) });
    };
    const fits = await client.request('POST', '/api/messages', { token: account.token, raw: at(16_384) });
    // Within the limit, the body is read and judged: too long a content (400), not too large a body.
    expectError(fits, 400, '16384 bytes');
    const over = await client.request('POST', '/api/messages', { token: account.token, raw: at(16_385) });
    expectError(over, 413, '16385 bytes');
  });
});

describe('oversized requests', () => {
  it('answers headers over the server limit with 431 in the one shape', async () => {
    const reply = await raw(port, '/api/messages', { 'x-padding': 'a'.repeat(20_000) });
    expect(reply.status).toBe(431);
    expect(shape(reply.body), `431 body: ${reply.body}`).toBe(true);
  });

  it('answers an overlong URL (20 000 characters) with a 4xx in the one shape', async () => {
    const reply = await raw(port, `/api/messages?tag=${'a'.repeat(20_000)}`, {});
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(shape(reply.body), `${reply.status} body: ${reply.body}`).toBe(true);
  });

  it('answers a long URL within the header limit (8 000 characters) with a 400 naming the parameter', async () => {
    const reply = await client.get(`/api/messages?tag=${'a'.repeat(8_000)}`);
    expectError(reply, 400);
    expect(JSON.stringify(reply.json.error.details)).toContain('tag');
  });
});

describe('headers on every response (docs/security.md, Headers)', () => {
  it("carries helmet's headers and the strict CSP on successes and errors alike, and no x-powered-by", async () => {
    const account = await register(client, 'hd');
    const replies = [
      await send(direct.base, 'GET', '/api/messages', {}),
      await send(direct.base, 'GET', '/api/users/me', { token: account.token }),
      await send(direct.base, 'GET', '/api/nope', {}),
      await send(direct.base, 'GET', '/api/messages?limit=0', {}),
      await send(direct.base, 'GET', '/api/users/me', {}),
      await send(direct.base, 'PATCH', '/api/messages', {}),
      await send(direct.base, 'POST', '/api/auth/login', { raw: 'x', contentType: 'text/plain' }),
      await send(direct.base, 'GET', '/healthz', {}),
    ];
    for (const reply of replies) {
      const label = `${reply.status} ${reply.text.slice(0, 80)}`;
      expect(reply.headers.get('x-content-type-options'), label).toBe('nosniff');
      expect(reply.headers.get('x-frame-options'), label).toBe('SAMEORIGIN');
      expect(reply.headers.get('referrer-policy'), label).toBe('no-referrer');
      expect(reply.headers.get('cross-origin-opener-policy'), label).toBeTruthy();
      expect(reply.headers.get('x-powered-by'), label).toBeNull();
      const csp = (reply.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim());
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
      ])
        expect(csp, label).toContain(directive);
      expect(csp.join(';'), label).not.toContain('unsafe-eval');
      expect(reply.headers.get('strict-transport-security'), `${label}: HSTS over plain http`).toBeNull();
      expect(csp, label).not.toContain('upgrade-insecure-requests');
    }
  });

  it('sends HSTS only when a trusted proxy says the request came over https', async () => {
    const headers = { 'x-forwarded-proto': 'https' };
    const trusted = await send(proxied.base, 'GET', '/api/messages', { headers });
    expect(trusted.headers.get('strict-transport-security')).toBeTruthy();
    const untrusted = await send(direct.base, 'GET', '/api/messages', { headers });
    expect(untrusted.headers.get('strict-transport-security')).toBeNull();
  });

  it('answers no foreign origin with CORS headers (CORS_ORIGINS empty)', async () => {
    const reply = await send(direct.base, 'GET', '/api/messages', {
      headers: { origin: 'http://elsewhere.example' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await send(direct.base, 'OPTIONS', '/api/messages', {
      headers: { origin: 'http://elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('does not serve /metrics on the public port', async () => {
    const reply = await send(direct.base, 'GET', '/metrics', {});
    expect(reply.status).toBe(404);
    expect(reply.text).not.toContain('flock_http_request_duration_seconds');
  });
});

describe('health and readiness', () => {
  it('answers /healthz and /readyz with 200 on every replica', async () => {
    for (const replica of cluster.replicas) {
      expect((await send(replica.base, 'GET', '/healthz', {})).status).toBe(200);
      expect((await send(replica.base, 'GET', '/readyz', {})).status).toBe(200);
    }
  });

  it('after SIGTERM, fails readiness while still alive and serving for SHUTDOWN_DELAY_MS, then exits cleanly', async () => {
    draining.process.child.kill('SIGTERM');
    let ready = await send(draining.base, 'GET', '/readyz', {});
    for (let i = 0; i < 50 && ready.status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ready = await send(draining.base, 'GET', '/readyz', {});
    }
    expect(ready.status).toBe(503);
    expect((await send(draining.base, 'GET', '/healthz', {})).status).toBe(200);
    expect((await send(draining.base, 'GET', '/api/messages', {})).status).toBe(200);
    const exit = await draining.process.exited;
    expect(exit.code).toBe(0);
  });
});
