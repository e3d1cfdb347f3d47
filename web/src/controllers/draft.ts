// The composer's unsent text, kept for the tab (sessionStorage) and per account, so that following a
// link and coming back, or reloading, does not lose what the reader was writing.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const KEY_PREFIX = 'flock.draft.';

export class DraftController implements ReactiveController {
  readonly #owner: () => string | undefined;
  readonly #storage: () => Storage | undefined;

  constructor(
    host: ReactiveControllerHost,
    owner: () => string | undefined,
    storage: () => Storage | undefined = () => globalThis.sessionStorage,
  ) {
    this.#owner = owner;
    this.#storage = storage;
    host.addController(this);
  }

  /** The draft kept for the signed-in account, or '' */
  load(): string {
    const key = this.#key();
    return (key && this.#storage()?.getItem(key)) || '';
  }

  save(text: string) {
    const key = this.#key();
    if (!key) return;
    // A full or disabled storage only costs the draft its keeping.
    try {
      if (text.trim()) this.#storage()?.setItem(key, text);
      else this.#storage()?.removeItem(key);
    } catch {}
  }

  clear() {
    this.save('');
  }

  hostConnected() {}

  #key() {
    const owner = this.#owner();
    return owner ? `${KEY_PREFIX}${owner}` : undefined;
  }
}
