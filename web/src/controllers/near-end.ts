// Tells its host when the reader nears the end of a list: an IntersectionObserver on a sentinel
// element after the list, with a margin so the next page is asked for before the end is reached.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface NearEndOptions {
  /** The sentinel, if it is rendered. */
  sentinel: () => Element | null;
  /** Whether the host is loading: when it stops, the sentinel is looked at again. */
  busy: () => boolean;
  onNearEnd: () => void;
  /** How far below the viewport "near" reaches. */
  margin?: string;
}

export class NearEndController implements ReactiveController {
  readonly #options: NearEndOptions;
  #observer: IntersectionObserver | undefined;
  #wasBusy = true;

  constructor(host: ReactiveControllerHost, options: NearEndOptions) {
    this.#options = options;
    host.addController(this);
  }

  hostUpdated() {
    const sentinel = this.#options.sentinel();
    if (!sentinel) return;
    const busy = this.#options.busy();
    this.#observer ??= new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) this.#options.onNearEnd();
      },
      { rootMargin: `0px 0px ${this.#options.margin ?? '800px'} 0px` },
    );
    // Observing afresh after each load reports the sentinel again if it is still in view.
    if (this.#wasBusy && !busy) {
      this.#observer.disconnect();
      this.#observer.observe(sentinel);
    }
    this.#wasBusy = busy;
  }

  hostDisconnected() {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#wasBusy = true;
  }
}
