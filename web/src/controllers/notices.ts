// The app's notices: one line about how an action went ("Message deleted.", "The like could not be
// saved."), shown where the reader is looking whatever the scroll position, and announced to screen
// readers. Components raise them with a `flock-notify` event; the app holds them here.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { NoticeKind } from '../events.ts';

export interface Notice {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: string;
}

/** How long a notice stays, unless dismissed: an error longer, since it asks the reader to act. */
export const NOTICE_MS: Record<NoticeKind, number> = { info: 5_000, error: 10_000 };
/** More at once would cover the page; the oldest go first. */
const MAX_NOTICES = 3;

export class NoticesController implements ReactiveController {
  #notices: readonly Notice[] = [];
  #nextId = 1;
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();
  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  get notices(): readonly Notice[] {
    return this.#notices;
  }

  /** Shows `text`; the same text already shown is shown once, for the full time again. */
  notify(kind: NoticeKind, text: string) {
    const same = this.#notices.find((notice) => notice.kind === kind && notice.text === text);
    if (same) this.dismiss(same.id);
    const notice: Notice = { id: this.#nextId++, kind, text };
    const kept = [...this.#notices, notice];
    for (const old of kept.slice(0, Math.max(0, kept.length - MAX_NOTICES))) this.#forget(old.id);
    this.#notices = kept.slice(-MAX_NOTICES);
    this.#timers.set(
      notice.id,
      setTimeout(() => this.dismiss(notice.id), NOTICE_MS[kind]),
    );
    this.#host.requestUpdate();
  }

  dismiss(id: number) {
    if (!this.#notices.some((notice) => notice.id === id)) return;
    this.#forget(id);
    this.#notices = this.#notices.filter((notice) => notice.id !== id);
    this.#host.requestUpdate();
  }

  hostDisconnected() {
    for (const id of this.#timers.keys()) this.#forget(id);
    this.#notices = [];
  }

  #forget(id: number) {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }
}
