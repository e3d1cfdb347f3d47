// A live-feed client for tests: connects with the token in the subprotocol list, records every frame.
import { once } from 'node:events';
import { LIVE_AUTH_PROTOCOL_PREFIX, LIVE_PROTOCOL, type ServerFrame } from '@flock/shared';
import WebSocket from 'ws';
import { ChangeSignal } from './waiting.ts';

type EventFrame = Extract<ServerFrame, { type: 'event' }>;

export class LiveClient {
  readonly socket: WebSocket;
  readonly frames: ServerFrame[] = [];
  closeCode: number | undefined;
  readonly #changes = new ChangeSignal();

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as ServerFrame);
      this.#changes.notify();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.#changes.notify();
    });
  }

  events(stream?: string): EventFrame[] {
    return this.frames.filter(
      (frame): frame is EventFrame =>
        frame.type === 'event' && (!stream || frame.streams.includes(stream as never)),
    );
  }

  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 5_000, what = 'frame'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.slice(-5))}`);
      await this.#changes.next(left);
    }
  }

  async subscribe(stream: string, since?: string): Promise<ServerFrame> {
    const start = this.frames.length;
    this.socket.send(
      JSON.stringify(
        since === undefined ? { type: 'subscribe', stream } : { type: 'subscribe', stream, since },
      ),
    );
    return this.waitFor(
      () =>
        this.frames
          .slice(start)
          .find((f) => (f.type === 'subscribed' || f.type === 'resync') && f.stream === stream),
      5_000,
      `subscribed ${stream}`,
    );
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    // A client whose socket was paused never completes the closing handshake.
    const fallback = setTimeout(() => this.socket.terminate(), 1_000);
    await closed;
    clearTimeout(fallback);
  }
}

export const wsUrl = (baseUrl: string) => `${baseUrl.replace(/^http/, 'ws')}/api/ws`;

export async function connectLive(
  baseUrl: string,
  token: string,
  options: { origin?: string; protocols?: string[] } = {},
): Promise<LiveClient> {
  const socket = new WebSocket(
    wsUrl(baseUrl),
    options.protocols ?? [LIVE_PROTOCOL, `${LIVE_AUTH_PROTOCOL_PREFIX}${token}`],
    {
      ...(options.origin ? { origin: options.origin } : {}),
    },
  );
  const client = new LiveClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) =>
      reject(
        Object.assign(new Error(`upgrade refused: ${response.statusCode}`), {
          statusCode: response.statusCode,
        }),
      ),
    );
    socket.once('error', reject);
  });
  await client.waitFor(() => client.frames.find((f) => f.type === 'welcome'), 5_000, 'welcome');
  return client;
}

/** The status with which the upgrade was refused. */
export async function refusedUpgrade(
  baseUrl: string,
  token: string,
  options: { origin?: string; protocols?: string[] } = {},
) {
  try {
    const client = await connectLive(baseUrl, token, options);
    await client.close();
    return 101;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode ?? 0;
  }
}
