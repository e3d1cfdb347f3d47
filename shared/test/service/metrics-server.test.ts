// The metrics server over a real socket: /metrics from the registry, /healthz, and nothing else.
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsServer, type MetricsServer } from '../../src/service/metrics-server.ts';

const registry = new Registry();
new Counter({ name: 'test_things_total', help: 'Things counted', registers: [registry] }).inc(3);

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createMetricsServer', () => {
  it('serves the registry at /metrics and its health at /healthz, on the port it was given', async () => {
    server = createMetricsServer(registry, { health: () => ({ bots: 4 }) });
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const metrics = await fetch(`${url}/metrics?fresh=1`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe(registry.contentType);
    expect(await metrics.text()).toContain('test_things_total 3');

    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', bots: 4 });
  });

  it('answers 404 elsewhere and 405 to anything but GET and HEAD', async () => {
    server = createMetricsServer(registry);
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    const missing = await fetch(`${url}/nothing`);
    expect([missing.status, await missing.text()]).toEqual([404, 'not found\n']);
    const posted = await fetch(`${url}/metrics`, { method: 'POST' });
    expect([posted.status, posted.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const head = await fetch(`${url}/healthz`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('answers without a socket too, the same way', async () => {
    server = createMetricsServer(registry);
    const health = await server.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
    expect((await server.inject('/metrics')).body).toContain('# HELP test_things_total Things counted');
  });

  it('brackets an IPv6 address in its URL, and refuses a port already taken', async () => {
    server = createMetricsServer(registry);
    const url = await server.listen({ host: '::1', port: 0 });
    expect(url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const port = Number(new URL(url).port);
    await expect(createMetricsServer(registry).listen({ host: '::1', port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('closes with a keep-alive connection open, and closing twice is harmless', async () => {
    server = createMetricsServer(registry);
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    await fetch(`${url}/healthz`);
    await server.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await server.close();
  });
});
