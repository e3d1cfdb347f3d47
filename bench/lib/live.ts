// Live-feed clients for fan-out measurements: connected with the API's own test helper, then stripped to a
// cheap listener (no JSON parse, no frame list) that times each marked message from post to receipt.
import { connectLive, type LiveClient } from '@flock/testkit/live-client';
import { inBatches } from './common.ts';

export const MARKER = /"content":"fan (\d+-\d+)/;

/** Post times by marker, and the receive latencies (ms) of the current phase. */
export class Deliveries {
  readonly sentAt = new Map<string, number>();
  latencies: number[] = [];
  firstReceive = 0;
  lastReceive = 0;
  received = 0;

  reset(): void {
    this.latencies = [];
    this.received = 0;
    this.firstReceive = 0;
    this.lastReceive = 0;
  }

  onFrame(text: string): void {
    const marker = MARKER.exec(text)?.[1];
    if (marker === undefined) return;
    const sent = this.sentAt.get(marker);
    if (sent === undefined) return;
    const now = performance.now();
    if (this.received === 0) this.firstReceive = now;
    this.lastReceive = now;
    this.received++;
    this.latencies.push(now - sent);
  }

  async drain(expected: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}

/** Opens `count` more clients on `baseUrl` subscribed to `stream`, each feeding `deliveries`. */
export async function openClients(
  baseUrl: string,
  tokenOf: (index: number) => string,
  count: number,
  stream: (index: number) => string,
  deliveries: Deliveries,
  offset = 0,
): Promise<LiveClient[]> {
  return inBatches(
    Array.from({ length: count }, (_, i) => offset + i),
    64,
    async (index) => {
      const client = await connectLive(baseUrl, tokenOf(index));
      await client.subscribe(stream(index));
      client.socket.removeAllListeners('message');
      client.frames.length = 0;
      client.socket.on('message', (data) => deliveries.onFrame(data.toString()));
      return client;
    },
  );
}

export async function closeClients(clients: LiveClient[]): Promise<void> {
  for (const client of clients) client.socket.terminate();
}
