// A live-feed client as docs/live-feed.md describes one: `flock.v1` and `flock.auth.<token>` as
// subprotocols, one JSON object per text frame.
import { ChangeSignal } from '@flock/testkit/waiting';
import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field against docs/live-feed.md
export type Frame = { type: string; [key: string]: any };

export interface Refusal {
  refused: number;
}

export class Live {
  readonly socket: WebSocket;
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  readonly #changes = new ChangeSignal();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data, isBinary) => {
      this.frames.push(isBinary ? { type: '<binary>' } : (JSON.parse(data.toString()) as Frame));
      this.#changes.notify();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code;
        this.#changes.notify();
        resolve(code);
      }),
    );
  }

  /** Opens a connection; resolves with the HTTP status instead when the upgrade is refused. */
  static open(
    url: string,
    protocols: string[],
    headers: Record<string, string> = {},
  ): Promise<Live | Refusal> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, { headers });
      socket.once('open', () => resolve(new Live(socket)));
      socket.once('unexpected-response', (_request, response) => {
        response.resume();
        socket.terminate();
        resolve({ refused: response.statusCode ?? 0 });
      });
      socket.once('error', (error) => reject(error));
    });
  }

  static async connect(url: string, token: string): Promise<Live> {
    const opened = await Live.open(url, ['flock.v1', `flock.auth.${token}`]);
    if (!(opened instanceof Live)) throw new Error(`the live feed refused a good token: ${opened.refused}`);
    return opened;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits for the first frame at or after `from` that `test` accepts. */
  async next(test: (frame: Frame) => boolean, what: string, timeoutMs = 10_000, from = 0): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(test);
      if (found) return found;
      if (this.closeCode !== undefined) throw new Error(`closed (${this.closeCode}) before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames)}`);
      await this.#changes.next(left);
    }
  }

  /** Subscribes and waits for the `subscribed` answer (or an error frame, returned instead). */
  async subscribe(stream: string, since?: string): Promise<Frame> {
    const from = this.frames.length;
    this.send({ type: 'subscribe', stream, ...(since !== undefined && { since }) });
    return this.next(
      (frame) =>
        (frame.type === 'subscribed' && frame.stream === stream) ||
        frame.type === 'error' ||
        frame.type === 'resync',
      `an answer to subscribe ${stream}`,
      10_000,
      from,
    );
  }

  events(test: (frame: Frame) => boolean = () => true): Frame[] {
    return this.frames.filter((frame) => frame.type === 'event' && test(frame));
  }

  close(): Promise<number> {
    if (this.closeCode === undefined) this.socket.close();
    return this.closed;
  }
}
