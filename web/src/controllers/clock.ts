// Re-renders its host every half minute, so relative times ("5 min. ago") stay true. One timer is
// shared by every host on the page.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const TICK_MS = 30_000;
const hosts = new Set<ReactiveControllerHost>();
let timer: ReturnType<typeof setInterval> | undefined;

export class ClockController implements ReactiveController {
  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected() {
    hosts.add(this.#host);
    timer ??= setInterval(() => {
      for (const host of hosts) host.requestUpdate();
    }, TICK_MS);
  }

  hostDisconnected() {
    hosts.delete(this.#host);
    if (hosts.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  }
}
