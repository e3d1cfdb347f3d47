// The application shell: owns the session, the API client, the live connection and the route, provides
// them to every component through context, and lays out the header, trending tags and the view.
import { ContextProvider } from '@lit/context';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { ApiClient } from '../api.ts';
import { LiveController } from '../controllers/live-controller.ts';
import { type Route, RouterController } from '../controllers/router.ts';
import {
  apiContext,
  isSessionKey,
  liveContext,
  loadSession,
  type Session,
  SignedInEvent,
  SignOutEvent,
  saveSession,
  sessionContext,
} from '../session.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-auth-form.ts';
import './flock-feed.ts';
import './flock-header.ts';
import './flock-profile.ts';
import './flock-trending.ts';

const EXPIRED = 'Your session has ended. Please sign in again.';

export class FlockApp extends LitElement {
  static override properties = {
    session: { state: true },
    notice: { state: true },
  };

  static override styles = [
    base,
    controls,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      .skip {
        position: absolute;
        left: 0.5rem;
        top: -3rem;
        z-index: 20;
        background: var(--flock-surface);
        padding: 0.5rem 1rem;
        border-radius: 8px;
      }
      .skip:focus {
        top: 0.5rem;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 18rem;
        grid-template-areas: 'main side';
        gap: 1.5rem;
        max-width: 72rem;
        margin: 0 auto;
        padding: 1.25rem 1rem 4rem;
      }
      main {
        grid-area: main;
        min-width: 0;
      }
      main:focus {
        outline: none;
      }
      nav {
        grid-area: side;
      }
      nav flock-trending {
        position: sticky;
        top: calc(var(--flock-header-height) + 1.25rem);
      }
      .signed-out .layout {
        display: block;
        max-width: 28rem;
        padding-top: 3rem;
      }
      h1 {
        font-size: 1.4rem;
        margin: 0 0 1rem;
        /* A tag or username may be 50 characters with no break: wrap it rather than cut it off. */
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .view-head {
        display: flex;
        align-items: baseline;
        gap: 1rem;
        flex-wrap: wrap;
        margin-bottom: 1rem;
      }
      .view-head h1 {
        margin: 0;
      }
      @media (max-width: 52rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
          grid-template-areas: 'side' 'main';
          gap: 1rem;
          padding: 0.75rem 0.5rem 3rem;
        }
        nav flock-trending {
          position: static;
        }
      }
    `,
  ];

  declare session: Session | undefined;
  declare notice: string | undefined;

  readonly api = new ApiClient({
    token: () => this.session?.token,
    onUnauthorized: () => this.#end(EXPIRED),
  });
  readonly live = new LiveController(this, {
    token: () => this.session?.token,
    onExpired: () => this.#end(EXPIRED),
    onFailedAttempt: () => this.#verify(),
  });
  readonly router = new RouterController(this, () => this.#routeChanged());
  readonly #sessionProvider = new ContextProvider(this, { context: sessionContext });
  #returnTo: string | undefined;
  #verifying = false;

  constructor() {
    super();
    this.session = loadSession();
    new ContextProvider(this, { context: apiContext, initialValue: this.api });
    new ContextProvider(this, { context: liveContext, initialValue: this.live });
    this.addEventListener(SignedInEvent.eventName, (event) =>
      this.#signIn(event.auth.token, event.auth.user),
    );
    this.addEventListener(SignOutEvent.eventName, () => this.#end('You have signed out.'));
  }

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('storage', this.#onStorage);
    if (this.session) this.#verify();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('storage', this.#onStorage);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('session')) this.#sessionProvider.setValue(this.session);
    // Signed out, only the sign-in and sign-up views exist; signed in, they lead home.
    const { name } = this.router.route;
    const authView = name === 'login' || name === 'signup';
    if (!this.session && !authView) {
      if (this.router.path !== '/') this.#returnTo = this.router.path;
      this.router.navigate('/login', { replace: true });
    } else if (this.session && authView) {
      this.router.navigate(this.#returnTo ?? '/', { replace: true });
      this.#returnTo = undefined;
    }
  }

  protected override updated() {
    document.title = this.#title(this.router.route);
  }

  override render() {
    const { session } = this;
    return html`
      <div class=${session ? 'signed-in' : 'signed-out'}>
        <a class="skip" href="#main" @click=${this.#skipToMain}>Skip to content</a>
        <flock-header .user=${session?.user} .status=${this.live.status}></flock-header>
        <div class="layout">
          ${
            // Trending tags are navigation: before the feed in reading order (a strip above it on
            // phones, a column beside it on wider screens), and the skip link jumps past them.
            session ? html`<nav aria-label="Trending tags"><flock-trending></flock-trending></nav>` : nothing
          }
          <main id="main" tabindex="-1">${this.#view(this.router.route)}</main>
        </div>
      </div>
    `;
  }

  #view(route: Route) {
    if (!this.session) {
      return html`<flock-auth-form
        .mode=${route.name === 'signup' ? 'signup' : 'login'}
        .notice=${this.notice}
      ></flock-auth-form>`;
    }
    switch (route.name) {
      case 'feed':
        return html`<h1>Home</h1>
          <flock-feed compose></flock-feed>`;
      case 'tag':
        return html`<div class="view-head">
            <h1>#${route.tag}</h1>
            <a href="/">Show all messages</a>
          </div>
          <flock-feed compose .tag=${route.tag}></flock-feed>`;
      case 'user':
        return html`<flock-profile .username=${route.username}></flock-profile>`;
      default:
        return html`<h1>Page not found</h1>
          <p>There is nothing here. <a href="/">Go to the home feed</a>.</p>`;
    }
  }

  #title(route: Route) {
    switch (route.name) {
      case 'login':
        return 'Sign in · Flock';
      case 'signup':
        return 'Create an account · Flock';
      case 'tag':
        return `#${route.tag} · Flock`;
      case 'user':
        return `@${route.username} · Flock`;
      case 'feed':
        return 'Home · Flock';
      default:
        return 'Not found · Flock';
    }
  }

  #signIn(token: string, user: Session['user']) {
    this.session = { token, user };
    this.notice = undefined;
    saveSession(this.session);
    this.live.stop();
    this.live.start();
  }

  /** Ends the session (sign-out, or a token the API rejected) and shows the sign-in view. */
  #end(notice: string) {
    if (!this.session) return;
    this.session = undefined;
    this.notice = notice;
    saveSession(undefined);
    this.live.stop();
  }

  /** Asks the API whether the stored token is still good; a 401 ends the session (see ApiClient). */
  #verify() {
    if (this.#verifying || !this.session) return;
    this.#verifying = true;
    this.api
      .me()
      .then((user) => {
        if (this.session) this.session = { ...this.session, user };
      })
      .catch(() => {})
      .finally(() => {
        this.#verifying = false;
      });
  }

  #routeChanged() {
    // Move focus to the new view, so keyboard and screen-reader users start there.
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('main')?.focus());
  }

  #skipToMain(event: Event) {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  /** Another tab signed in or out. */
  readonly #onStorage = (event: StorageEvent) => {
    if (!isSessionKey(event.key)) return;
    const stored = loadSession();
    if (stored?.token === this.session?.token) return;
    if (stored) this.#signIn(stored.token, stored.user);
    else this.#end('You signed out in another window.');
  };
}

customElements.define('flock-app', FlockApp);

declare global {
  interface HTMLElementTagNameMap {
    'flock-app': FlockApp;
  }
}
