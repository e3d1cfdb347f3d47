// Seconds left until something may be tried again (a rate-limited sign-in): re-renders its host each
// second while counting, and stops at zero.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class CountdownController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #until = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whole seconds left, 0 when nothing is being waited for. */
  get remaining(): number {
    return Math.max(0, Math.ceil((this.#until - Date.now()) / 1000));
  }

  start(seconds: number) {
    this.#until = Date.now() + seconds * 1000;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      if (this.remaining === 0) this.#stop();
      this.#host.requestUpdate();
    }, 1000);
    this.#host.requestUpdate();
  }

  hostDisconnected() {
    this.#stop();
    this.#until = 0;
  }

  #stop() {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
