// The app's session: read from localStorage at start, provided to every component through context,
// changed by the events forms dispatch (signed in, sign out), by other tabs (storage events) and ended
// when the API or the live feed rejects the token. The host renders `current` and `notice`.
import type { Me } from '@flock/shared/api';
import { ContextProvider } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { sessionContext } from '../context.ts';
import { isSessionKey, loadSession, type Session, saveSession } from '../session.ts';

export const EXPIRED = 'Your session has ended. Please sign in again.';

export interface SessionControllerOptions {
  /** The signed-in user, as the API sees the current token (a rejected token ends the session). */
  me: () => Promise<Me>;
  /** A session began or changed hands: (re)connect what depends on the token. */
  onSignedIn: () => void;
  onEnded: () => void;
}

export class SessionController implements ReactiveController {
  current: Session | undefined = loadSession();
  /** Why the reader is signed out, shown on the sign-in view. */
  notice: string | undefined;

  readonly #host: ReactiveElement;
  readonly #options: SessionControllerOptions;
  readonly #provider: ContextProvider<typeof sessionContext, ReactiveElement>;
  #verifying = false;

  constructor(host: ReactiveElement, options: SessionControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.#provider = new ContextProvider(host, { context: sessionContext, initialValue: this.current });
    host.addEventListener('flock-signed-in', ({ detail }) => this.signIn(detail.token, detail.user));
    host.addEventListener('flock-sign-out', () => this.end('You have signed out.'));
    host.addController(this);
  }

  hostConnected() {
    addEventListener('storage', this.#onStorage);
    if (this.current) this.verify();
  }

  hostDisconnected() {
    removeEventListener('storage', this.#onStorage);
  }

  signIn(token: string, user: Me) {
    this.#set({ token, user });
    this.notice = undefined;
    saveSession(this.current);
    this.#options.onSignedIn();
  }

  /** Ends the session (sign-out, or a token the API rejected) and says why. */
  end(notice: string) {
    if (!this.current) return;
    this.#set(undefined);
    this.notice = notice;
    saveSession(undefined);
    this.#options.onEnded();
  }

  /** Asks the API whether the stored token is still good; a 401 ends the session (see ApiClient). */
  verify() {
    if (this.#verifying || !this.current) return;
    this.#verifying = true;
    this.#options
      .me()
      .then((user) => {
        if (this.current) this.#set({ ...this.current, user });
      })
      // Unreachable is not rejected: the session stays, and the next attempt asks again.
      .catch(() => {})
      .finally(() => {
        this.#verifying = false;
      });
  }

  #set(session: Session | undefined) {
    this.current = session;
    this.#provider.setValue(session);
    this.#host.requestUpdate();
  }

  /** Another tab signed in or out. */
  readonly #onStorage = (event: StorageEvent) => {
    if (!isSessionKey(event.key)) return;
    const stored = loadSession();
    if (stored?.token === this.current?.token) return;
    if (stored) this.signIn(stored.token, stored.user);
    else this.end('You signed out in another window.');
  };
}
