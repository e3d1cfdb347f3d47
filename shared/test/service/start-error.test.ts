// A listen that fails for its port is one line naming the setting that chose the port.
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOn, StartError } from '../../src/service/start-error.ts';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen(port: number): Promise<Server> {
  const server = createServer();
  servers.push(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

describe('listenOn', () => {
  it('turns a port in use into a StartError naming the setting', async () => {
    const taken = (await listen(0)).address() as { port: number };
    const failure = await listenOn(listen(taken.port), taken.port, 'METRICS_PORT').catch((error) => error);
    expect(failure).toBeInstanceOf(StartError);
    expect(failure.message).toBe(
      `port ${taken.port} is in use (METRICS_PORT): set METRICS_PORT to another port`,
    );
  });

  it('resolves as the listen does, and passes any other failure through', async () => {
    const server = await listenOn(listen(0), 0, 'PORT');
    expect(server.listening).toBe(true);
    const other = new Error('something else');
    await expect(listenOn(Promise.reject(other), 3000, 'PORT')).rejects.toBe(other);
  });
});
