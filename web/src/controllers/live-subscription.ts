// A component's subscription to one live stream: follows the stream the component shows, and lets it
// go when the component leaves the page. The connection itself comes from the app through context.

import type { StreamName } from '@flock/shared/live';
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { type LiveHandler, type LiveSubscription, liveContext } from '../context.ts';

export class LiveSubscriptionController implements ReactiveController {
  readonly #live: ContextConsumer<typeof liveContext, ReactiveElement>;
  readonly #handler: LiveHandler;
  #stream: StreamName | undefined;
  #subscription: LiveSubscription | undefined;

  constructor(host: ReactiveElement, handler: LiveHandler) {
    this.#live = new ContextConsumer(host, { context: liveContext });
    this.#handler = handler;
    host.addController(this);
  }

  /** Follows `stream` (and no other); settles when the server confirmed it, or cannot now. */
  follow(stream: StreamName): Promise<void> {
    if (stream === this.#stream && this.#subscription) return this.#subscription.ready;
    this.#subscription?.unsubscribe();
    this.#stream = stream;
    this.#subscription = this.#live.value?.subscribe(stream, this.#handler);
    return this.#subscription?.ready ?? Promise.resolve();
  }

  hostConnected() {
    if (this.#stream && !this.#subscription) this.follow(this.#stream);
  }

  hostDisconnected() {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }
}
