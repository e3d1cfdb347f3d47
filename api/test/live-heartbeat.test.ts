// Heartbeats: a peer that stops answering pings is dropped; one that answers stays.

import { connectLive } from '@flock/testkit/live-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { signUp } from './helpers/users.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp({ env: { LIVE_HEARTBEAT_MS: '200' } });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await t?.close();
});

describe('live heartbeats', () => {
  it('drops a dead peer and keeps a live one', async () => {
    const user = await signUp(t.app);
    const [dead, alive] = [await connectLive(base, user.token), await connectLive(base, user.token)];
    // A dead peer: its socket no longer reads, so it never sees a ping nor answers with a pong.
    (dead.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const connections = () => [...t.app.liveFeed.hub.connections];
    const deadline = Date.now() + 5_000;
    while (connections().length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(connections()).toHaveLength(1);
    // The one left is the live client's: the server side's remote port is its local port.
    const port = (socket: unknown) =>
      (socket as { _socket: { remotePort?: number; localPort?: number } })._socket;
    expect(port(connections()[0]!.socket).remotePort).toBe(port(alive.socket).localPort);
    // The live one still works after several heartbeats.
    await alive.subscribe('public');
    expect(alive.closeCode).toBeUndefined();
    await alive.close();
    dead.socket.terminate();
  });
});
