import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../src/tcp-proxy.ts';

const echo = createServer((socket) => socket.pipe(socket));
let proxy: TcpProxy;

beforeAll(async () => {
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
});
afterAll(async () => {
  await proxy.close();
  echo.close();
});

async function roundTrip(text: string): Promise<string> {
  const socket = connect(proxy.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(text);
  const [data] = await once(socket, 'data');
  socket.destroy();
  return String(data);
}

it('forwards to its target, refuses while stopped, and forwards again on the same port after start', async () => {
  expect(await roundTrip('before')).toBe('before');
  await proxy.stop();
  await expect(roundTrip('during')).rejects.toThrow(/ECONNREFUSED/);
  await proxy.start();
  expect(await roundTrip('after')).toBe('after');
});
