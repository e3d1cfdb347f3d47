// Pings every connection each interval and drops the peers that did not answer the previous ping: a
// client gone without a close (a lost network) would otherwise hold its subscriptions for good.
import type { WebSocket } from 'ws';

export class Heartbeat {
  readonly #alive = new WeakMap<WebSocket, boolean>();
  readonly #timer: NodeJS.Timeout;

  constructor(sockets: () => Iterable<WebSocket>, intervalMs: number) {
    this.#timer = setInterval(() => {
      for (const socket of sockets()) {
        if (!this.#alive.get(socket)) {
          socket.terminate();
          continue;
        }
        this.#alive.set(socket, false);
        socket.ping();
      }
    }, intervalMs).unref();
  }

  watch(socket: WebSocket): void {
    this.#alive.set(socket, true);
    socket.on('pong', () => this.#alive.set(socket, true));
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
